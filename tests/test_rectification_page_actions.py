"""The problem page's actions beyond the steps themselves: the office corrects the record as an
audited edit, the actions a person may not take are shown greyed with the reasons, and sending
several units back asks for each unit's own reason."""

import pytest

from approvals.models import AuditEntry, SecurityEvent
from tests.rectification_setup import county_with_units, open_item
from tests.test_rectification import chains_verify, report_all, task_of
from tests.test_rectification_pages import act, page
from workflows.rectification import corrections, process
from workflows.rectification.choices import ProblemState, UnitTaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return county_with_units()


def correction(problem, **changes):
    """The edit form as posted: the record as it is, with ``changes``."""
    fields = {
        "area": problem.area,
        "description": problem.description,
        "measures": problem.measures,
        "requirement": problem.requirement,
        "tier": problem.tier,
        "deadline": problem.deadline or "",
        "deadline_working_days": problem.deadline_working_days or "",
        **changes,
    }
    return {f"edit-{name}": value for name, value in fields.items()}


def test_the_office_corrects_a_problems_record_with_old_and_new_values_on_its_chain(client, setup):
    problem = open_item(setup)
    client.force_login(setup.office_clerk)
    assert 'id="action-edit"' in client.get(page(problem)).content.decode()

    posted = correction(problem, description="控辍保学 排查不全\x07", deadline_working_days="３０")
    response = act(client, problem, "edit", **posted)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.description == "控辍保学 排查不全" and problem.deadline_working_days == 30
    entry = AuditEntry.objects.for_object(problem).latest("seq")
    assert entry.action == "edit" and entry.actor == setup.office_clerk
    changed = {c["field"]: (c["old"], c["new"]) for c in entry.data["changes"]}
    assert changed == {
        "description": ("控辍保学工作不扎实（第1项）", "控辍保学 排查不全"),
        "deadline_working_days": ("20", "30"),
    }
    body = client.get(page(problem)).content.decode()
    assert "控辍保学工作不扎实（第1项） → 控辍保学 排查不全" in body  # on the timeline
    assert chains_verify()


