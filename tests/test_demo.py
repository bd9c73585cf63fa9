import io

from django.core.management import call_command

from roles.models import Region, RoleAssignment
from workflows.rectification import demo
from workflows.rectification.choices import ProblemState, UnitTaskState
from workflows.rectification.models import Problem, UnitTask


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_county_with_people_and_is_idempotent(db):
    first = seed()
    counts = (Region.objects.count(), RoleAssignment.objects.count())
    assert counts == (1 + 1 + 1 + 3 + 9, 11 + 4)  # 4 people of the rectification's units
    assert "reviewer   乡镇审核人@城关镇" in first
    seed()
    assert (Region.objects.count(), RoleAssignment.objects.count()) == counts
    for region in Region.objects.all():
        region.full_clean()
    verify = io.StringIO()
    call_command("verify_audit", stdout=verify)
    assert verify.getvalue().startswith("OK")


def test_seed_demo_plants_a_campaign_in_every_state_with_its_units_people(db):
    out = seed()
    problems = Problem.objects.filter(campaign__title=demo.TITLE)
    assert problems.count() == 12
    assert set(problems.values_list("state", flat=True)) == set(ProblemState.values)
    assert problems.filter(recurring=True, state=ProblemState.RECTIFYING).exists()
    states = set(UnitTask.objects.values_list("state", flat=True))
    assert {UnitTaskState.REPORTED, UnitTaskState.SENT_BACK, UnitTaskState.PLANNING} <= states
    assert UnitTask.objects.filter(overdue_since__isnull=False).exists()
    assert "rectoffice 县扶贫办@宕昌县（县整改办）" in out
    assert "education  行业部门@宕昌县（县教育局）" in out
    assert "rectification: 0 new demo records" in seed()
