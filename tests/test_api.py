"""The REST API: tokens, scope, masking, refusals as status codes with reasons, bulk, the audit
trail for auditors, the public notices, throttling and the documentation page."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_site.api.models import ApiToken
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import RoleAssignmentFactory, StandinFactory, ToyCaseFactory
from tests.helpers import race, to_notice, to_review
from tests.household_setup import family
from tests.toy.models import ToyCase


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def token_for(user, days=30):
    return ApiToken.issue(user, "手机", days)[1]


def api(client, key, method, url, **body):
    return getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )


def case_url(case, view="case"):
    return reverse(f"api:{view}", args=[case.workflow.name, case.pk])


def test_a_token_is_shown_once_kept_only_as_its_hash_and_signs_its_owner_in(client, people):
    client.force_login(people.auditor)  # someone who only reads makes tokens for themselves too
    page = client.post(reverse("admin:api_tokens"), {"name": "手机", "days": "30"}, follow=True)
    key = re.search(r'<code id="new-key">([^<]+)</code>', page.content.decode()).group(1)
    assert key not in client.get(reverse("admin:api_tokens")).content.decode()
    token = ApiToken.objects.get(user=people.auditor)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    client.logout()
    assert api(client, key, "get", reverse("api:queue")).status_code == 200
    assert api(client, "wrong", "get", reverse("api:queue")).status_code == 401
    assert client.get(reverse("api:queue")).status_code == 401


def test_a_revoked_or_expired_token_signs_nobody_in(client, people):
    key = token_for(people.cadre, days=1)
    token = ApiToken.objects.get(user=people.cadre)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert api(client, key, "get", reverse("api:queue")).status_code == 401
    client.force_login(people.team)
    revoke = reverse("admin:api_token_revoke", args=[token.pk])
    assert client.post(revoke).status_code == 404  # another person's token
    client.force_login(people.cadre)
    assert client.post(revoke).status_code == 302
    client.logout()
    response = api(client, key, "get", reverse("api:queue"))
    assert response.status_code == 401 and response.json()["detail"] == "令牌无效、已过期或已撤销"


def test_a_cadre_reads_only_their_village_and_ids_are_masked_where_one_may_not_write(
    client, county, people
):
    mine = ToyCaseFactory(region=county.v11, creator=people.cadre)
    outsider = RoleAssignmentFactory(role="village_committee", region=county.other_village).user
    theirs = ToyCaseFactory(region=county.other_village, creator=outsider)
    key = token_for(people.cadre)
    listed = api(client, key, "get", reverse("api:cases", args=["toy"])).json()
    assert [c["id"] for c in listed["results"]] == [mine.pk]
    assert api(client, key, "get", case_url(theirs)).status_code == 404
    detail = api(client, key, "get", case_url(mine)).json()
    assert detail["state"] == "draft"
    assert {a["name"]: a["allowed"] for a in detail["actions"]}["submit"] is True
    assert [row["action"] for row in detail["timeline"]] == ["create"]

    home = family(county.v11, people.team)
    number = home.members.first().id_number
    url = reverse("api:household", args=[home.pk])
    whole = api(client, key, "get", url).json()["members"][0]["id_number"]
    masked = api(client, token_for(people.auditor), "get", url).json()["members"][0]["id_number"]
    assert whole == number
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert api(client, key, "get", reverse("api:household", args=[10**30])).status_code == 404


def test_refusals_answer_403_409_422_with_their_reasons_and_change_nothing(client, county, people):
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    url = case_url(case, "perform")
    refused = api(client, token_for(people.cadre), "post", url, action="approve")
    assert refused.status_code == 403
    assert refused.json()["reasons"][0]["code"] == "no_role"
    key = token_for(people.reviewer)
    stale = api(client, key, "post", url, action="approve", state="draft")
    assert stale.status_code == 409
    assert stale.json()["reasons"][0]["code"] == "moved_meanwhile"
    assert api(client, key, "post", url, comment="缺少操作").status_code == 400
    assert ToyCase.objects.get(pk=case.pk).state == "review"
    assert SecurityEvent.objects.count() == 2
    done = api(client, key, "post", url, action="approve", state="review", comment="同意")
    assert done.status_code == 200, done.json()
    assert done.json()["case"]["state"] == "notice"
    assert done.json()["entry"]["from_state"] == "review"
    again = api(client, key, "post", url, action="approve")
    assert again.status_code == 422
    assert again.json()["reasons"][0]["code"] == "wrong_state"
    assert SecurityEvent.objects.count() == 3


def test_bulk_acts_on_the_cases_in_the_queue_and_counts_the_others(client, county, people):
    cases = [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people) for _ in "ab"
    ]
    draft = ToyCaseFactory(region=county.v11, creator=people.cadre)
    ids = [c.pk for c in cases] + [draft.pk, 10**30]
    key = token_for(people.reviewer)
    queue = api(client, key, "get", reverse("api:queue")).json()
    assert [c["id"] for c in queue["results"]] == [c.pk for c in cases]
    result = api(client, key, "post", reverse("api:bulk", args=["toy"]), action="approve", ids=ids)
    assert result.status_code == 200, result.json()
    assert [c["state"] for c in result.json()["done"]] == ["notice", "notice"]
    assert result.json()["missing"] == 2


def test_the_audit_trail_is_for_auditors_and_its_chains_verify(client, county, people):
    to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    key = token_for(people.auditor)
    entries = api(client, key, "get", reverse("api:audit") + "?workflow=toy").json()["results"]
    assert [e["action"] for e in entries] == ["approve", "submit", "create"]
    verified = api(client, key, "get", reverse("api:audit_verify")).json()
    assert verified["intact"] and verified["checked"] >= 1 and verified["problems"] == []
    cadre = token_for(people.cadre)
    assert api(client, cadre, "get", reverse("api:audit")).status_code == 403
    assert api(client, cadre, "get", reverse("api:audit_verify")).status_code == 403


def test_the_notices_are_public_and_show_no_id_numbers(client, county, people):
    to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    response = client.get(reverse("api:notices"))
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["region"]["code"] == county.v11.code


def test_each_person_is_throttled_on_their_own(client, people, settings):
    settings.API_RATE_PER_PERSON = "2/min"
    key = token_for(people.cadre)
    assert [api(client, key, "get", reverse("api:queue")).status_code for _ in "abc"] == [
        200,
        200,
        429,
    ]
    assert api(client, token_for(people.team), "get", reverse("api:queue")).status_code == 200


def test_the_documentation_loads_nothing_from_outside_the_server(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in page
    assert not re.search(r"(src|href)=[\"']https?://", page)
    assert client.get(reverse("api:schema")).status_code == 200


@pytest.mark.postgres
def test_two_performs_of_the_same_step_at_once_let_one_through(
    concurrent_db, client, county, people
):
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    keys = [token_for(people.reviewer), token_for(people.reviewer)]
    url = case_url(case, "perform")

    def press(i):
        return api(client.__class__(), keys[i], "post", url, action="approve", state="review")

    statuses = sorted(r.status_code for r in race(press, 2))
    assert statuses == [200, 409]
    assert ToyCase.objects.get(pk=case.pk).audit_count == 3


def test_a_page_of_cases_or_households_costs_the_same_queries_for_few_rows_or_many(
    client, county, people
):
    key = token_for(people.cadre)
    api(client, key, "get", reverse("api:queue"))  # the token's first use is written once

    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as read:
            assert api(client, key, "get", url).status_code == 200
        return len(read)

    counts = []
    for rows in (2, 10):
        while ToyCase.objects.count() < rows:
            ToyCaseFactory(region=county.v11, creator=people.cadre)
            family(county.v11, people.team)
        counts.append(
            (queries(reverse("api:cases", args=["toy"])), queries(reverse("api:households")))
        )
    assert counts[0] == counts[1]


def test_a_stand_in_finds_the_absent_persons_case_in_the_queue_and_acts_on_their_behalf(
    client, county, people
):
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    StandinFactory(person=people.reviewer, standin=people.reviewer2)
    key = token_for(people.reviewer2)
    queued = api(client, key, "get", reverse("api:queue")).json()["results"]
    assert [c["id"] for c in queued] == [case.pk]
    detail = api(client, key, "get", case_url(case)).json()
    assert detail["on_behalf_of"] == people.reviewer.pk
    assert {a["name"]: a["allowed"] for a in detail["actions"]}["approve"] is True
    url = case_url(case, "perform")
    assert api(client, key, "post", url, action="approve").status_code == 403  # not their own
    outsider = api(client, key, "post", url, action="approve", on_behalf_of=people.cadre.pk)
    assert outsider.status_code == 403
    done = api(client, key, "post", url, action="approve", on_behalf_of=people.reviewer.pk)
    assert done.status_code == 200
    entry = AuditEntry.objects.get(pk=done.json()["entry"]["id"])
    assert (entry.actor, entry.on_behalf_of) == (people.reviewer2, people.reviewer)
