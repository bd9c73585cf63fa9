import dataclasses

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from approvals import available_actions, engine, perform, perform_bulk, queue_for
from approvals.exceptions import ConflictError, PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import ProjectApplicationFactory, ToyCaseFactory
from tests.helpers import to_notice, to_review
from tests.toy.models import TOY, ToyCase
from workflows.project_library.demo import advance
from workflows.project_library.models import ProjectApplication


@pytest.fixture
def case(county, people):
    return ToyCaseFactory(region=county.v11, creator=people.cadre, title="村道硬化", amount=50)


def test_a_step_moves_the_state_and_writes_one_audit_entry(case, people):
    entry = perform(case, "submit", people.cadre, comment="  请审核 ")
    assert case.state == "review"
    assert ToyCase.objects.get(pk=case.pk).state == "review"
    assert (entry.action, entry.from_state, entry.to_state) == ("submit", "draft", "review")
    assert (entry.actor, entry.actor_role, entry.region_id) == (
        people.cadre,
        "village_committee",
        case.region_id,
    )
    assert entry.comment == "请审核"
    assert entry.workflow == "toy"
    assert [e.action for e in AuditEntry.objects.for_object(case)] == ["create", "submit"]


def test_the_comment_is_kept_in_normal_form_with_its_line_breaks(case, people):
    perform(case, "submit", people.cadre, comment=" 第一行\x00：预算２０２４\r\n第二行\r第三行 ")
    stored = AuditEntry.objects.for_object(case).last()
    assert stored.comment == "第一行：预算2024\n第二行\n第三行"


def test_the_state_field_cannot_be_set_directly(case):
    with pytest.raises(AttributeError):
        case.state = "done"


def test_an_action_from_the_wrong_state_is_refused_with_its_reason(case, people):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "approve", people.reviewer)
    assert err.value.reasons == ["当前状态“草稿”不能执行“审核通过”"]
    assert ToyCase.objects.get(pk=case.pk).state == "draft"
    assert AuditEntry.objects.for_object(case).count() == 1
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.action, event.workflow) == (
        "not_allowed",
        people.reviewer,
        "approve",
        "toy",
    )


def test_a_refusal_is_found_among_the_security_events_of_its_case(case, county, people):
    other = ToyCaseFactory(region=county.v11, creator=people.cadre)
    with pytest.raises(PermissionDenied):
        perform(case, "approve", people.outsider)
    assert [e.action for e in SecurityEvent.objects.for_object(case)] == ["approve"]
    assert not SecurityEvent.objects.for_object(other).exists()


def test_an_unknown_action_is_refused(case, people):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "launch_rocket", people.cadre)
    assert err.value.reasons == ["没有“launch_rocket”这项操作"]
    assert err.value.codes == ["unknown_action"]


def test_a_user_without_the_role_in_the_region_is_denied_and_logged(case, people):
    to_review(case, people)
    with pytest.raises(PermissionDenied) as err:
        perform(case, "approve", people.outsider)
    assert isinstance(err.value, DjangoPermissionDenied)
    assert "一村" in err.value.reasons[0] and "乡镇审核" in err.value.reasons[0]
    case.refresh_from_db()
    assert case.state == "review"
    assert AuditEntry.objects.for_object(case).count() == 2
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.object_id, event.region) == (
        "permission",
        people.outsider,
        case.pk,
        case.region,
    )


def test_a_deactivated_account_is_denied_whatever_roles_it_still_holds(case, people):
    people.cadre.is_active = False
    people.cadre.save()
    with pytest.raises(PermissionDenied) as err:
        perform(case, "submit", people.cadre)
    assert err.value.reasons == ["您没有执行“提交”的权限"]
    assert ToyCase.objects.get(pk=case.pk).state == "draft"


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["no user", "anonymous"])
def test_someone_not_signed_in_is_denied_and_logged_without_a_user(case, user):
    with pytest.raises(PermissionDenied) as err:
        perform(case, "submit", user)
    assert err.value.reasons == ["您没有执行“提交”的权限"]
    assert ToyCase.objects.get(pk=case.pk).state == "draft"
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.action, event.object_id) == (
        "permission",
        None,
        "submit",
        case.pk,
    )


