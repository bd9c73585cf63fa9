"""The village-cadre exclusion is off by default: it is in neither the national text nor the seed
texts, so only a province whose own rule says so switches it on in its version.

The seeded identification version is corrected in place where no case runs under it and its
audit chain has not begun (a new database: the chain begins after ``migrate`` with the corrected
values). Where cases are pinned to it or its chain has begun, it stays as it was, and a version
superseding it from today carries the switch off; its chain begins after ``migrate`` as well
(``approvals.policy_versions.start_chains``).
"""

import datetime

from django.db import migrations

WORKFLOW = "household_identification"
SEEDED = "national-2014"
SUCCESSOR = "local-default-2014-r1"
RULE = "village_official"


def _switched_off(values):
    rules = dict(values.get("exclusion_rules", {}))
    rules[RULE] = False
    return {**values, "exclusion_rules": rules}


def switch_off(apps, schema_editor):
    Policy = apps.get_model("approvals", "Policy")
    cases = [apps.get_model("household", name) for name in ("IdentificationCase", "ExitCase")]
    seeded = Policy.objects.filter(workflow=WORKFLOW, version=SEEDED).first()
    if seeded is None or not seeded.values.get("exclusion_rules", {}).get(RULE, False):
        return
    pinned = any(model.objects.filter(policy=seeded).exists() for model in cases)
    if not pinned and seeded.audit_count == 0:
        seeded.values = _switched_off(seeded.values)
        seeded.save(update_fields=["values"])
        return
    Policy.objects.get_or_create(
        workflow=WORKFLOW,
        version=SUCCESSOR,
        defaults={
            "region_prefix": "",
            "effective_from": datetime.date.today(),
            "values": _switched_off(seeded.values),
            "source": seeded.source,
            "supersedes": seeded,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("household", "0005_queue_order_indexes"),
        ("approvals", "0009_policy_audit_chain"),
    ]

    operations = [migrations.RunPython(switch_off, migrations.RunPython.noop)]
