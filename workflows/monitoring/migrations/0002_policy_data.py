"""The first policy version of inclusion in monitoring: the 2021 monitoring line (6,000 yuan,
the national floor; a province adds its own version with a higher line), a village notice of 5
days, the whole inclusion within 15 working days of the clue [local default], a hardship-expense
threshold of 10,000 yuan [local default, unverified] and the household exclusion rules that fit
(a sitting village cadre in the family is not one of them). Each value says its level and source:
the version holds local defaults beside the national line, so it is not called national."""

import datetime

from django.db import migrations

VERSION = "2021-monitoring"
VALUES = {
    "monitoring_lines": {"2021": 6000},
    "village_notice_days": 5,
    "inclusion_working_days": 15,
    "hardship_expense_threshold": 10000,
    "exclusion_rules": {
        "public_payroll": True,
        "town_flat": True,
        "car": True,
        "business": True,
        "village_official": False,
    },
}
NATIONAL_TEXT = "中农组发〔2021〕7号《关于健全防止返贫动态监测和帮扶机制的指导意见》"
VALUE_SOURCES = {
    "monitoring_lines": {
        "level": "national",
        "source": NATIONAL_TEXT + "：2021年监测标准6000元，各省可高于此标准",
    },
    "village_notice_days": {
        "level": "county_default",
        "source": NATIONAL_TEXT + "规定村内公示，未规定天数；5天为县级默认值",
    },
    "inclusion_working_days": {
        "level": "county_default",
        "source": "15个工作日办结为地方通行做法，县可按本省规定调整",
    },
    "hardship_expense_threshold": {
        "level": "county_default",
        "source": "大额刚性支出10000元为县级默认值，未找到国家规定（未核实）",
    },
    "exclusion_rules": {
        "level": "county_default",
        "source": "排除情形为地方规定；“现任村干部”一项不适用于纳入监测",
    },
}
SOURCE = (
    "中央农村工作领导小组《关于健全防止返贫动态监测和帮扶机制的指导意见》（中农组发〔2021〕7号）："
    "监测范围、2021年监测标准6000元、公示；办结时限15个工作日和大额刚性支出10000元为县级默认值"
)


def add(apps, schema_editor):
    apps.get_model("approvals", "Policy").objects.get_or_create(
        workflow="monitoring_inclusion",
        version=VERSION,
        defaults={
            "region_prefix": "",
            "effective_from": datetime.date(2021, 1, 1),
            "values": VALUES,
            "source": SOURCE,
            "value_sources": VALUE_SOURCES,
        },
    )


def remove(apps, schema_editor):
    # In SQL, not through the ORM: deleting a policy asks every case model whether it is in use,
    # and a procedure unapplied earlier in the same run has no table left to ask.
    table = schema_editor.quote_name(apps.get_model("approvals", "Policy")._meta.db_table)
    schema_editor.execute(
        f"DELETE FROM {table} WHERE workflow = %s AND version = %s",
        ["monitoring_inclusion", VERSION],
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial"), ("approvals", "0010_policy_value_sources")]

    operations = [migrations.RunPython(add, remove)]
