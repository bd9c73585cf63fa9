import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from approvals import audit, available_actions, perform, queue_for
from approvals.exceptions import PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry, NoticePeriod, Objection, mask_contact
from approvals.notices import file_objection, running_notice
from approvals.system import system_user
from approvals.timers import close_due_notices
from tests.factories import PolicyFactory, ToyCaseFactory
from tests.helpers import after_notice, resolve, to_notice, to_review
from tests.test_audit import with_policies
from tests.toy.models import ToyCase


@pytest.fixture
def noticed(county, people):
    return to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)


def reload(case):
    return ToyCase.objects.select_related("region").get(pk=case.pk)


def test_entering_a_notice_state_opens_a_period_of_the_policy_length(noticed):
    notice = running_notice(noticed)
    assert notice.state == "notice"
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=5)


def test_the_notice_closes_only_after_its_period(noticed):
    assert close_due_notices().closed == 0
    assert reload(noticed).state == "notice"
    report = after_notice(days=5, hours=1)
    assert (report.closed, report.skipped) == (1, 0)
    case = reload(noticed)
    assert case.state == "approval"
    assert running_notice(case) is None
    entry = AuditEntry.objects.for_object(case).last()
    assert (entry.action, entry.actor, entry.actor_role) == (
        "close_notice",
        system_user(),
        "system",
    )


def test_closing_is_idempotent(noticed):
    after_notice(days=6)
    assert after_notice(days=6).closed == 0
    assert AuditEntry.objects.for_object(noticed).filter(action="close_notice").count() == 1


def test_nobody_but_the_timer_closes_a_notice(noticed, people):
    with pytest.raises(PermissionDenied):
        perform(noticed, "close_notice", people.approver)


def test_the_timer_cannot_close_early_and_says_how_long_is_left(noticed):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(noticed, "close_notice", system_user())
    assert err.value.reasons[0].startswith("公示期未满")
    assert "还剩4天23小时" in err.value.reasons[0]


def test_policy_chooses_the_branch_after_the_notice(county, people):
    PolicyFactory(
        version="toy-2025",
        effective_from=datetime.date(2025, 1, 1),
        values={"notice_days": 2, "appraisal_required": True},
    )
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    assert case.policy.version == "toy-2025"
    assert after_notice(days=3).closed == 1
    assert reload(case).state == "appraisal"


def test_a_more_specific_region_policy_wins(county, people):
    PolicyFactory(version="gansu", region_prefix="62", values={"notice_days": 9})
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    assert case.policy.version == "gansu"
    notice = running_notice(case)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=9)


def test_an_objection_suspends_the_notice(noticed):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        objection = file_objection(
            noticed, name="张三", contact="13800000000", text="户主不在本村居住"
        )
    notice = running_notice(noticed)
    assert notice.is_suspended
    assert after_notice(days=30).closed == 0
    assert reload(noticed).state == "notice"
    entry = AuditEntry.objects.for_object(noticed).last()
    assert (entry.action, entry.actor, entry.actor_role) == ("file_objection", None, "public")
    assert entry.data == {
        "objection": objection.pk,
        "objector": "张三",
        "objection_text": "户主不在本村居住",
        "objector_contact": "13******000",
    }


def test_a_dismissed_objection_resumes_the_period_for_the_time_left(noticed, people):
    start = running_notice(noticed).opened_at
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        objection = file_objection(noticed, name="张三", text="不同意")
    with time_machine.travel(start + datetime.timedelta(days=10), tick=False):
        perform(
            noticed,
            "dismiss_objection",
            people.reviewer,
            comment="经核实不属实",
            data={"objection": objection.pk},
        )
        notice = running_notice(noticed)
        assert not notice.is_suspended
        assert notice.remaining() == datetime.timedelta(days=3)
    objection.refresh_from_db()
    assert (objection.status, objection.resolved_by) == ("dismissed", people.reviewer)
    assert objection.resolved_at == start + datetime.timedelta(days=10)
    assert reload(noticed).state == "notice"
    with time_machine.travel(start + datetime.timedelta(days=12), tick=False):
        assert close_due_notices().closed == 0
    with time_machine.travel(start + datetime.timedelta(days=13, minutes=1), tick=False):
        assert close_due_notices().closed == 1


def test_an_upheld_objection_sends_the_case_back(noticed, people):
    objection = file_objection(noticed, name="李四", text="评分有误")
    perform(
        noticed,
        "uphold_objection",
        people.reviewer,
        comment="重新审核",
        data={"objection": objection.pk},
    )
    case = reload(noticed)
    assert case.state == "review"
    assert running_notice(case) is None
    assert NoticePeriod.objects.get().closed_at is not None
    objection.refresh_from_db()
    assert objection.status == "upheld"


def test_only_the_level_that_published_resolves_objections(noticed, people):
    objection = file_objection(noticed, name="王五", text="有异议")
    for user in (people.cadre, people.approver, people.reviewer2):
        with pytest.raises(PermissionDenied):
            perform(
                noticed, "dismiss_objection", user, comment="x", data={"objection": objection.pk}
            )


