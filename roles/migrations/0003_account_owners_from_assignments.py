"""Existing accounts belong to the county all their role assignments lie in. An account with
none, or with assignments above a county or in several counties, gets no owner: it is the
superusers' to manage."""

from django.db import migrations

COUNTY_DIGITS = 6
COUNTY_LEVEL = 3


def own_accounts_by_assignments(apps, schema_editor):
    RoleAssignment = apps.get_model("roles", "RoleAssignment")
    Region = apps.get_model("roles", "Region")
    AccountOwner = apps.get_model("roles", "AccountOwner")
    counties_of: dict[int, set[str]] = {}
    for user_id, code, level in RoleAssignment.objects.values_list(
        "user_id", "region__code", "region__level"
    ):
        county = code[:COUNTY_DIGITS].ljust(12, "0") if level >= COUNTY_LEVEL else None
        counties_of.setdefault(user_id, set()).add(county)
    counties = {r.code: r for r in Region.objects.filter(level=COUNTY_LEVEL)}
    owners = []
    for user_id, found in counties_of.items():
        if len(found) == 1 and (code := next(iter(found))) in counties:
            owners.append(AccountOwner(user_id=user_id, county=counties[code]))
    AccountOwner.objects.bulk_create(owners)


class Migration(migrations.Migration):
    dependencies = [("roles", "0002_account_owner")]

    operations = [migrations.RunPython(own_accounts_by_assignments, migrations.RunPython.noop)]
