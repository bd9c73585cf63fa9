"""The first policy version of risk elimination, and the monitoring status of households already
under monitoring.

The version: a village notice of 5 days [county default, as the inclusion's], the income above
the line in the year assessed (1 year) [county default] and at least 6 months under monitoring
[county default: 中农组发〔2021〕7号 names no minimum; provinces commonly require half a year,
unverified]. The lines are the inclusion's. Households whose inclusion was decided before the
status was kept are marked monitored from the day of the decision, each with an empty plan."""

import datetime

from django.db import migrations

WORKFLOW = "monitoring_elimination"
VERSION = "local-default-2021-elimination"
VALUES = {"village_notice_days": 5, "stable_income_years": 1, "minimum_monitored_months": 6}
NATIONAL_TEXT = "中农组发〔2021〕7号《关于健全防止返贫动态监测和帮扶机制的指导意见》"
VALUE_SOURCES = {
    "village_notice_days": {
        "level": "county_default",
        "source": NATIONAL_TEXT + "规定风险消除履行相应程序，未规定公示天数；5天为县级默认值",
    },
    "stable_income_years": {
        "level": "county_default",
        "source": NATIONAL_TEXT + "要求收入持续稳定，未规定年数；1年为县级默认值",
    },
    "minimum_monitored_months": {
        "level": "county_default",
        "source": "纳入监测满6个月方可标注风险消除为地方通行做法，未找到国家规定（未核实）",
    },
}
SOURCE = (
    NATIONAL_TEXT + "：收入持续稳定、“两不愁三保障”和饮水安全持续巩固、风险已经稳定消除的，"
    "履行相应程序后标注风险消除；公示天数、收入稳定年数和最短监测时间为县级默认值"
)


def add(apps, schema_editor):
    apps.get_model("approvals", "Policy").objects.get_or_create(
        workflow=WORKFLOW,
        version=VERSION,
        defaults={
            "region_prefix": "",
            "effective_from": datetime.date(2021, 1, 1),
            "values": VALUES,
            "source": SOURCE,
            "value_sources": VALUE_SOURCES,
        },
    )


def mark_monitored(apps, schema_editor):
    MonitoringCase = apps.get_model("monitoring", "MonitoringCase")
    plans = apps.get_model("monitoring", "AssistancePlan")
    for case in MonitoringCase.objects.filter(state="monitored").select_related("household"):
        household = case.household
        household.monitoring_status = "monitored"
        household.monitored_since = case.state_since.date()
        household.save(update_fields=["monitoring_status", "monitored_since"])
        plans.objects.get_or_create(
            monitoring_case=case,
            defaults={"household": household, "drawn_up_on": household.monitored_since},
        )


def remove(apps, schema_editor):
    # In SQL, as the inclusion's version is removed (see 0002).
    table = schema_editor.quote_name(apps.get_model("approvals", "Policy")._meta.db_table)
    schema_editor.execute(
        f"DELETE FROM {table} WHERE workflow = %s AND version = %s", [WORKFLOW, VERSION]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_monitor_elimination_and_plans"),
        ("household", "0008_monitor_status"),
    ]

    operations = [
        migrations.RunPython(add, remove),
        migrations.RunPython(mark_monitored, migrations.RunPython.noop),
    ]
