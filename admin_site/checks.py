"""Deployment checks of our own (``manage.py check --deploy``), beside Django's.

The audit key is what makes the trail's HMAC chain worth anything: with a short or published key
anyone who can write the database can re-sign an edited entry and ``verify_audit`` says OK.
"""

from django.conf import settings
from django.core.checks import Error

from admin_site import published_keys

AUDIT_KEY_MIN_BYTES = 32


def audit_key_is_strong(app_configs=None, **kwargs):
    """Refuse an audit key that is published in the repository or shorter than 32 bytes."""
    key = settings.AUDIT_HMAC_KEY
    length = len(key.encode())
    if key == published_keys.AUDIT_KEY:
        problem = "JINGZHUN_AUDIT_KEY is the development key published in the repository."
    elif length < AUDIT_KEY_MIN_BYTES:
        problem = (
            f"JINGZHUN_AUDIT_KEY is {length} bytes long; it must be at least {AUDIT_KEY_MIN_BYTES}."
        )
    else:
        return []
    hint = (
        "Set JINGZHUN_AUDIT_KEY to a random key of its own, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, and keep it out of "
        "the database and its backups."
    )
    return [Error(problem, hint=hint, id="admin_site.E001")]