def test_a_role_that_takes_the_action_only_in_another_state_is_denied(county, people):
    """“退回修改” is the township reviewer's in the township's review and the county approver's
    in the county's: the county approver, though their county holds the village, may not return
    a project that waits for the township."""
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "township_review")
    with pytest.raises(PermissionDenied) as err:
        perform(project, "return_for_revision", people.approver, comment="预算偏高")
    assert "乡镇审核" in err.value.reasons[0] and "退回修改" in err.value.reasons[0]
    assert ProjectApplication.objects.get(pk=project.pk).state == "township_review"
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.action) == (
        "permission",
        people.approver,
        "return_for_revision",
    )


def test_without_a_role_the_refusal_names_the_role_whatever_the_state(case, people):
    """Someone who may never approve learns which role it takes, not that the draft cannot be
    approved yet: nothing about the case's state."""
    with pytest.raises(PermissionDenied) as err:
        perform(case, "approve", people.outsider)
    assert err.value.reasons == [f"您在{case.region.name}没有“乡镇审核人”角色，不能执行“审核通过”"]


def test_a_reviewer_of_another_township_in_the_same_county_is_denied(case, people):
    to_review(case, people)
    with pytest.raises(PermissionDenied):
        perform(case, "approve", people.reviewer2)


def test_auditors_never_act_even_when_a_role_list_would_include_them(case, people):
    with pytest.raises(PermissionDenied):
        perform(case, "submit", people.auditor)


def test_guards_return_every_reason_and_change_nothing(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre, title=" ", amount=-5)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "submit", people.cadre)
    assert err.value.reasons == ["请填写名称", "金额必须大于0（当前为-5）"]
    assert ToyCase.objects.get(pk=case.pk).state == "draft"


def test_a_guard_learns_the_role_the_actor_takes_the_step_as(case, people, monkeypatch):
    """A procedure's guard may hold a step to one of the roles that take it: ``ctx.role`` is the
    role the actor acts as (here 驻村工作队 may submit by the spec, and the guard refuses it)."""

    def only_the_committee_submits(case, ctx):
        if ctx.role != "village_committee":
            yield f"{ctx.role}不能提交"

    submit = TOY.transition("submit", "draft")
    held_to_the_committee = dataclasses.replace(submit, guards=(only_the_committee_submits,))
    monkeypatch.setitem(TOY._by_name_and_source, ("submit", "draft"), held_to_the_committee)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "submit", people.team)
    assert err.value.reasons == ["work_team不能提交"]
    perform(case, "submit", people.cadre)
    assert case.state == "review"


def test_an_action_is_not_greyed_out_for_what_is_typed_with_it(county, people):
    """The meeting's figures are entered with “记录议事结果”: before anyone typed them the action
    is offered, not refused for a missing quorum."""
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "deliberation")
    actions = {a.name: a for a in available_actions(project, people.cadre)}
    assert (actions["record_deliberation"].allowed, actions["record_deliberation"].reasons) == (
        True,
        [],
    )


def test_returning_needs_a_comment(case, people):
    to_review(case, people)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "return_for_revision", people.reviewer, comment="   ")
    assert err.value.reasons == ["“退回修改”必须填写意见"]
    assert SecurityEvent.objects.get().reason_codes == ["comment_required"]
    perform(case, "return_for_revision", people.reviewer, comment="请补充预算明细")
    assert case.state == "draft"


def test_a_stale_copy_cannot_overwrite_a_newer_state(case, people):
    to_review(case, people)
    stale = ToyCase.objects.get(pk=case.pk)
    perform(case, "reject", people.reviewer, comment="重复申报")
    with pytest.raises(ConflictError):
        perform(stale, "approve", people.reviewer)
    assert ToyCase.objects.get(pk=case.pk).state == "rejected"
    assert SecurityEvent.objects.filter(kind="conflict").count() == 1


