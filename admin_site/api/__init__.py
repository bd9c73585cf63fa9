"""The REST API under /api/v1/: the same queue, cases, engine calls and scopes as the admin,
for phones and the systems around the site (docs/api.md)."""