def test_a_unit_may_not_correct_the_record_and_the_refusal_is_logged(client, setup):
    problem = open_item(setup)
    lead = setup.person(setup.education)
    client.force_login(lead)
    body = client.get(page(problem)).content.decode()
    assert 'id="action-edit"' not in body and 'id="refused-edit"' in body
    assert "只有整改办可以修改问题清单" in body

    before = AuditEntry.objects.for_object(problem).count()
    response = act(client, problem, "edit", **correction(problem, area="改过的方面"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "只有整改办可以修改问题清单" in body
    problem.refresh_from_db()
    assert problem.area == "教育扶贫"
    assert AuditEntry.objects.for_object(problem).count() == before
    denial = SecurityEvent.objects.for_object(problem).latest("pk")
    assert (denial.user, denial.action) == (lead, "edit")


def test_an_invalid_correction_is_said_on_the_form_with_what_was_typed(client, setup):
    problem = open_item(setup)
    client.force_login(setup.office_clerk)
    posted = correction(problem, area="新的方面", deadline="2030-01-01")
    response = act(client, problem, "edit", **posted)  # a date and working days both given
    body = response.content.decode()
    assert response.status_code == 200 and "整改时限填写日期或工作日天数其中之一即可" in body
    assert 'value="新的方面"' in body
    problem.refresh_from_db()
    assert problem.area == "教育扶贫"


def test_a_closed_problems_record_is_not_corrected(setup):
    problem = open_item(setup, units=[setup.education])
    report_all(setup, problem)
    process.verify(problem, actor=setup.person(setup.education))
    process.close(problem, actor=setup.office_clerk, comment="同意销号")
    steps = process.available(problem, setup.office_clerk)
    assert [(s.name, s.allowed) for s in steps] == [("reopen", True)]
    assert [r.code for r in corrections.refusals(problem, setup.office_clerk)] == ["closed"]


def test_the_service_says_which_steps_a_person_may_take_and_why_not_the_others(setup):
    problem = open_item(setup)  # education (two people, unclaimed) and health (assigned)
    education, health = task_of(problem, setup.education), task_of(problem, setup.health)

    def steps(user):
        return {
            (s.name, s.unit_task.unit.name if s.unit_task else ""): [r.code for r in s.reasons]
            for s in process.available(problem, user)
        }

    assert steps(setup.person(setup.health)) == {
        ("claim", "县教育局"): ["not_of_unit"],
        ("plan", "县教育局"): ["not_of_unit"],
        ("release", "县卫健局"): [],
        ("plan", "县卫健局"): [],
    }
    process.claim(education, actor=setup.person(setup.education, 1))
    head = steps(setup.person(setup.education))
    assert head[("claim", "县教育局")] == ["claimed"] and head[("plan", "县教育局")] == []
    assert all(codes == ["read_only"] for codes in steps(setup.auditor).values())
    assert health.state == UnitTaskState.PLANNING


def test_the_page_shows_the_actions_one_may_not_take_greyed_with_the_reasons(client, setup):
    problem = open_item(setup)
    report_all(setup, problem)
    problem.refresh_from_db()
    assert problem.state == ProblemState.VERIFYING
    client.force_login(setup.person(setup.health))  # responsible, but not the lead unit
    body = client.get(page(problem)).content.decode()
    assert 'id="action-verify"' not in body
    refused = body[body.index('id="refused-verify"') :]
    assert "<fieldset disabled>" in refused[:200]
    assert "您不是“县教育局”的人员，不能办理此事项" in refused[:600]
    assert "当前没有您可以办理的事项" in body

    client.force_login(setup.auditor)
    body = client.get(page(problem)).content.decode()
    assert 'id="refused-verify"' in body and "只读角色不能办理整改事项" in body


def test_sending_several_units_back_asks_each_units_reason(client, setup):
    problem = open_item(setup, units=[setup.education, setup.health, setup.housing])
    report_all(setup, problem)
    client.force_login(setup.person(setup.education))
    body = client.get(page(problem)).content.decode()
    for unit in (setup.education, setup.health, setup.housing):
        assert f"退回“{unit.name}”的理由" in body
    chosen = {"verify-decision": "send_back", "verify-units": [setup.health.pk, setup.housing.pk]}

    response = act(client, problem, "verify", **chosen, **{
        f"verify-reason_{setup.health.pk}": "材料不全",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "请填写退回“县住建局”的理由" in body
    assert "请填写退回“县卫健局”的理由" not in body and "材料不全" in body  # kept
    assert task_of(problem, setup.health).state == UnitTaskState.REPORTED

    response = act(client, problem, "verify", **chosen, **{
        f"verify-reason_{setup.health.pk}": "材料不全",
        f"verify-reason_{setup.housing.pk}": "台账未更新",
    })  # fmt: skip
    assert response.status_code == 302
    health, housing = task_of(problem, setup.health), task_of(problem, setup.housing)
    assert (health.state, health.sent_back_reason) == (UnitTaskState.SENT_BACK, "材料不全")
    assert (housing.state, housing.sent_back_reason) == (UnitTaskState.SENT_BACK, "台账未更新")
    assert task_of(problem, setup.education).state == UnitTaskState.REPORTED
    comments = AuditEntry.objects.for_object(problem).filter(action="sent_back")
    assert sorted(comments.values_list("comment", flat=True)) == ["台账未更新", "材料不全"]


def test_the_office_sends_units_back_each_with_its_reason(client, setup):
    problem = open_item(setup)
    report_all(setup, problem)
    process.verify(problem, actor=setup.person(setup.education))
    client.force_login(setup.office_clerk)
    response = act(client, problem, "office_send_back", **{
        "office_send_back-units": [setup.education.pk, setup.health.pk],
        f"office_send_back-reason_{setup.education.pk}": "方案未落实",
        f"office_send_back-reason_{setup.health.pk}": "材料不全",
    })  # fmt: skip
    assert response.status_code == 302
    assert task_of(problem, setup.education).sent_back_reason == "方案未落实"
    assert task_of(problem, setup.health).sent_back_reason == "材料不全"
