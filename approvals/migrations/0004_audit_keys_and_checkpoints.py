"""Entries name the key that signed them; checkpoints record every chain.

The entries already written were signed with the key configured when this runs, so the new column
starts as that key's id: added with it as the column's default, which fills every row without an
UPDATE (the trail's trigger refuses those) and without rewriting PostgreSQL's table.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

from approvals import keys


def _key_id_column(default=""):
    field = models.CharField(max_length=16, default=default, verbose_name="密钥标识")
    field.set_attributes_from_name("key_id")
    return field


def add_key_id(apps, schema_editor):
    entry = apps.get_model("approvals", "AuditEntry")
    key_id = keys.current_id()
    if not key_id and entry.objects.exists():
        raise ImproperlyConfigured(
            "Set JINGZHUN_AUDIT_KEY to the key the trail was signed with before migrating"
        )
    schema_editor.add_field(entry, _key_id_column(key_id))


def remove_key_id(apps, schema_editor):
    entry = apps.get_model("approvals", "AuditEntry")
    schema_editor.remove_field(entry, _key_id_column())


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0003_queue_and_inspector_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='时间')),
                ('key_id', models.CharField(max_length=16, verbose_name='密钥标识')),
                ('chains', models.PositiveIntegerField(verbose_name='链条数')),
                ('entries', models.PositiveBigIntegerField(verbose_name='记录数')),
                ('digest', models.CharField(max_length=64, verbose_name='摘要')),
                ('signature', models.CharField(max_length=64, verbose_name='签名')),
            ],
            options={
                'verbose_name': '审计检查点',
                'verbose_name_plural': '审计检查点',
                'ordering': ['-created_at'],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="auditentry",
                    name="key_id",
                    field=models.CharField(default="", max_length=16, verbose_name="密钥标识"),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunPython(add_key_id, remove_key_id)],
        ),
    ]
