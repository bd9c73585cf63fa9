"""The rectification pages: a campaign's page, a problem's page with its flow, tasks, timeline,
evidence and action forms, the one act view that goes through the service, and the queue's tab.
Who reads what: a unit its own problems, the office its campaign's, county roles all of theirs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import AuditEntry
from tests.rectification_setup import county_with_units, open_item
from workflows.rectification import process
from workflows.rectification.choices import ProblemState, UnitTaskState
from workflows.rectification.models import Problem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 rectification ledger"


@pytest.fixture
def setup():
    return county_with_units()


def page(problem):
    return reverse("admin:rectification_problem_change", args=[problem.pk])


def act(client, problem, action, **data):
    return client.post(
        reverse("admin:rectification_problem_act", args=[problem.pk]),
        {"action": action, **data},
    )


def task_of(problem, unit):
    return problem.unit_tasks.filter(unit=unit).latest("round__number")


def prefix(action, unit_task=None):
    return f"{action}-{unit_task.pk}" if unit_task else action


def test_a_unit_plans_and_reports_through_the_page_with_its_evidence(client, setup):
    problem = open_item(setup)
    health = setup.person(setup.health)
    client.force_login(health)
    task = task_of(problem, setup.health)

    response = client.get(page(problem))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "制定整改方案" in body  # the flow, labelled in Chinese
    assert f'id="action-plan-{task.pk}"' in body

    p = prefix("plan", task)
    response = act(client, problem, "plan", unit_task=task.pk, **{f"{p}-plan": "逐户排查"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == UnitTaskState.REPORTING and task.plan == "逐户排查"

    p = prefix("report", task)
    upload = SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("admin:rectification_problem_act", args=[problem.pk]),
        {
            "action": "report",
            "unit_task": task.pk,
            f"{p}-measures_taken": "已建立台账",
            f"{p}-progress": "完成",
            f"{p}-files": [upload],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == UnitTaskState.REPORTED
    evidence = problem.evidence.get()
    body = client.get(page(problem)).content.decode()
    assert "台账.pdf" in body and evidence.sha256 in body
    download = client.get(
        reverse("admin:rectification_problem_file", args=[problem.pk, evidence.sha256])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_refusal_shows_its_reasons_and_keeps_what_was_typed(client, setup):
    problem = open_item(setup)
    health = setup.person(setup.health)
    client.force_login(health)
    task = task_of(problem, setup.health)
    p = prefix("report", task)
    process_plan = prefix("plan", task)
    act(client, problem, "plan", unit_task=task.pk, **{f"{process_plan}-plan": "方案"})

    response = act(
        client, problem, "report", unit_task=task.pk,
        **{f"{p}-measures_taken": "", f"{p}-progress": "进展写了一半"},
    )  # fmt: skip

    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写整改措施落实情况" in body
    assert "进展写了一半" in body
    task.refresh_from_db()
    assert task.state == UnitTaskState.REPORTING


def test_another_units_person_is_refused_without_a_500(client, setup):
    problem = open_item(setup, units=[setup.education, setup.health])
    task = task_of(problem, setup.health)
    client.force_login(setup.person(setup.education))  # education is responsible too
    p = prefix("plan", task)

    response = act(client, problem, "plan", unit_task=task.pk, **{f"{p}-plan": "不是我的"})

    assert response.status_code == 200
    assert "您不是“县卫健局”的人员，不能办理此事项" in response.content.decode()
    task.refresh_from_db()
    assert task.state == UnitTaskState.PLANNING


def test_an_unknown_action_or_task_does_nothing(client, setup):
    problem = open_item(setup)
    client.force_login(setup.person(setup.health))
    entries = AuditEntry.objects.for_object(problem).count()
    for data in ({"action": "nonsense"}, {"action": "plan", "unit_task": "9" * 30}):
        response = client.post(reverse("admin:rectification_problem_act", args=[problem.pk]), data)
        assert response.status_code == 302
    assert AuditEntry.objects.for_object(problem).count() == entries


def test_a_unit_does_not_see_another_units_problem(client, setup):
    theirs = open_item(setup, units=[setup.health])
    mine = open_item(setup, number=2, units=[setup.housing])
    client.force_login(setup.person(setup.housing))

    assert client.get(page(theirs)).status_code == 404
    assert client.get(page(mine)).status_code == 200
    listed = client.get(reverse("admin:rectification_problem_changelist")).context["cl"]
    assert list(listed.result_list) == [mine]


def test_the_office_and_the_auditor_read_every_problem_of_the_campaign(client, setup):
    problems = [open_item(setup, units=[setup.health]), open_item(setup, 2, units=[setup.housing])]
    for person in (setup.office_clerk, setup.auditor):
        client.force_login(person)
        listed = client.get(reverse("admin:rectification_problem_changelist")).context["cl"]
        assert set(listed.result_list) == set(problems)
    body = client.get(page(problems[0])).content.decode()
    assert "只读角色不能办理整改事项" in body


def test_the_queue_has_a_rectification_tab_with_the_units_work(client, setup):
    problem = open_item(setup, units=[setup.health])
    client.force_login(setup.person(setup.health))

    response = client.get(reverse("admin:queue"), {"workflow": "rectification"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "问题整改（1）" in body
    assert page(problem) in body


def test_the_campaign_page_counts_items_by_state_and_unit(client, setup):
    problem = open_item(setup, units=[setup.health])
    client.force_login(setup.office_clerk)

    response = client.get(reverse("admin:rectification_campaign_change", args=[setup.campaign.pk]))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert [row.unit for row in figures.units] == ["县卫健局"]
    assert dict(figures.by_state)["整改中"] == 1
    body = response.content.decode()
    assert page(problem) in body  # the problem list links each problem's page
    assert reverse("admin:campaign_ledger", args=[setup.campaign.pk]) in body
    assert "登记问题" in body and reverse("admin:rectification_campaign_import") in body


def report_all(setup, problem):
    for unit in problem.units.all():
        task = task_of(problem, unit)
        who = setup.person(unit)
        process.submit_plan(task, actor=who, plan="方案")
        process.submit_report(task, actor=who, measures_taken="已落实", progress="")


def test_the_lead_unit_sends_one_unit_back_then_the_office_closes_and_reopens(client, setup):
    problem = open_item(setup, units=[setup.education, setup.health])
    report_all(setup, problem)
    client.force_login(setup.person(setup.education))  # the lead unit's head

    missing_reason = act(
        client,
        problem,
        "verify",
        **{"verify-decision": "send_back", "verify-units": [setup.health.pk]},
    )
    assert "请填写退回“县卫健局”的理由" in missing_reason.content.decode()
    response = act(
        client, problem, "verify",
        **{"verify-decision": "send_back", "verify-units": [setup.health.pk],
           f"verify-reason_{setup.health.pk}": "材料不全"},
    )  # fmt: skip
    assert response.status_code == 302
    assert task_of(problem, setup.health).state == UnitTaskState.SENT_BACK
    assert task_of(problem, setup.education).state == UnitTaskState.REPORTED
    health = task_of(problem, setup.health)
    process.submit_report(
        health, actor=setup.person(setup.health), measures_taken="补充", progress=""
    )
    assert act(client, problem, "verify", **{"verify-decision": "accept"}).status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSING

    client.force_login(setup.office_clerk)
    upload = SimpleUploadedFile("销号审批表.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("admin:rectification_problem_act", args=[problem.pk]),
        {"action": "close", "close-comment": "同意销号", "close-files": [upload]},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert problem.evidence.filter(stage="closing").exists()

    assert act(client, problem, "reopen", **{"reopen-reason": "回头看发现反弹"}).status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.RECTIFYING and problem.recurring
    assert "反弹，重新整改" in client.get(page(problem)).content.decode()


def test_the_office_registers_a_problem_from_its_form_with_choices_in_its_county(client, setup):
    elsewhere = county_with_units("63")
    client.force_login(setup.office_clerk)
    add = reverse("admin:rectification_problem_add")
    form = client.get(add).context["adminform"].form
    assert list(form.fields["campaign"].queryset) == [setup.campaign]
    assert elsewhere.education not in form.fields["units"].queryset
    assert setup.township in form.fields["units"].queryset

    fields = {
        "campaign": setup.campaign.pk,
        "number": 7,
        "area": "产业扶贫",
        "description": "带贫机制不健全",
        "lead_unit": setup.health.pk,
        "units": [setup.health.pk, elsewhere.health.pk],
        "tier": "by_date",
        "deadline_working_days": 15,
    }
    refused = client.post(add, fields)
    assert refused.status_code == 200
    assert "所选项不在您有权办理的辖区内" in refused.content.decode()
    assert not Problem.objects.filter(number=7).exists()

    fields["units"] = [setup.health.pk]
    no_deadline = client.post(add, {**fields, "deadline_working_days": ""})
    assert "限期整改的问题必须填写整改时限" in no_deadline.content.decode()
    assert not Problem.objects.filter(number=7).exists()

    assert client.post(add, fields).status_code == 302
    problem = Problem.objects.get(number=7)
    assert list(problem.units.all()) == [setup.health]
    assert AuditEntry.objects.for_object(problem).filter(action="opened").exists()


def test_a_unit_may_not_register_problems_and_an_auditor_may_not_act(client, setup):
    problem = open_item(setup)
    client.force_login(setup.person(setup.health))
    assert client.get(reverse("admin:rectification_problem_add")).status_code == 403
    client.force_login(setup.auditor)
    entries = AuditEntry.objects.for_object(problem).count()
    task = task_of(problem, setup.health)
    refused = act(client, problem, "plan", unit_task=task.pk, **{f"plan-{task.pk}-plan": "x"})
    assert refused.status_code == 403
    assert AuditEntry.objects.for_object(problem).count() == entries