def test_a_write_between_the_read_and_the_update_refuses_the_step(case, people, monkeypatch):
    """Where no row lock holds the case (SQLite), another writer can move it after the step read
    it: the state-conditioned UPDATE then writes nothing, the step is refused with what the actor
    must do, and the refusal is in the security log."""
    to_review(case, people)

    def another_writer_rejects(obj, fresh):
        ToyCase.objects.filter(pk=case.pk).update(state="rejected")

    monkeypatch.setattr(engine, "ensure_unchanged", another_writer_rejects)
    with pytest.raises(ConflictError) as err:
        perform(case, "approve", people.reviewer)
    assert err.value.reasons == ["该记录已被他人处理，请刷新后重试"]
    assert AuditEntry.objects.for_object(case).count() == 2
    event = SecurityEvent.objects.get()
    assert (event.kind, event.action, event.reasons) == (
        "conflict",
        "approve",
        ["该记录已被他人处理，请刷新后重试"],
    )


def test_a_single_step_reads_once_and_writes_once(case, people):
    """Role check and row lock in one read; the move and its audit entry in one write on
    PostgreSQL, two elsewhere; the notifications' task queued in the same transaction, so the
    step commits once. With BEGIN and COMMIT that is at most six round trips."""
    to_review(case, people)
    case = ToyCase.objects.select_related("region").get(pk=case.pk)
    with CaptureQueriesContext(connection) as ctx:
        perform(case, "return_for_revision", people.reviewer, comment="补充材料")
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    *step, queued = statements
    assert len(step) == (2 if connection.vendor == "postgresql" else 3), statements
    assert step[0].startswith("SELECT") and "roles_roleassignment" in step[0]
    assert queued.startswith(f'INSERT INTO "{DBTaskResult._meta.db_table}"'), statements


def test_available_actions_explain_what_is_greyed_out(case, people):
    to_review(case, people)
    by_name = {a.name: a for a in available_actions(case, people.reviewer)}
    assert set(by_name) == {"approve", "return_for_revision", "reject"}
    assert all(a.allowed for a in by_name.values())
    assert by_name["reject"].comment_required
    cadre = {a.name: a for a in available_actions(case, people.cadre)}
    assert not cadre["approve"].allowed
    assert "乡镇审核" in cadre["approve"].reasons[0]
    assert str(cadre["approve"].label) == "审核通过"


def test_available_actions_show_guard_reasons(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre, amount=0)
    submit = next(a for a in available_actions(case, people.cadre) if a.name == "submit")
    assert not submit.allowed
    assert submit.reasons == ["金额必须大于0（当前为0）"]


def test_queue_holds_what_awaits_the_user_in_their_jurisdiction_oldest_first(county, people):
    first = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    second = to_review(ToyCaseFactory(region=county.v12), _cadre_for(county.v12))
    elsewhere = to_review(ToyCaseFactory(region=county.v21), _cadre_for(county.v21))
    ToyCaseFactory(region=county.v11, creator=people.cadre)  # a draft: not the reviewer's
    assert list(queue_for(people.reviewer, "toy")) == [first, second]
    assert list(queue_for(people.reviewer2, ToyCase)) == [elsewhere]
    assert list(queue_for(people.outsider)) == []
    assert list(queue_for(people.auditor)) == []
    drafts = list(queue_for(people.cadre))
    assert all(c.state == "draft" and c.region == county.v11 for c in drafts) and len(drafts) == 1


def _cadre_for(village):
    from types import SimpleNamespace

    from tests.factories import RoleAssignmentFactory

    return SimpleNamespace(
        cadre=RoleAssignmentFactory(role="village_committee", region=village).user
    )


def test_queue_query_count_does_not_grow_with_rows(county, people):
    for _ in range(3):
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    with CaptureQueriesContext(connection) as small:
        list(queue_for(people.reviewer, "toy"))
    for _ in range(12):
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    with CaptureQueriesContext(connection) as large:
        rows = list(queue_for(people.reviewer, "toy"))
    assert len(rows) == 15
    assert len(large.captured_queries) == len(small.captured_queries) <= 3


