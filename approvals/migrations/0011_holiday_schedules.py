"""The State Council's holiday schedules as policy data: one national ``holiday_calendar``
version per year, effective 1 January, holding the year's holidays and make-up working days
(``approvals.calendar``), loaded from the ``chinesecalendar`` package installed when this runs.
Their chains begin after ``migrate`` (``approvals.policy_versions.start_chains``); a year the
package learns later is entered on the policy page. A year already in the table is left alone.
"""

import datetime

import chinese_calendar
from django.db import migrations

WORKFLOW = "holiday_calendar"
SOURCE = "国务院办公厅关于%d年部分节假日安排的通知（据 chinesecalendar 程序包的整理）"
LEVEL = {"level": "national", "source": "国务院办公厅每年发布的部分节假日安排通知"}


def load(apps, schema_editor):
    Policy = apps.get_model("approvals", "Policy")
    years = {}
    for key, days in (("holidays", chinese_calendar.holidays), ("workdays", chinese_calendar.workdays)):
        for day, name in days.items():
            years.setdefault(day.year, {"holidays": {}, "workdays": {}})[key][day.isoformat()] = name
    for year, values in sorted(years.items()):
        if Policy.objects.filter(workflow=WORKFLOW, effective_from__year=year).exists():
            continue
        Policy.objects.create(
            workflow=WORKFLOW,
            version=f"state-council-{year}",
            region_prefix="",
            effective_from=datetime.date(year, 1, 1),
            values=values,
            source=SOURCE % year,
            value_sources={"holidays": LEVEL, "workdays": LEVEL},
        )


def unload(apps, schema_editor):
    apps.get_model("approvals", "Policy").objects.filter(workflow=WORKFLOW).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0010_policy_value_sources")]

    operations = [migrations.RunPython(load, unload)]
