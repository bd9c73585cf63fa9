"""Deployment checks of our own (``manage.py check --deploy``), beside Django's.

The audit key is what makes the trail's HMAC chain worth anything: with a short or published key
anyone who can write the database can re-sign an edited entry and ``verify_audit`` says OK. The
append-only trigger binds the site only if the site's database role does not own the table.
"""

from django.conf import settings
from django.core import checks
from django.db import connections

from admin_site import published_keys
from approvals.database_roles import disarmable_append_only_tables

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
    return [checks.Error(problem, hint=hint, id="admin_site.E001")]


def site_role_cannot_disarm_the_trail(app_configs=None, databases=None, **kwargs):
    """Warn when the site connects to PostgreSQL as the audit table's owner or as a superuser
    (``check --deploy --database default``, run with the site's own DATABASE_URL)."""
    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            owned = disarmable_append_only_tables(cursor)
        if owned:
            warnings.append(
                checks.Warning(
                    f"The site connects to database '{alias}' as a role that may alter "
                    f"{', '.join(owned)}: it could disable the audit trail's trigger.",
                    hint="Run the site as a runtime role (manage.py grant_runtime_role): "
                    "see 'Database roles' in docs/operations.md.",
                    id="admin_site.W002",
                )
            )
    return warnings
