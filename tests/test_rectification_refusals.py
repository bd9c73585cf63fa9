"""What the rectification service refuses: each refusal names its reason, changes nothing and is
in the security log under the problem, as the engine's refusals are."""

import pytest
from django.core.files.base import ContentFile
from viewflow.workflow.models import Task

from approvals.exceptions import PermissionDenied, Refusal, TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import child_region
from tests.rectification_setup import county_with_units, open_item
from workflows.rectification import process
from workflows.rectification.choices import ProblemState, UnitTaskState
from workflows.rectification.models import Evidence, Problem, UnitTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return county_with_units()


def snapshot(problem):
    """Everything a step could change: the problem, its trail, its units' and viewflow's tasks."""
    fresh = Problem.objects.get(pk=problem.pk)
    return (
        (fresh.state, fresh.audit_count, fresh.audit_head, fresh.times_reopened),
        AuditEntry.objects.for_object(problem).count(),
        list(UnitTask.objects.filter(problem=problem).values_list("state", "task", "plan")),
        list(
            Task.objects.filter(process__in=problem.rounds.all())
            .values_list("status", "owner")
            .order_by("pk")
        ),
        Evidence.objects.filter(problem=problem).count(),
    )


def refused(problem, exc_type, code, call, actor, action):
    """``call()`` is refused with ``code``, changes nothing, and is logged against ``problem``."""
    before = snapshot(problem)
    with pytest.raises(exc_type) as caught:
        call()
    assert code in caught.value.codes
    assert snapshot(problem) == before
    event = SecurityEvent.objects.for_object(problem).latest("pk")
    assert event.user == actor and event.action == action and code in event.reason_codes
    return caught.value


def task_of(problem, unit):
    return problem.unit_tasks.filter(unit=unit).latest("round__number")


def test_a_person_of_another_unit_cannot_work_its_task(setup):
    problem = open_item(setup)
    outsider = setup.person(setup.housing)
    refused(
        problem,
        PermissionDenied,
        "not_of_unit",
        lambda: process.submit_plan(task_of(problem, setup.health), actor=outsider, plan="x"),
        outsider,
        "plan_submitted",
    )
    refused(
        problem,
        PermissionDenied,
        "not_of_unit",
        lambda: process.claim(task_of(problem, setup.education), actor=outsider),
        outsider,
        "claimed",
    )


def test_an_auditor_reads_but_never_acts(setup):
    problem = open_item(setup)
    refused(
        problem,
        PermissionDenied,
        "read_only",
        lambda: process.submit_plan(task_of(problem, setup.health), actor=setup.auditor, plan="x"),
        setup.auditor,
        "plan_submitted",
    )
    refused(
        problem,
        PermissionDenied,
        "read_only",
        lambda: process.reopen(problem, actor=setup.auditor, reason="x"),
        setup.auditor,
        "reopened",
    )


def test_a_step_out_of_turn_is_refused(setup):
    problem = open_item(setup)
    health = setup.person(setup.health)
    refused(
        problem,
        TransitionNotAllowed,
        "wrong_state",
        lambda: process.submit_report(
            task_of(problem, setup.health), actor=health, measures_taken="x", progress="y"
        ),
        health,
        "report_submitted",
    )
    refused(
        problem,
        TransitionNotAllowed,
        "wrong_state",
        lambda: process.verify(problem, actor=setup.person(setup.education)),
        setup.person(setup.education),
        "accepted",
    )
    refused(
        problem,
        TransitionNotAllowed,
        "wrong_state",
        lambda: process.close(problem, actor=setup.office_clerk, comment="同意"),
        setup.office_clerk,
        "closed",
    )


def test_reopening_an_open_problem_is_refused(setup):
    problem = open_item(setup)
    refused(
        problem,
        TransitionNotAllowed,
        "wrong_state",
        lambda: process.reopen(problem, actor=setup.office_clerk, reason="反弹"),
        setup.office_clerk,
        "reopened",
    )


def to_verifying(setup, problem):
    for unit in problem.units.all():
        task = task_of(problem, unit)
        process.submit_plan(task, actor=setup.person(unit), plan="方案")
        process.submit_report(task, actor=setup.person(unit), measures_taken="措施", progress="")


def test_sending_back_needs_a_reason_and_a_unit_of_the_problem(setup):
    problem = open_item(setup)
    to_verifying(setup, problem)
    lead = setup.person(setup.education)
    refused(
        problem,
        TransitionNotAllowed,
        "reason_required",
        lambda: process.verify(problem, actor=lead, send_back={setup.health: "  "}),
        lead,
        "sent_back",
    )
    refused(
        problem,
        TransitionNotAllowed,
        "not_responsible",
        lambda: process.verify(problem, actor=lead, send_back={setup.housing: "不全"}),
        lead,
        "sent_back",
    )
    refused(
        problem,
        TransitionNotAllowed,
        "no_units",
        lambda: process.verify(problem, actor=lead, send_back={}),
        lead,
        "sent_back",
    )
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.VERIFYING


