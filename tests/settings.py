"""Test settings: the development settings plus the toy procedure that proves the engine and
the house-repair procedure that proves a procedure is added by its folder and this one line."""

from admin_site.development import *  # noqa: F403
from admin_site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.toy", "tests.house_repair"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUDIT_HMAC_KEY = "test-audit-key"
# Tests send many API requests as people whose ids recur; the throttle is tested on its own.
API_RATE_PER_PERSON = API_RATE_ANONYMOUS = "100000/min"
