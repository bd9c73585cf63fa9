"""Test settings: the development settings plus the toy procedure that proves the engine."""

from admin_site.development import *  # noqa: F403
from admin_site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.toy"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUDIT_HMAC_KEY = "test-audit-key"
