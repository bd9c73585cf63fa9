"""A campaign keeps an audit chain: its creation with every value, each correction of its title,
source or opening date with old and new values, its county and office set once, a change
behind the site's back reported by verify_audit, and campaigns made before it kept a chain given
their first entry by start_audit_chains."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals.models import AuditEntry
from tests.rectification_setup import county_with_units
from tests.test_audit import sql_update, verify
from tests.test_rectification import chains_verify
from workflows.rectification.models import Campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return county_with_units()


def change_url(campaign):
    return reverse("admin:rectification_campaign_change", args=[campaign.pk])


def values(entry) -> dict:
    return {c["field"]: (c["old"], c["new"]) for c in entry.data["changes"]}


def test_the_office_makes_a_campaign_with_a_creation_entry_and_corrects_its_title(client, setup):
    client.force_login(setup.office_clerk)
    response = client.post(
        reverse("admin:rectification_campaign_add"),
        {
            "source": "provincial_check",
            "title": " 省级 交叉检查反馈问题整改 ",
            "county": setup.county.pk,
            "opened_on": "2020-05-06",
            "office": setup.office.pk,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(source="provincial_check")
    created = AuditEntry.objects.for_object(campaign).get()
    assert created.action == "create" and created.actor == setup.office_clerk
    assert values(created)["title"] == (None, "省级 交叉检查反馈问题整改")
    assert values(created)["office"][1] == str(setup.office.pk)

    response = client.post(
        change_url(campaign),
        {"source": "provincial_check", "title": "省级检查反馈问题整改", "opened_on": "2020-05-07"},
    )
    assert response.status_code == 302
    edit = AuditEntry.objects.for_object(campaign).latest("seq")
    assert edit.action == "edit"
    assert values(edit) == {
        "title": ("省级 交叉检查反馈问题整改", "省级检查反馈问题整改"),
        "opened_on": ("2020-05-06", "2020-05-07"),
    }
    body = client.get(change_url(campaign)).content.decode()
    assert "省级 交叉检查反馈问题整改 → 省级检查反馈问题整改" in body  # its trail on its page
    assert chains_verify()


def test_a_reader_of_the_campaign_may_not_correct_it(client, setup):
    client.force_login(setup.auditor)
    response = client.post(
        change_url(setup.campaign),
        {"source": "central_inspection", "title": "改名", "opened_on": "2020-03-01"},
    )
    assert response.status_code == 403
    setup.campaign.refresh_from_db()
    assert setup.campaign.title == "中央巡视反馈问题整改"
    assert AuditEntry.objects.for_object(setup.campaign).count() == 1


def test_a_campaign_changed_behind_the_site_is_reported(setup):
    campaign = setup.campaign
    sql_update(
        "UPDATE rectification_campaign SET title = %s WHERE id = %s", ["别的任务", campaign.pk]
    )
    code, out = verify()
    assert code == 1
    assert f"BROKEN rectification.campaign#{campaign.pk}: title is 别的任务 but the trail" in out


def test_start_audit_chains_gives_a_campaign_made_before_chains_its_first_entry(setup):
    campaign = setup.campaign
    sql_update("DELETE FROM approvals_auditentry WHERE workflow = %s", ["rectification.campaign"])
    sql_update(
        "UPDATE rectification_campaign SET audit_count = 0, audit_head = '', audit_seal = ''",
        [],
    )
    assert verify()[0] == 1
    call_command("start_audit_chains", stdout=io.StringIO())
    entry = AuditEntry.objects.for_object(campaign).get()
    assert entry.action == "start_chain" and values(entry)["title"][1] == "中央巡视反馈问题整改"
    assert chains_verify()
