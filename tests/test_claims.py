"""Claim and assign within a level: one reviewer of a township takes a case, the others see it
taken and cannot act on it, the township's head reassigns; every change is on the case's chain."""

import pytest
from django.utils import timezone

from approvals import audit, available_actions, claims, edits, perform
from approvals.decisions import may_edit
from approvals.exceptions import ConflictError, PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry, Claim, SecurityEvent
from roles.standins import name_standin
from tests.factories import RoleAssignmentFactory, ToyCaseFactory, UnitFactory
from tests.helpers import race, to_review
from tests.toy.models import ToyCase


@pytest.fixture
def township(county, people):
    """东岗镇 with three reviewers, the third heading the township's unit."""
    unit = UnitFactory(region=county.t1, kind="township", name="东岗镇人民政府")
    second = RoleAssignmentFactory(
        role="township_reviewer", region=county.t1, user__last_name="李", user__first_name="二"
    ).user
    head = RoleAssignmentFactory(
        role="township_reviewer", region=county.t1, unit=unit, heads_unit=True
    ).user
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    return people.reviewer, second, head, case


def test_a_claimed_case_is_refused_to_the_other_reviewers_with_who_has_it(township):
    first, second, _head, case = township
    claims.claim(case, second)
    assert claims.holder_of(case).holder == second
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(case, "approve", first)
    assert refused.value.reasons == ["该事项已由李二认领办理，请其放回或由本级负责人改派后再办理"]
    assert ToyCase.objects.get(pk=case.pk).state == "review"
    approve = next(a for a in available_actions(case, first) if a.name == "approve")
    assert not approve.allowed and "李二" in approve.reasons[0]
    perform(case, "approve", second)  # the holder acts
    assert ToyCase.objects.get(pk=case.pk).state != "review"


def test_a_claimed_cases_record_is_corrected_only_by_its_holder_or_their_stand_in(township):
    first, second, _head, case = township
    claims.claim(case, second)
    case.title = "改过的名称"
    with pytest.raises(TransitionNotAllowed) as refused:
        edits.record_edit(case, first, ["title"])
    assert refused.value.reasons == ["该事项已由李二认领办理，请其放回或由本级负责人改派后再办理"]
    assert ToyCase.objects.get(pk=case.pk).title != "改过的名称"
    assert SecurityEvent.objects.filter(action="edit", user=first).exists()
    name_standin(second, first, timezone.localdate(), timezone.localdate())
    assert may_edit(case, first)  # standing in for the holder today
    assert edits.record_edit(case, second, ["title"]) is not None  # the holder corrects it
    assert ToyCase.objects.get(pk=case.pk).title == "改过的名称"


def test_a_second_claim_is_refused_and_only_the_head_reassigns(township):
    first, second, head, case = township
    claims.claim(case, first)
    with pytest.raises(ConflictError):
        claims.claim(case, second)
    with pytest.raises(PermissionDenied):
        claims.assign(case, second, second)
    claims.assign(case, head, second)
    assert claims.holder_of(case).holder == second
    claims.release(case, second)
    assert claims.holder_of(case) is None
    assert SecurityEvent.objects.filter(action__in=["claim", "assign"]).count() == 2


def test_claims_assignments_and_releases_are_entries_on_the_cases_chain(township):
    first, second, head, case = township
    claims.claim(case, first)
    claims.assign(case, head, second)
    claims.release(case, head)
    entries = list(
        AuditEntry.objects.for_object(case).filter(action__in=["claim", "assign", "release"])
    )
    assert [(e.action, e.actor, e.data.get("holder")) for e in entries] == [
        ("claim", first, first.pk),
        ("assign", head, second.pk),
        ("release", head, None),
    ]
    assert all(e.from_state == e.to_state == "review" for e in entries)
    assert not any(audit.verify([ToyCase]))


def test_a_claim_lapses_when_the_case_moves_to_another_level(township, people):
    first, _second, _head, case = township
    claims.claim(case, first)
    perform(case, "return_for_revision", first, comment="补充")
    perform(case, "submit", people.cadre)
    assert claims.holder_of(case) is None  # back at the township: free again
    claims.claim(case, people.reviewer)


def test_someone_who_cannot_act_at_the_level_cannot_claim(township, people):
    *_, case = township
    with pytest.raises(PermissionDenied):
        claims.claim(case, people.reviewer2)  # the other township's reviewer
    assert not Claim.objects.exists()


@pytest.mark.postgres
def test_two_claims_at_once_let_exactly_one_through(concurrent_db, county, people):
    reviewers = [people.reviewer] + [
        RoleAssignmentFactory(role="township_reviewer", region=county.t1).user for _ in range(3)
    ]
    for _ in range(10):
        case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)

        def take(i, case_id=case.pk):
            copy = ToyCase.objects.select_related("region").get(pk=case_id)
            return claims.claim(copy, reviewers[i])

        results = race(take, 4)
        wins = [r for r in results if isinstance(r, Claim)]
        assert len(wins) == 1, results
        assert all(isinstance(r, ConflictError) for r in results if r not in wins), results
        assert AuditEntry.objects.for_object(case).filter(action="claim").count() == 1
        assert Claim.objects.get(object_id=case.pk).holder == wins[0].holder
