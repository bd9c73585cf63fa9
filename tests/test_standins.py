"""Stand-ins (代办): the stand-in acts under the absent person's role and region for the period
named, and the trail records both; it ends by itself, can be revoked, is never chained or given
to oneself."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from approvals import audit, available_actions, perform
from approvals.exceptions import PermissionDenied
from roles import standins
from tests.factories import StandinFactory, ToyCaseFactory, UserFactory
from tests.helpers import to_review
from tests.toy.models import ToyCase

TODAY = timezone.localdate()


@pytest.fixture
def case(county, people):
    return to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)


@pytest.fixture
def deputy(people):
    """Someone with no role in 东岗镇, standing in for its reviewer this week."""
    away = standins.name_standin(
        people.reviewer, people.reviewer2, TODAY, TODAY + datetime.timedelta(days=6)
    )
    return away.standin


def test_the_stand_in_acts_under_the_absent_persons_role_and_the_trail_keeps_both(
    case, people, deputy
):
    with pytest.raises(PermissionDenied):
        perform(case, "approve", deputy)  # on their own account: no role in 东岗镇
    assert [a.allowed for a in available_actions(case, deputy, on_behalf_of=people.reviewer)]
    entry = perform(case, "approve", deputy, on_behalf_of=people.reviewer)
    assert (entry.actor, entry.on_behalf_of, entry.actor_role) == (
        deputy,
        people.reviewer,
        "township_reviewer",
    )
    assert f'"on_behalf_of":{people.reviewer.pk}' in audit.canonical(
        entry, "toy.toycase", case.region.code
    )
    assert not any(audit.verify([ToyCase]))


def test_a_stand_in_ends_by_itself_and_can_be_revoked(case, people, deputy):
    later = timezone.now() + datetime.timedelta(days=8)
    with time_machine.travel(later), pytest.raises(PermissionDenied) as refused:
        perform(case, "approve", deputy, on_behalf_of=people.reviewer)
    assert "代办人" in refused.value.reasons[0]
    standins.revoke(people.reviewer.standins_named.get())
    with pytest.raises(PermissionDenied):
        perform(case, "approve", deputy, on_behalf_of=people.reviewer)
    assert ToyCase.objects.get(pk=case.pk).state == "review"


def test_nobody_stands_in_for_themselves_nor_down_a_chain(people, deputy):
    week = (TODAY, TODAY + datetime.timedelta(days=6))
    with pytest.raises(ValidationError, match="不能指定自己为代办人"):
        standins.name_standin(people.cadre, people.cadre, *week)
    with pytest.raises(ValidationError, match="自己也委托了他人代办"):
        standins.name_standin(people.office, people.reviewer, *week)  # the reviewer is away
    with pytest.raises(ValidationError, match="正代他人办理"):
        standins.name_standin(deputy, people.office, *week)  # the deputy stands in already
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        standins.name_standin(people.office, people.approver, week[1], week[0])
    assert people.office.standins_named.count() == 0


def test_someone_not_named_cannot_act_for_another(case, people):
    with pytest.raises(PermissionDenied):
        perform(case, "approve", UserFactory(), on_behalf_of=people.reviewer)
    StandinFactory(person=people.reviewer, standin=people.auditor, revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        perform(case, "approve", people.auditor, on_behalf_of=people.reviewer)
