"""Production settings: the site's settings with everything that must not be left to chance set
from the environment. The default of ``manage.py`` and ``wsgi``; refuses to start without its
secrets (``make demo`` and the tests choose ``admin_site.development`` instead)."""

import os

from django.core.exceptions import ImproperlyConfigured

from admin_site.settings import *  # noqa: F403

for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "JINGZHUN_AUDIT_KEY"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(
            f"{required} must be set in production "
            "(for a local demo choose DJANGO_SETTINGS_MODULE=admin_site.development)"
        )

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("JINGZHUN_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind the reverse proxy every request comes from the proxy: the objection throttle and the
# login lockout read the client's address from the header the proxy sets (empty: no proxy).
CLIENT_IP_HEADER = os.environ.get("JINGZHUN_CLIENT_IP_HEADER", "HTTP_X_REAL_IP") or None
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("JINGZHUN_REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
}
