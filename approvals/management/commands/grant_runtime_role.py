"""Give the site's runtime database role exactly what the site needs, on PostgreSQL.

The append-only trigger binds everyone but the audit table's owner, who can disable it. So the
tables belong to an owner role that only migrations use, and the site connects as a runtime role
that owns nothing: it reads and writes the ordinary tables, and may only insert into and read the
append-only ones (models with ``append_only = True``). Run it as the owner after every
``migrate``; running it again brings the grants back to exactly these.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from approvals.database_roles import append_only_tables

ORDINARY = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY = "SELECT, INSERT"


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant ROLE (the site's runtime role) read and write on the tables, only "
        "insert and read on the audit trail, and read and write on tables later migrations "
        "create. Run it as the tables' owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the database role the site connects as")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; this database is not.")
        with transaction.atomic(), connection.cursor() as cursor:
            self._refuse_unsuitable(cursor, role)
            cursor.execute("SELECT current_schema(), current_user")
            schema, owner = cursor.fetchone()
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
            tables = sorted(name for (name,) in cursor.fetchall())
            guarded = append_only_tables() & set(tables)
            for sql in self._statements(role, schema, tables, guarded):
                cursor.execute(sql)
        self.stdout.write(
            f"{role}: read and write on {len(tables) - len(guarded)} tables and on those {owner} "
            f"creates later; insert and read only on {', '.join(sorted(guarded))}."
        )

    def _refuse_unsuitable(self, cursor, role):
        """A role that is missing, a superuser, or owns anything would make the grants pointless."""
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise CommandError(f"There is no database role {role}: create it first (createuser).")
        if found[0]:
            raise CommandError(f"{role} is a superuser, whom no privilege binds: use another role.")
        owned = self._owned_by(cursor, role)
        if owned:
            raise CommandError(
                f"{role} owns {', '.join(owned)}, so it could drop or alter the audit trail or "
                f"disable its trigger. Make the migration role the owner first "
                f"(REASSIGN OWNED BY {role} TO <owner>, as a superuser)."
            )

    def _owned_by(self, cursor, role):
        """What in the current schema the role owns: the schema (whose owner may drop any table in
        it), tables, sequences, views and functions (the trigger's function among them)."""
        cursor.execute(
            "SELECT 'schema ' || nspname FROM pg_namespace "
            "WHERE nspname = current_schema() AND pg_has_role(%(role)s, nspowner, 'USAGE') "
            "UNION ALL SELECT c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema() "
            "WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') "
            "AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = %(role)s) "
            "UNION ALL SELECT p.proname || '()' FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = current_schema() "
            "WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = %(role)s) ORDER BY 1",
            {"role": role},
        )
        return [name for (name,) in cursor.fetchall()]

    def _statements(self, role, schema, tables, guarded):
        grantee, schema = connection.ops.quote_name(role), connection.ops.quote_name(schema)
        yield f"GRANT USAGE ON SCHEMA {schema} TO {grantee}"
        for table in tables:
            name = connection.ops.quote_name(table)
            yield f"REVOKE ALL ON TABLE {schema}.{name} FROM {grantee}"
            privileges = APPEND_ONLY if table in guarded else ORDINARY
            yield f"GRANT {privileges} ON TABLE {schema}.{name} TO {grantee}"
        yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}"
        yield f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {ORDINARY} ON TABLES TO {grantee}"
        yield (
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {grantee}"
        )
