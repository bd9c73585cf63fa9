"""On PostgreSQL, the checkpoints are held like the trail: no UPDATE, DELETE or TRUNCATE."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION approvals_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER approvals_checkpoint_no_update_delete
    BEFORE UPDATE OR DELETE ON approvals_checkpoint
    FOR EACH ROW EXECUTE FUNCTION approvals_audit_append_only();

CREATE TRIGGER approvals_checkpoint_no_truncate
    BEFORE TRUNCATE ON approvals_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION approvals_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS approvals_checkpoint_no_truncate ON approvals_checkpoint;
DROP TRIGGER IF EXISTS approvals_checkpoint_no_update_delete ON approvals_checkpoint;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("approvals", "0005_timer_account")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
