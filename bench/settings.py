"""Benchmark settings: the site's, plus the toy procedure and the bare django-fsm-2 peer.

django-fsm-log is installed here only: it is the peer's audit log, not a product dependency.
"""

from admin_site.settings import *  # noqa: F403
from admin_site.settings import INSTALLED_APPS

DEBUG = False
SECRET_KEY = "bench-only-secret-key"
INSTALLED_APPS = [*INSTALLED_APPS, "django_fsm_log", "tests.toy", "bench.peer"]
AUDIT_HMAC_KEY = "bench-audit-key"
# Users are created once during set-up; a slow hasher would only lengthen it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-fsm-log logs every django-fsm transition it sees. The engine keeps its own audit trail,
# so the toy model is left out, or the engine would pay for the peer's log row as well.
DJANGO_FSM_LOG_IGNORED_MODELS = ["tests.toy.models.ToyCase"]
ROOT_URLCONF = "bench.urls"
