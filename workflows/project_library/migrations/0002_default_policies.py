"""The national defaults as editable policy data: 10-day notices, no county appraisal step, and the
category list of the period (2018 list until 2020, the 2021 list from 2021). Provinces and counties
add their own versions (a more specific region prefix wins) rather than editing these."""

import datetime

from django.db import migrations

WORKFLOW = "project_library"
NOTICE_DAYS = {
    "village_notice_days": 10,
    "township_notice_days": 10,
    "county_notice_days": 10,
    "completion_notice_days": 10,
}
DEFAULTS = [
    ("national-2018", datetime.date(2018, 1, 1), {"category_list": "2018"}),
    ("national-2021", datetime.date(2021, 1, 1), {"category_list": "2021"}),
]


def add(apps, schema_editor):
    Policy = apps.get_model("approvals", "Policy")
    for version, start, values in DEFAULTS:
        Policy.objects.get_or_create(
            workflow=WORKFLOW,
            version=version,
            defaults={
                "region_prefix": "",
                "effective_from": start,
                "values": {**NOTICE_DAYS, "county_appraisal": False, **values},
            },
        )


def remove(apps, schema_editor):
    Policy = apps.get_model("approvals", "Policy")
    Policy.objects.filter(workflow=WORKFLOW, version__in=[v for v, _, _ in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("project_library", "0001_initial"), ("approvals", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