def test_only_the_lead_unit_verifies_and_only_the_office_closes(setup):
    problem = open_item(setup)
    to_verifying(setup, problem)
    health = setup.person(setup.health)
    refused(
        problem,
        PermissionDenied,
        "not_of_unit",
        lambda: process.verify(problem, actor=health),
        health,
        "accepted",
    )
    process.verify(problem, actor=setup.person(setup.education))
    lead = setup.person(setup.education)
    refused(
        problem,
        PermissionDenied,
        "not_of_unit",
        lambda: process.close(problem, actor=lead, comment="同意"),
        lead,
        "closed",
    )


def test_a_closed_problem_takes_no_more_work(setup):
    problem = open_item(setup, units=[setup.health])
    to_verifying(setup, problem)
    process.verify(problem, actor=setup.person(setup.health))
    process.close(problem, actor=setup.office_clerk, comment="同意销号")
    health = setup.person(setup.health)
    refused(
        problem,
        TransitionNotAllowed,
        "closed",
        lambda: process.submit_report(
            task_of(problem, setup.health), actor=health, measures_taken="x", progress=""
        ),
        health,
        "report_submitted",
    )


def test_a_file_of_the_wrong_type_is_refused_and_not_kept(setup, settings):
    problem = open_item(setup, units=[setup.health])
    task = task_of(problem, setup.health)
    health = setup.person(setup.health)
    process.submit_plan(task, actor=health, plan="方案")
    exc = refused(
        problem,
        TransitionNotAllowed,
        "text",
        lambda: process.submit_report(
            task,
            actor=health,
            measures_taken="x",
            progress="",
            files=[ContentFile(b"MZ\x90\x00", name="a.pdf")],
        ),
        health,
        "report_submitted",
    )
    assert "a.pdf" in str(exc)
    assert not (settings.MEDIA_ROOT / "evidence").exists()
    assert task_of(problem, setup.health).state == UnitTaskState.REPORTING


def test_registering_a_problem_is_the_offices_and_checks_its_units(setup):
    clerk = setup.person(setup.education)
    with pytest.raises(PermissionDenied):
        process.open_problem(
            setup.campaign,
            actor=clerk,
            area="a",
            number=1,
            description="d",
            lead_unit=setup.health,
            units=[setup.health],
            tier="immediate",
        )
    with pytest.raises(TransitionNotAllowed) as caught:
        process.open_problem(
            setup.campaign,
            actor=setup.office_clerk,
            area="a",
            number=1,
            description="d",
            lead_unit=setup.health,
            units=[],
            tier="by_date",
        )
    assert {"no_units"} <= set(caught.value.codes)
    assert not Problem.objects.exists()
    assert SecurityEvent.objects.filter(workflow="rectification.problem").count() == 2
    assert isinstance(caught.value, Refusal)


def test_a_dry_run_says_what_would_refuse_and_changes_nothing(setup):
    other_county = child_region(setup.county.parent, 23, "别县")
    elsewhere = child_region(child_region(other_county, 1, "镇"), 1, "村")
    village = child_region(setup.townships[0], 1, "一村")
    fields = {
        "area": "住房安全",
        "number": 1,
        "description": "危房改造不彻底",
        "lead_unit": setup.housing,
        "units": [setup.housing],
        "tier": "by_date",
    }
    reasons = process.check_problem(setup.campaign, actor=setup.office_clerk, **fields)
    assert [str(r) for r in reasons] == ["限期整改的问题必须填写整改时限"]
    reasons = process.check_problem(
        setup.campaign,
        actor=setup.office_clerk,
        **fields,
        deadline_working_days=10,
        villages=[village, elsewhere],
    )
    assert [r.code for r in reasons] == ["place_elsewhere"]
    assert (
        process.check_problem(
            setup.campaign,
            actor=setup.office_clerk,
            **fields,
            deadline_working_days=10,
            villages=[village],
        )
        == []
    )
    by_auditor = process.check_problem(setup.campaign, actor=setup.auditor, **fields)
    assert [r.code for r in by_auditor] == ["read_only"]
    assert not Problem.objects.exists()
    assert not SecurityEvent.objects.exists()
    problem = process.open_problem(
        setup.campaign,
        actor=setup.office_clerk,
        **fields,
        deadline_working_days=10,
        villages=[village],
    )
    assert list(problem.villages.all()) == [village]
