"""The keys of the development settings. They are in the repository for anyone to read, so they
sign nothing that matters: the deployment checks refuse them."""

SECRET_KEY = "dev-only-secret-key-change-me"
AUDIT_KEY = "dev-only-audit-key-change-me"
