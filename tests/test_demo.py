import io

from django.core.management import call_command

from roles.models import Region, RoleAssignment


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_county_with_people_and_is_idempotent(db):
    first = seed()
    counts = (Region.objects.count(), RoleAssignment.objects.count())
    assert counts == (1 + 1 + 1 + 3 + 9, 11)
    assert "reviewer   乡镇审核人@城关镇" in first
    seed()
    assert (Region.objects.count(), RoleAssignment.objects.count()) == counts
    for region in Region.objects.all():
        region.full_clean()
    verify = io.StringIO()
    call_command("verify_audit", stdout=verify)
    assert verify.getvalue().startswith("OK")
