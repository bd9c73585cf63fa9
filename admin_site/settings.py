"""Settings shared by every Jingzhun site; choose one of the modules built on them.

``admin_site.production`` (the default of manage.py and wsgi) takes its keys from the environment
and refuses to start without them; ``admin_site.development`` (``make demo``, the tests) runs with
DEBUG on and the keys published in the repository. SQLite is the default database (a demo or a
single township); set ``DATABASE_URL`` to run on PostgreSQL, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/jingzhun``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "admin_site.admin_config.JingzhunAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "roles",
    "approvals",
    "workflows.project_library",
    "workflows.household",
    "workflows.monitoring",
    "viewflow.workflow",
    "workflows.rectification",
    "workflows.registers",
    "notifications",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "admin_site.api",
    "admin_site",
]

# The REST API (/api/v1/, docs/api.md): tokens or the admin's session, the site's roles and
# scopes, errors in one JSON shape, requests limited per person and per address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "admin_site.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["admin_site.api.permissions.HoldsARole"],
    "DEFAULT_THROTTLE_CLASSES": [
        "admin_site.api.throttling.PersonRateThrottle",
        "admin_site.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "admin_site.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_RATE_PER_PERSON = os.environ.get("JINGZHUN_API_RATE", "120/min")
API_RATE_ANONYMOUS = os.environ.get("JINGZHUN_API_RATE_ANONYMOUS", "30/min")
# The schema and its Swagger UI, served from the sidecar package's own files: nothing is loaded
# from outside the server.
SPECTACULAR_SETTINGS = {
    "TITLE": "精准扶贫审批系统 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Background work (long imports, notification sending) goes through Django's task framework,
# backported by django-tasks; the database backend needs nothing beyond the site's own database.
# A worker runs it: `manage.py db_worker` (docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Notifications leave by email (EMAIL_BACKEND; SMTP by default) and by the SMS/WeChat channel
# named here: the console channel delivers nothing and says so in the log. Plug a provider by
# naming a subclass of notifications.channels.Channel (docs/operations.md). Links in the
# messages start with NOTIFICATION_SITE_URL (the site's address as people reach it).
NOTIFICATION_MESSAGE_CHANNEL = os.environ.get(
    "JINGZHUN_MESSAGE_CHANNEL", "notifications.channels.ConsoleMessageChannel"
)
NOTIFICATION_SITE_URL = os.environ.get("JINGZHUN_SITE_URL", "")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "approvals.calendar.ReadingPerRequest",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "admin_site.urls"
WSGI_APPLICATION = "admin_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "admin_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "admin_site.context.navigation",
                "notifications.context.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# Server-side prepared statements on PostgreSQL (psycopg 3), off unless
# JINGZHUN_DB_PREPARE_THRESHOLD names after how many runs on a connection a statement is prepared:
# a step's few statements are then parsed and planned once per connection. Leave it unset behind
# a pooler in transaction mode that does not track prepared statements (docs/operations.md).
if os.environ.get("JINGZHUN_DB_PREPARE_THRESHOLD") and DATABASES["default"]["ENGINE"].endswith(
    "postgresql"
):
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": int(os.environ["JINGZHUN_DB_PREPARE_THRESHOLD"]),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Role assignments are the only source of object permissions; no anonymous user is needed.
ANONYMOUS_USER_NAME = None

LOGIN_URL = "admin:login"
# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling: five failures lock the username from that address for 30 minutes; the same
# username from another address can still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page says how long to wait and whom to call (admin_site.errors).
AXES_LOCKOUT_CALLABLE = "admin_site.errors.locked_out"
# Whom people call when they are locked out or stuck: the county's system administrator's phone.
SUPPORT_CONTACT = os.environ.get("JINGZHUN_SUPPORT_CONTACT", "")
# A form posted from a stale page: a page in the person's language, what they typed kept.
CSRF_FAILURE_VIEW = "admin_site.errors.csrf_failure"

# Only this site's own scripts, styles and images; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# How many objections one address may file on the public board.
PUBLIC_OBJECTION_RATE = os.environ.get("JINGZHUN_OBJECTION_RATE", "5/h")

# The request header a trusted reverse proxy puts the client's address in (a META key such as
# "HTTP_X_REAL_IP"), or None when clients connect directly. The objection throttle and the login
# lockout both read the address through admin_site.client_address.
CLIENT_IP_HEADER = None
RATELIMIT_IP_META_KEY = "admin_site.client_address.client_ip"
AXES_CLIENT_IP_CALLABLE = "admin_site.client_address.client_ip"

# seed_demo plants accounts whose password is published (a superuser admin/demo among them): only
# a site that says it is a demo takes them.
DEMO_SITE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "admin_site" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JINGZHUN_MEDIA_ROOT", BASE_DIR / "media"))

# Files that back an action (approvals.evidence): the largest accepted, and the types accepted,
# recognised by their content (never by their name), each with the extension it is kept under.
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
# Days an imported register's file is kept after its job went still (workflows.registers.retention),
# and a one-time form token after its form was posted (admin_site.submissions): `purge_stale`.
REGISTER_UPLOAD_RETENTION_DAYS = int(os.environ.get("JINGZHUN_IMPORT_RETENTION_DAYS", "30"))
FORM_TOKEN_RETENTION_DAYS = int(os.environ.get("JINGZHUN_FORM_TOKEN_DAYS", "7"))
# An upload over EVIDENCE_MAX_BYTES is dropped at its first byte, before anything keeps it.
FILE_UPLOAD_HANDLERS = [
    "admin_site.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# The key of the audit trail's HMAC chain. It lives in settings (the environment in production),
# never in the database, so whoever can write the database cannot re-sign an edited entry.
AUDIT_HMAC_KEY = os.environ.get("JINGZHUN_AUDIT_KEY", "")
# Keys the trail was signed with before a rotation: they verify old entries, never sign new ones.
# Comma-separated; each entry names the key that signed it by its fingerprint (approvals.keys).
AUDIT_HMAC_KEYS_RETIRED = [
    key for key in os.environ.get("JINGZHUN_AUDIT_KEYS_RETIRED", "").split(",") if key
]
# The account that timers (close_due_notices) act as; created on first use, cannot log in.
APPROVALS_SYSTEM_USERNAME = "system"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "approvals": {"handlers": ["console"], "level": "INFO"},
        "notifications": {"handlers": ["console"], "level": "INFO"},
    },
}
