"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on the audit trail at the database itself.

A second line behind the model's refusal and ``verify_audit``: raw SQL cannot edit history either.
Other databases skip this step; ``verify_audit`` still catches an edit there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION approvals_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approvals_auditentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER approvals_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON approvals_auditentry
    FOR EACH ROW EXECUTE FUNCTION approvals_audit_append_only();

CREATE TRIGGER approvals_auditentry_no_truncate
    BEFORE TRUNCATE ON approvals_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION approvals_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS approvals_auditentry_no_truncate ON approvals_auditentry;
DROP TRIGGER IF EXISTS approvals_auditentry_no_update_delete ON approvals_auditentry;
DROP FUNCTION IF EXISTS approvals_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