def test_bulk_acts_on_each_object_and_summarises(county, people):
    ok = [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people) for _ in range(3)
    ]
    draft = ToyCaseFactory(region=county.v11, creator=people.cadre)
    foreign = to_review(ToyCaseFactory(region=county.v21), _cadre_for(county.v21))
    boom = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre, title="boom"), people)
    result = perform_bulk([*ok, draft, foreign, boom], "approve", people.reviewer, comment="同意")
    assert [obj for obj, _ in result.done] == ok
    assert all(entry.comment == "同意" and entry.to_state == "notice" for _, entry in result.done)
    refused = dict(result.refused)
    assert refused[draft] == ["当前状态“草稿”不能执行“审核通过”"]
    assert "乡镇审核" in refused[foreign][0]
    assert refused[boom] == ["处理时发生系统错误，已记录，请联系管理员"]
    assert result.summary() == "完成3件，未完成3件"
    assert ToyCase.objects.get(pk=foreign.pk).state == "review"
    assert ToyCase.objects.get(pk=boom.pk).state == "review"


def test_a_crash_after_the_whole_step_was_written_changes_nothing(case, people, monkeypatch):
    from approvals import notices
    from approvals.models import NoticePeriod

    to_review(case, people)
    head = ToyCase.objects.get(pk=case.pk).audit_head
    real = notices.after_step

    def crash_after_writing(*args, **kwargs):
        real(*args, **kwargs)  # the state UPDATE, the audit INSERT and the notice are written
        raise RuntimeError("lost the connection after the last write")

    monkeypatch.setattr(notices, "after_step", crash_after_writing)
    with pytest.raises(RuntimeError):
        perform(case, "approve", people.reviewer)
    monkeypatch.undo()
    fresh = ToyCase.objects.get(pk=case.pk)
    assert (fresh.state, fresh.audit_count, fresh.audit_head) == ("review", 2, head)
    assert AuditEntry.objects.for_object(case).count() == 2
    assert NoticePeriod.objects.count() == 0


def test_a_crash_inside_the_audit_write_changes_nothing(case, people, monkeypatch):
    from approvals import statements

    def broken(*args, **kwargs):
        raise OSError("disk full")

    # Called once the UPDATE and the INSERT have run, on SQLite and PostgreSQL alike.
    monkeypatch.setattr(statements, "_inserted", broken)
    with pytest.raises(OSError):
        perform(case, "submit", people.cadre)
    monkeypatch.undo()
    fresh = ToyCase.objects.get(pk=case.pk)
    assert (fresh.state, fresh.audit_count) == ("draft", 1)
    assert AuditEntry.objects.for_object(case).count() == 1


def test_a_crash_while_opening_a_notice_leaves_no_half_step(case, people, monkeypatch):
    from approvals.models import NoticePeriod

    to_review(case, people)

    def broken(*args, **kwargs):
        raise RuntimeError("notice table unavailable")

    monkeypatch.setattr(NoticePeriod.objects, "create", broken)
    with pytest.raises(RuntimeError):
        perform(case, "approve", people.reviewer)
    monkeypatch.undo()
    fresh = ToyCase.objects.get(pk=case.pk)
    assert fresh.state == "review"
    assert AuditEntry.objects.for_object(case).count() == 2
    assert NoticePeriod.objects.count() == 0


def test_creating_a_case_needs_a_role_that_acts_on_drafts(county, people):
    from approvals import create_case

    with pytest.raises(PermissionDenied):
        create_case(ToyCase, people.reviewer, region=county.v11, title="x", amount=1)
    case = create_case(ToyCase, people.team, region=county.v11, title="x", amount=1)
    entry = AuditEntry.objects.for_object(case).get()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor_role) == (
        "create",
        "",
        "draft",
        "work_team",
    )
    assert case.policy.version == "toy-2024"


def test_due_dates_count_working_days(county, people):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 9, 30, 10, 0, tzinfo=datetime.UTC)):
        case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    # Entered review on Wed 30 Sep 2026; 1–7 Oct is the National Day holiday and
    # Sat 10 Oct is a make-up working day: three working days later is Sat 10 Oct.
    assert case.due_date == datetime.date(2026, 10, 10)
    draft = ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert draft.due_date is None


def test_queue_and_notices_with_to_notice_helper(county, people):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    assert case.state == "notice"
    assert list(queue_for(people.reviewer, "toy")) == []