def test_resolving_needs_a_chosen_open_objection_and_a_comment(noticed, people):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(noticed, "dismiss_objection", people.reviewer, comment="x", data={"objection": 1})
    assert err.value.reasons == ["当前公示没有待处理的异议"]
    objection = file_objection(noticed, name="王五", text="有异议")
    with pytest.raises(TransitionNotAllowed) as err:
        perform(noticed, "dismiss_objection", people.reviewer)
    assert err.value.reasons == ["“异议不成立”必须填写意见", "请选择要处理的异议"]
    with pytest.raises(TransitionNotAllowed) as err:
        perform(
            noticed,
            "dismiss_objection",
            people.reviewer,
            comment="x",
            data={"objection": objection.pk + 99},
        )
    assert err.value.reasons == ["所选异议不属于当前公示，或已处理"]


def test_cases_with_open_objections_wait_in_the_resolvers_queue(noticed, people):
    assert list(queue_for(people.reviewer, "toy")) == []
    file_objection(noticed, name="赵六", text="有异议")
    assert list(queue_for(people.reviewer, "toy")) == [noticed]
    actions = {a.name: a for a in available_actions(noticed, people.reviewer)}
    assert actions["dismiss_objection"].allowed and actions["uphold_objection"].allowed
    assert not actions["close_notice"].allowed


def test_each_procedures_queue_is_the_queryset_its_page_counts(noticed, county, people):
    """The queue page counts and pages ``awaiting``; ``queue_for`` lists the same cases."""
    waiting = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    file_objection(noticed, name="赵六", text="有异议")
    for user in (people.reviewer, people.cadre, people.auditor):
        queued = list(queue_for(user, "toy"))
        assert list(ToyCase.objects.awaiting(user).order_by("state_since", "pk")) == queued
    assert list(queue_for(people.reviewer)) == [noticed, waiting]


def test_two_objections_both_need_a_decision_before_the_period_resumes(noticed, people):
    first = file_objection(noticed, name="甲", text="一")
    second = file_objection(noticed, name="乙", text="二")
    perform(
        noticed,
        "dismiss_objection",
        people.reviewer,
        comment="不属实",
        data={"objection": first.pk},
    )
    assert running_notice(noticed).is_suspended
    perform(
        noticed,
        "dismiss_objection",
        people.reviewer,
        comment="不属实",
        data={"objection": second.pk},
    )
    assert not running_notice(noticed).is_suspended


def test_objections_outside_a_notice_are_refused(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    with pytest.raises(TransitionNotAllowed) as err:
        file_objection(case, name="张三", text="x")
    assert err.value.reasons == ["该事项当前不在公示期，不能提出异议"]
    assert Objection.objects.count() == 0


def test_objections_after_the_period_ran_out_are_refused(noticed):
    later = timezone.now() + datetime.timedelta(days=6)
    with time_machine.travel(later), pytest.raises(TransitionNotAllowed) as err:
        file_objection(noticed, name="张三", text="x")
    assert err.value.reasons == ["公示期已结束，不能再提出异议"]


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        ("", "有异议", "name"),
        ("张三", "", "text"),
        ("张" * 51, "x", "name"),
        ("张三", "字" * 2001, "text"),
    ],
)
def test_bad_objections_are_refused_with_a_message_and_change_nothing(noticed, name, text, field):
    with pytest.raises(ValidationError) as err:
        file_objection(noticed, name=name, text=text)
    assert field in err.value.message_dict
    assert Objection.objects.count() == 0
    assert not running_notice(noticed).is_suspended


def test_filing_and_resolving_are_entries_of_the_cases_chain_that_verify(noticed, people):
    first = file_objection(noticed, name="甲", contact="13912345678", text="户主在外地工作")
    resolve(noticed, people.reviewer, first, comment="经核实属实但不影响")
    second = file_objection(noticed, name="乙", text="收入不实")
    resolve(noticed, people.reviewer, second, upheld=True)
    entries = list(AuditEntry.objects.for_object(noticed))[-4:]
    assert [(e.action, e.data["objection"], e.data["objector"]) for e in entries] == [
        ("file_objection", first.pk, "甲"),
        ("dismiss_objection", first.pk, "甲"),
        ("file_objection", second.pk, "乙"),
        ("uphold_objection", second.pk, "乙"),
    ]
    assert entries[1].data["objection_text"] == "户主在外地工作"
    assert entries[1].data["objector_contact"] == "13******678"
    assert entries[1].comment == "经核实属实但不影响"
    assert not any("13912345678" in str(e.data) for e in AuditEntry.objects.all())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert f"OK: {with_policies(1)} cases, every chain verified" in out.getvalue()


def test_an_objection_and_its_entry_are_written_together_or_not_at_all(noticed, monkeypatch):
    entries = AuditEntry.objects.count()

    def broken_append(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit, "append", broken_append)
    with pytest.raises(DatabaseError):
        file_objection(noticed, name="张三", text="有异议")
    assert (Objection.objects.count(), AuditEntry.objects.count()) == (0, entries)
    assert not running_notice(noticed).is_suspended


def test_the_contact_is_masked_keeping_at_most_half_of_it():
    assert [mask_contact(c) for c in ("", "1234", "87654321", "139-0000-1234")] == [
        "",
        "****",
        "87****21",
        "139*******234",
    ]
