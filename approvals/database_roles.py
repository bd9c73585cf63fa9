"""The tables the site's database role may only append to and read: those of models marked
``append_only = True`` (the audit trail). ``grant_runtime_role`` grants by it and a deployment
check warns when the site's role could disarm them."""

from django.apps import apps


def append_only_tables():
    return {
        model._meta.db_table for model in apps.get_models() if getattr(model, "append_only", False)
    }


def disarmable_append_only_tables(cursor):
    """The append-only tables the connected PostgreSQL role owns (or, as a superuser, may alter):
    it could disable their trigger and rewrite them."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(%s) "
        # True for the owner, a member of the owner's role, and a superuser.
        "AND pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY c.relname",
        [sorted(append_only_tables())],
    )
    return [name for (name,) in cursor.fetchall()]
