"""A policy version that cases are pinned to never changes: a change is a new version, with its
source, made by a county office or above for its own region, and pinned cases keep theirs."""

import datetime

import pytest
from django.urls import reverse

from approvals.models import Policy, PolicyInUse
from approvals.notices import running_notice
from tests.factories import PolicyFactory, RoleAssignmentFactory, ToyCaseFactory
from tests.helpers import to_notice


def county_prefix(county):
    return county.county.code[:6]


def new_version_url(policy):
    return reverse("admin:approvals_policy_new_version", args=[policy.pk])


def form_for(policy, **changes):
    return {
        "version": "toy-2025",
        "region_prefix": policy.region_prefix,
        "effective_from": "2020-01-01",
        "source": "县扶贫办〔2025〕3号",
        "values": '{"notice_days": 9}',
        **changes,
    }


def test_editing_a_version_in_use_is_refused_with_a_reason(county, people, policy):
    ToyCaseFactory(region=county.v11, creator=people.cadre)
    policy.values = {"notice_days": 1}
    with pytest.raises(PolicyInUse) as err:
        policy.save()
    assert err.value.messages == ["政策版本“toy-2024”已有案件按其办理，不能修改；请另存为新版本"]
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 5}


def test_a_version_no_case_uses_may_still_be_corrected(policy):
    policy.values = {"notice_days": 6}
    policy.save()
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 6}


def test_a_pinned_case_keeps_its_version_after_a_new_one(client, county, people, policy):
    pinned = ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert pinned.policy == policy
    client.force_login(people.office)
    response = client.post(
        new_version_url(policy), form_for(policy, region_prefix=county_prefix(county))
    )
    assert response.status_code == 302
    v2 = Policy.objects.get(version="toy-2025")
    assert (v2.supersedes, v2.created_by) == (policy, people.office)
    assert v2.source == "县扶贫办〔2025〕3号"
    assert v2.values == {"notice_days": 9} and v2.region_prefix == county_prefix(county)
    to_notice(pinned, people)
    notice = running_notice(pinned)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=5)
    later = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    assert later.policy == v2
    notice = running_notice(later)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=9)


def test_the_admin_shows_a_version_in_use_read_only(admin_client, county, people, policy):
    ToyCaseFactory(region=county.v11, creator=people.cadre)
    url = reverse("admin:approvals_policy_change", args=[policy.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="values"' not in page and "另存为新版本" in page
    admin_client.post(url, {**form_for(policy), "workflow": "toy", "version": "toy-2024"})
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 5}


def test_only_county_offices_and_above_make_versions_and_only_for_their_region(
    client, county, people, policy
):
    for person in (people.cadre, people.reviewer, people.auditor):
        client.force_login(person)
        assert client.post(new_version_url(policy), form_for(policy)).status_code == 403
    client.force_login(people.approver)
    response = client.post(new_version_url(policy), form_for(policy))  # national: not theirs
    assert response.status_code == 200 and not Policy.objects.filter(version="toy-2025").exists()
    other = RoleAssignmentFactory(role="county_office", region=county.other_county).user
    client.force_login(other)
    response = client.post(
        new_version_url(policy), form_for(policy, region_prefix=county_prefix(county))
    )
    assert response.status_code == 200 and not Policy.objects.filter(version="toy-2025").exists()


def test_a_new_version_needs_its_source_and_a_name_of_its_own(admin_client, policy):
    PolicyFactory(workflow="toy", version="toy-2025")
    response = admin_client.post(new_version_url(policy), form_for(policy, source=""))
    form = response.context["form"]
    assert set(form.errors) == {"source", "version"}
