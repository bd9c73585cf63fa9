"""Two reviewers pressing the button at once: exactly one wins (PostgreSQL, real threads)."""

import pytest

from approvals import audit, perform, perform_bulk
from approvals.exceptions import ConflictError, TransitionNotAllowed
from approvals.models import AuditEntry, NoticePeriod, Objection
from approvals.notices import file_objection
from approvals.timers import close_due_notices
from tests.factories import RoleAssignmentFactory, ToyCaseFactory
from tests.helpers import race, to_notice, to_review
from tests.toy.models import ToyCase

pytestmark = pytest.mark.postgres

TRIALS = 20
RACERS = 4


def test_concurrent_approvals_of_one_case_let_exactly_one_through(concurrent_db, county, people):
    reviewers = [people.reviewer] + [
        RoleAssignmentFactory(role="township_reviewer", region=county.t1).user
        for _ in range(RACERS - 1)
    ]
    actions = ["approve", "reject", "return_for_revision", "approve"]
    for _ in range(TRIALS):
        case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)

        def act(i, case_id=case.pk):
            copy = ToyCase.objects.select_related("region").get(pk=case_id)
            return perform(copy, actions[i], reviewers[i], comment="并发")

        results = race(act, RACERS)
        wins = [r for r in results if isinstance(r, AuditEntry)]
        losses = [r for r in results if isinstance(r, ConflictError | TransitionNotAllowed)]
        assert len(wins) == 1, results
        assert len(losses) == RACERS - 1, results
        entries = AuditEntry.objects.for_object(case).exclude(action__in=["create", "submit"])
        assert entries.count() == 1
        assert ToyCase.objects.get(pk=case.pk).state == wins[0].to_state


def test_two_timers_at_once_close_each_notice_once(concurrent_db, county, people):
    import datetime

    import time_machine
    from django.utils import timezone

    cases = [
        to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
        for _ in range(10)
    ]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        reports = race(lambda i: close_due_notices(), 2)
    assert sum(r.closed for r in reports) == 10, reports
    for case in cases:
        assert AuditEntry.objects.for_object(case).filter(action="close_notice").count() == 1
    assert not NoticePeriod.objects.filter(closed_at__isnull=True).exists()


def test_objections_filed_at_once_all_join_the_cases_chain_in_turn(concurrent_db, county, people):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)

    def object_to(i):
        copy = ToyCase.objects.select_related("region").get(pk=case.pk)
        return file_objection(copy, name=f"村民{i}", text="有异议")

    results = race(object_to, RACERS)
    assert all(isinstance(r, Objection) for r in results), results
    filed = AuditEntry.objects.for_object(case).filter(action="file_objection")
    assert sorted(e.data["objector"] for e in filed) == [f"村民{i}" for i in range(RACERS)]
    assert not any(audit.verify([ToyCase]))


def test_two_bulks_at_once_on_overlapping_cases_move_each_case_once(concurrent_db, county, people):
    cases = [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
        for _ in range(120)
    ]
    other = RoleAssignmentFactory(role="township_reviewer", region=county.t1).user
    batches = [(people.reviewer, cases[:80]), (other, cases[40:])]

    def approve(i):
        user, chosen = batches[i]
        copies = list(
            ToyCase.objects.select_related("region").filter(pk__in=[c.pk for c in chosen])
        )
        return perform_bulk(copies, "approve", user, comment="并发")

    results = race(approve, 2)
    done = [case.pk for result in results for case, _entry in result.done]
    assert sorted(done) == sorted(case.pk for case in cases), results
    refused = [reasons for result in results for _case, reasons in result.refused]
    # The second batch waited for the first one's row locks, then saw the state it left.
    assert refused == [["该记录已被他人处理，当前状态为“公示”，请刷新后重试"]] * 40
    for case in cases:
        assert AuditEntry.objects.for_object(case).filter(action="approve").count() == 1
        assert NoticePeriod.objects.filter(object_id=case.pk, closed_at__isnull=True).count() == 1
    assert set(ToyCase.objects.values_list("state", flat=True)) == {"notice"}
    assert not any(audit.verify([ToyCase]))
