"""A problem's own fields are bound to its chain: verify_audit reports a problem whose state,
the time it entered it or its region was moved behind the rectification service's back."""

import datetime

import pytest

from tests.rectification_setup import county_with_units, open_item
from tests.test_audit import verify
from workflows.rectification import process
from workflows.rectification.models import Problem

pytestmark = pytest.mark.django_db

BACKDATED = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def setup():
    return county_with_units()


@pytest.fixture
def verifying(setup):
    """A problem its one unit has reported: in the lead unit's verification."""
    problem = open_item(setup, units=[setup.health])
    task = problem.unit_tasks.get()
    process.submit_plan(task, actor=setup.person(setup.health), plan="方案")
    process.submit_report(
        task, actor=setup.person(setup.health), measures_taken="措施", progress=""
    )
    return problem


def test_a_problem_driven_through_the_service_verifies(verifying):
    code, out = verify()
    assert code == 0, out


def test_a_state_moved_behind_the_services_back_is_reported(verifying):
    Problem.objects.filter(pk=verifying.pk).update(state="closed")
    code, out = verify()
    assert code == 1
    assert (
        f"BROKEN rectification.problem#{verifying.pk}: state is closed but the trail's last "
        "entry leads to verifying" in out
    )


def test_a_backdated_state_is_reported(verifying):
    Problem.objects.filter(pk=verifying.pk).update(state_since=BACKDATED)
    code, out = verify()
    assert code == 1
    assert f"BROKEN rectification.problem#{verifying.pk}: state_since is" in out


def test_a_problem_moved_to_another_region_is_reported(verifying, setup):
    Problem.objects.filter(pk=verifying.pk).update(region=setup.townships[0])
    code, out = verify()
    assert code == 1
    assert f"BROKEN rectification.problem#{verifying.pk}: region is" in out
