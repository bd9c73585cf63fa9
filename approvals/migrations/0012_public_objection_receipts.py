"""Every objection gets a receipt number the objector looks it up by (approvals.models.
receipt_number); objections filed before are given one each here. Also the national default of
the supervision phone (监督电话) the public notice pages name: the 12317 hotline, a
``public_supervision`` policy version a county supersedes with its own number."""

import datetime

from django.db import migrations, models

import approvals.models

SUPERVISION = "public_supervision"
SOURCE = "国务院扶贫开发领导小组办公室 12317 扶贫监督举报电话"


def give_receipts(apps, schema_editor):
    Objection = apps.get_model("approvals", "Objection")
    for objection in Objection.objects.filter(receipt__isnull=True).order_by("pk"):
        objection.receipt = approvals.models.receipt_number()
        objection.save(update_fields=["receipt"])


def load_hotline(apps, schema_editor):
    Policy = apps.get_model("approvals", "Policy")
    if Policy.objects.filter(workflow=SUPERVISION).exists():
        return
    Policy.objects.create(
        workflow=SUPERVISION,
        version="hotline-12317",
        region_prefix="",
        effective_from=datetime.date(2014, 1, 1),
        values={"supervision_phone": "12317"},
        source=SOURCE,
        value_sources={"supervision_phone": {"level": "national", "source": SOURCE}},
    )


def unload_hotline(apps, schema_editor):
    apps.get_model("approvals", "Policy").objects.filter(
        workflow=SUPERVISION, version="hotline-12317"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0011_holiday_schedules")]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="receipt",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="回执编号"),
        ),
        migrations.RunPython(give_receipts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="objection",
            name="receipt",
            field=models.CharField(
                default=approvals.models.receipt_number,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="回执编号",
            ),
        ),
        migrations.RunPython(load_hotline, unload_hotline),
    ]
