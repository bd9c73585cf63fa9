"""Policy versions keep an audit chain of their own; an audit entry may be in no region.

A national policy version belongs to no region, so its entries have none: the column becomes
nullable, and the hash covers a missing region as "", so every entry written before verifies as
it did. On PostgreSQL this only drops the NOT NULL (no row is rewritten, so the append-only
trigger is not involved); SQLite copies the table. Reversing it fails while any entry has no
region. The versions already in the table begin their chain after ``migrate``
(``approvals.policy_versions.start_chains``).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0008_security_event_reason_codes"),
        ("roles", "0003_account_owners_from_assignments"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="audit_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="policy",
            name="audit_head",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="policy",
            name="audit_seal",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="roles.region",
                verbose_name="区划",
            ),
        ),
    ]
