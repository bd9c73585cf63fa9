"""Policy data as editable rows: the national poverty lines known from the policy texts, and the
national defaults of both procedures (7-day notices, every exclusion rule and every blocking
situation switched on). Provinces add their own lines and policy versions."""

import datetime
from decimal import Decimal

from django.db import migrations

LINES = {2013: "2736", 2015: "2855", 2016: "3026", 2019: "3218", 2020: "4000"}
EXCLUSION_RULES = ["public_payroll", "town_flat", "car", "business", "village_official"]
EXIT_BLOCKERS = [
    "food_clothing",
    "safe_water",
    "compulsory_education",
    "medical_insurance",
    "safe_housing",
    "no_policy_effect",
    "newly_included",
    "dibao_below_line",
]
POLICIES = [
    (
        "household_identification",
        "national-2014",
        datetime.date(2014, 1, 1),
        {
            "first_notice_days": 7,
            "second_notice_days": 7,
            "announcement_days": 7,
            "exclusion_rules": dict.fromkeys(EXCLUSION_RULES, True),
        },
    ),
    (
        "household_exit",
        "national-2016",
        datetime.date(2016, 1, 1),
        {
            "village_notice_days": 7,
            "announcement_days": 7,
            "exit_blockers": dict.fromkeys(EXIT_BLOCKERS, True),
        },
    ),
]


def add(apps, schema_editor):
    PovertyLine = apps.get_model("household", "PovertyLine")
    Policy = apps.get_model("approvals", "Policy")
    for year, amount in LINES.items():
        PovertyLine.objects.get_or_create(
            year=year, region_prefix="", defaults={"amount": Decimal(amount)}
        )
    for workflow, version, start, values in POLICIES:
        Policy.objects.get_or_create(
            workflow=workflow,
            version=version,
            defaults={"region_prefix": "", "effective_from": start, "values": values},
        )


def remove(apps, schema_editor):
    apps.get_model("household", "PovertyLine").objects.filter(
        region_prefix="", year__in=list(LINES)
    ).delete()
    Policy = apps.get_model("approvals", "Policy")
    for workflow, version, _start, _values in POLICIES:
        Policy.objects.filter(workflow=workflow, version=version).delete()


class Migration(migrations.Migration):
    dependencies = [("household", "0001_initial"), ("approvals", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
