"""The case page's 经办 box and 代办: a reviewer claims a case and the others see it taken; the
township's head assigns it; a stand-in acts for an absent reviewer and the page says so; the
代办设置 page names and revokes a stand-in, in Chinese when refused."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals import queue_for
from approvals.models import AuditEntry, Claim
from roles import standins
from roles.models import Standin
from tests.factories import RoleAssignmentFactory, StandinFactory, ToyCaseFactory, UnitFactory
from tests.helpers import to_review
from tests.toy.models import ToyCase


def page(case):
    return reverse("admin:toy_toycase_change", args=[case.pk])


def claim_url(case):
    return reverse("admin:toy_toycase_claim", args=[case.pk])


@pytest.fixture
def case(county, people):
    return to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)


@pytest.fixture
def colleague(county):
    return RoleAssignmentFactory(
        role="township_reviewer", region=county.t1, user__last_name="王", user__first_name="芳"
    ).user


def test_a_claimed_case_shows_who_handles_it_and_is_refused_to_the_others(
    client, case, people, colleague
):
    client.force_login(colleague)
    assert "尚无人认领" in client.get(page(case)).content.decode()
    client.post(claim_url(case), {"do": "claim"})
    assert "由您办理" in client.get(page(case)).content.decode()
    client.force_login(people.reviewer)
    shown = client.get(page(case)).content.decode()
    assert "由 王芳 办理，其他人暂不能办理" in shown
    assert 'value="claim"' not in shown
    assert 'name="title"' not in shown  # the record is read-only to a colleague
    response = client.post(
        reverse("admin:toy_toycase_act", args=[case.pk]), {"action": "approve"}, follow=True
    )
    assert "该事项已由王芳认领办理" in response.content.decode()
    assert ToyCase.objects.get(pk=case.pk).state == "review"


def test_the_townships_head_assigns_a_case_and_the_trail_shows_it(
    client, county, case, people, colleague
):
    unit = UnitFactory(region=county.t1, kind="township", name="东岗镇人民政府")
    head = RoleAssignmentFactory(
        role="township_reviewer", region=county.t1, unit=unit, heads_unit=True
    ).user
    client.force_login(people.reviewer)
    client.post(claim_url(case), {"do": "assign", "to": colleague.pk})  # not the head: refused
    assert not Claim.objects.exists()
    client.force_login(head)
    assert "王芳" in client.get(page(case)).content.decode()  # offered to assign to
    client.post(claim_url(case), {"do": "assign", "to": colleague.pk})
    assert Claim.objects.get().holder == colleague
    entry = AuditEntry.objects.for_object(case).last()
    assert (entry.action, entry.actor, entry.data["holder"]) == ("assign", head, colleague.pk)
    assert "指派" in client.get(page(case)).content.decode()


def test_a_stand_in_acts_for_the_absent_reviewer_and_the_page_says_so(client, case, people):
    people.reviewer.last_name, people.reviewer.first_name = "张", "伟"
    people.reviewer.save()
    StandinFactory(person=people.reviewer, standin=people.reviewer2)
    client.force_login(people.reviewer2)
    assert "代 张伟 办理" in client.get(page(case)).content.decode()
    response = client.post(
        reverse("admin:toy_toycase_act", args=[case.pk]),
        {"action": "approve", "on_behalf_of": people.reviewer.pk},
        follow=True,
    )
    assert "已代张伟办理" in response.content.decode()
    entry = AuditEntry.objects.for_object(case).last()
    assert (entry.actor, entry.on_behalf_of) == (people.reviewer2, people.reviewer)
    assert "代 张伟 办理" in client.get(page(case)).content.decode()  # in the trail


def test_acting_for_someone_one_does_not_stand_in_for_is_refused(client, case, people, colleague):
    client.force_login(people.reviewer2)  # outside 东岗镇 and no stand-in: not found
    act = reverse("admin:toy_toycase_act", args=[case.pk])
    assert client.post(act, {"action": "approve"}).status_code == 404
    client.force_login(colleague)
    response = client.post(
        reverse("admin:toy_toycase_act", args=[case.pk]),
        {"action": "approve", "on_behalf_of": people.reviewer.pk},
    )
    assert response.status_code == 403
    assert ToyCase.objects.get(pk=case.pk).state == "review"


def test_the_stand_in_period_is_picked_from_a_calendar(client, people):
    client.force_login(people.reviewer)
    page = client.get(reverse("admin:standins")).content.decode()
    for field in ("starts", "ends"):
        assert f'<input type="date" name="{field}"' in page


def test_a_person_names_and_revokes_their_stand_in(client, people, colleague):
    client.force_login(people.reviewer)
    today = timezone.localdate()
    url = reverse("admin:standins")
    refused = client.post(url, {"standin": people.reviewer.pk, "starts": today, "ends": today})
    assert "standin" in refused.context["form"].errors  # oneself is not offered
    assert not Standin.objects.exists()
    backwards = client.post(
        url,
        {"standin": colleague.pk, "starts": "２０９９-０１-０５", "ends": "2099-01-01"},
    )
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    client.post(
        url,
        {"standin": colleague.pk, "starts": today, "ends": today + datetime.timedelta(days=3)},
    )
    named = Standin.objects.get()
    assert (named.person, named.standin) == (people.reviewer, colleague)
    client.force_login(colleague)
    assert "代 reviewer 办理" in client.get(url).content.decode()
    client.post(url, {"revoke": named.pk})  # not theirs to revoke
    assert Standin.objects.get().revoked_at is None
    client.force_login(people.reviewer)
    client.post(url, {"revoke": named.pk})
    assert Standin.objects.get().revoked_at is not None


def _queue(client):
    workflow = ToyCase.workflow.name
    return client.get(reverse("admin:queue"), {"workflow": workflow}).content.decode()


def test_a_stand_in_finds_the_absent_persons_cases_in_the_queue_for_the_period_only(
    client, case, people
):
    people.reviewer.last_name, people.reviewer.first_name = "张", "伟"
    people.reviewer.save()
    absence = StandinFactory(person=people.reviewer, standin=people.reviewer2)
    client.force_login(people.reviewer2)
    assert case in list(queue_for(people.reviewer2))
    queue = _queue(client)
    assert "代 张伟 办理" in queue and page(case) in queue
    assert f'name="selected" value="{case.pk}"' not in queue  # acted on from its page
    # What the absent person has waiting is theirs again once the period is over.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert case not in list(queue_for(people.reviewer2))
        assert page(case) not in _queue(client)
    standins.revoke(absence)
    assert case not in list(queue_for(people.reviewer2))
    assert page(case) not in _queue(client)


def test_from_the_queue_the_stand_in_acts_and_the_trail_names_both(client, case, people):
    StandinFactory(person=people.reviewer, standin=people.reviewer2)
    client.force_login(people.reviewer2)
    assert page(case) in _queue(client)
    shown = client.get(page(case)).content.decode()
    assert f'name="on_behalf_of" value="{people.reviewer.pk}"' in shown
    client.post(
        reverse("admin:toy_toycase_act", args=[case.pk]),
        {"action": "approve", "on_behalf_of": people.reviewer.pk},
    )
    entry = AuditEntry.objects.for_object(case).last()
    assert (entry.action, entry.actor, entry.on_behalf_of) == (
        "approve",
        people.reviewer2,
        people.reviewer,
    )
    assert page(case) not in _queue(client)


def test_the_reviewers_own_queue_does_not_say_on_whose_behalf(client, case, people):
    StandinFactory(person=people.reviewer, standin=people.reviewer2)
    client.force_login(people.reviewer)
    queue = _queue(client)
    assert page(case) in queue and "代 " not in queue
