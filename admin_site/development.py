"""Development settings: DEBUG on, the published keys, demo accounts allowed. For ``make demo``
and the tests only; use ``DJANGO_SETTINGS_MODULE=admin_site.development`` to choose them."""

from admin_site import published_keys
from admin_site.settings import *  # noqa: F403

DEBUG = True
SECRET_KEY = published_keys.SECRET_KEY
AUDIT_HMAC_KEY = published_keys.AUDIT_KEY
DEMO_SITE = True
# Email is written to the console (the worker's output), not sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
