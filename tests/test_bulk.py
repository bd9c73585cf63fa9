"""perform_bulk's batch path: the trail the loop of perform would write, in a fixed number of
statements, each case still all-or-nothing with its reasons."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals import audit, bulk, clock, perform, perform_bulk
from approvals.models import AuditEntry, NoticePeriod, SecurityEvent
from approvals.spec import Notice, State, Transition, Workflow
from tests.factories import ToyCaseFactory
from tests.helpers import to_review
from tests.toy.models import ToyCase

# What an entry says apart from where it sits: the chain position, the object and the hashes
# differ between two cases by construction.
COMPARED = [
    "seq",
    "workflow",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_role",
    "region_id",
    "comment",
    "data",
    "created_at",
    "key_id",
]


def _in_review(county, people, count, **fields):
    return [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre, **fields), people)
        for _ in range(count)
    ]


def _trail(cases):
    return [
        [{name: getattr(e, name) for name in COMPARED} for e in AuditEntry.objects.for_object(case)]
        for case in cases
    ]


def _notices(cases):
    return [
        list(
            NoticePeriod.objects.filter(object_id=case.pk, content_type__model="toycase").values(
                "state", "opened_at", "ends_at", "closed_at"
            )
        )
        for case in cases
    ]


def test_the_batch_writes_the_trail_and_notices_the_loop_would(county, people):
    moment = timezone.now().replace(microsecond=0)
    with clock.at(moment - datetime.timedelta(hours=1)):
        by_loop = _in_review(county, people, 4)
        by_batch = _in_review(county, people, 4)
    with clock.at(moment):
        for case in by_loop:
            perform(case, "approve", people.reviewer, comment="同意", data={"batch": "十二月"})
        result = perform_bulk(
            by_batch, "approve", people.reviewer, comment="同意", data={"batch": "十二月"}
        )
    assert [case for case, _entry in result.done] == by_batch
    assert _trail(by_batch) == _trail(by_loop)
    assert _notices(by_batch) == _notices(by_loop)
    assert [(c.state, c.audit_count) for c in by_batch] == [
        (c.state, c.audit_count) for c in by_loop
    ]
    for case in by_batch:
        fresh = ToyCase.objects.get(pk=case.pk)
        assert (fresh.state, fresh.state_since, fresh.audit_head) == (
            "notice",
            moment,
            case.audit_head,
        )
    assert not any(audit.verify([ToyCase]))  # every chain and sealed head checks out


def test_a_batch_takes_the_same_statements_for_3_cases_as_for_12(county, people):
    few, many = _in_review(county, people, 3), _in_review(county, people, 12)
    with CaptureQueriesContext(connection) as small:
        perform_bulk(few, "approve", people.reviewer)
    with CaptureQueriesContext(connection) as large:
        result = perform_bulk(many, "approve", people.reviewer)
    assert len(result.done) == 12
    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_a_refusal_in_the_batch_leaves_the_others_done_and_is_logged(county, people):
    ready = _in_review(county, people, 3)
    unready = ToyCaseFactory(region=county.v11, creator=people.cadre)
    stale = _in_review(county, people, 1)[0]
    perform(ToyCase.objects.select_related("region").get(pk=stale.pk), "approve", people.reviewer)
    result = perform_bulk(
        [ready[0], unready, stale, ready[1], ready[2]],
        "reject",
        people.reviewer,
        comment="材料不全",
    )
    assert [case for case, _entry in result.done] == ready
    refused = dict(result.refused)
    assert refused[unready] == ["当前状态“草稿”不能执行“不通过”"]
    assert refused[stale] == ["该记录已被他人处理，当前状态为“公示”，请刷新后重试"]
    assert "reject" not in AuditEntry.objects.for_object(unready).values_list("action", flat=True)
    assert [ToyCase.objects.get(pk=c.pk).state for c in ready] == ["rejected"] * 3
    assert ToyCase.objects.get(pk=stale.pk).state == "notice"
    logged = SecurityEvent.objects.filter(action="reject")
    assert sorted(e.object_id for e in logged) == sorted([unready.pk, stale.pk])


def test_a_guard_that_crashes_on_one_case_does_not_stop_the_batch(county, people):
    ready = _in_review(county, people, 2)
    boom = _in_review(county, people, 1, title="boom")[0]
    result = perform_bulk([ready[0], boom, ready[1]], "approve", people.reviewer)
    assert [case for case, _entry in result.done] == ready
    assert dict(result.refused)[boom] == ["处理时发生系统错误，已记录，请联系管理员"]
    assert ToyCase.objects.get(pk=boom.pk).state == "review"
    assert [ToyCase.objects.get(pk=c.pk).state for c in ready] == ["notice", "notice"]


def test_a_step_out_of_a_notice_state_is_taken_one_case_at_a_time(people):
    """Leaving a notice closes it, per case: the batch path leaves such a step to ``perform``."""
    workflow = Workflow(
        "leaves_notice",
        "离开公示",
        states=[
            State("draft", "草稿"),
            State(
                "notice",
                "公示",
                notice=Notice(
                    close_to="done", resolver_roles=("township_reviewer",), upheld_to="draft"
                ),
            ),
            State("done", "完成"),
        ],
        transitions=[
            Transition("publish", "公示", ("draft",), "notice", ("village_committee",)),
            Transition("withdraw", "撤回", ("notice",), "draft", ("village_committee",)),
        ],
    )
    stand_in = type("LeavesNotice", (), {"workflow": workflow})
    assert bulk._batch_roles(stand_in, "publish", people.cadre) == ["village_committee"]
    assert bulk._batch_roles(stand_in, "withdraw", people.cadre) is None
