"""The State Council's holiday schedule is kept by county offices and county approvers, not only
superusers: a year's schedule entered as a national version, a schedule's dates corrected in
place, each an entry of the version's trail naming the role; its region never changes, and
roles below the county only read it."""

import datetime
import json

from django.urls import reverse

from approvals import audit, calendar
from approvals.models import AuditEntry, Policy
from tests.helpers import admin_form_data


def latest_schedule():
    return Policy.objects.filter(workflow=calendar.WORKFLOW).latest("effective_from")


def test_a_county_office_enters_next_years_schedule_as_a_national_version(client, people):
    base = latest_schedule()
    year = base.effective_from.year + 1
    client.force_login(people.office)
    url = reverse("admin:approvals_policy_new_version", args=[base.pk])
    page = client.get(url)
    assert page.status_code == 200 and "region_prefix" not in page.context["form"].fields
    schedule = {"holidays": {f"{year}-01-01": "元旦"}, "workdays": {f"{year}-01-09": "元旦调休"}}
    response = client.post(url, {
        "version": f"state-council-{year}", "effective_from": f"{year}-01-01",
        "source": f"国务院办公厅关于{year}年部分节假日安排的通知", "values": json.dumps(schedule),
        "value_sources": "{}",
    })  # fmt: skip
    assert response.status_code == 302
    entered = Policy.objects.get(workflow=calendar.WORKFLOW, version=f"state-council-{year}")
    assert (entered.region_prefix, entered.created_by, entered.supersedes) == (
        "",
        people.office,
        base,
    )
    [made] = AuditEntry.objects.for_object(entered)
    assert (made.action, made.actor_role) == ("create", "county_office")
    assert calendar.has_schedule(year)
    assert not calendar.Calendar().is_working_day(datetime.date(year, 1, 1))


def test_a_county_approver_corrects_a_schedule_in_place_but_not_its_region(client, people):
    schedule = latest_schedule()
    year = schedule.effective_from.year
    client.force_login(people.approver)
    url = reverse("admin:approvals_policy_change", args=[schedule.pk])
    data = admin_form_data(client.get(url))
    values = {
        **schedule.values,
        "holidays": {**schedule.values["holidays"], f"{year}-12-31": "除夕"},
    }
    data.update(values=json.dumps(values), region_prefix="6201")
    assert client.post(url, data).status_code == 302
    schedule.refresh_from_db()
    assert schedule.values["holidays"][f"{year}-12-31"] == "除夕"
    assert schedule.region_prefix == ""
    corrected = AuditEntry.objects.for_object(schedule).filter(action="edit").last()
    assert corrected.actor_role == "county_approver"
    assert [c["field"] for c in corrected.data["changes"]] == ["values"]
    assert audit.verify_record(schedule) is None


def test_roles_below_the_county_only_read_the_schedule(client, people):
    schedule = latest_schedule()
    before = schedule.values
    for person in (people.cadre, people.reviewer):
        client.force_login(person)
        new_version = reverse("admin:approvals_policy_new_version", args=[schedule.pk])
        assert client.get(new_version).status_code == 403
        url = reverse("admin:approvals_policy_change", args=[schedule.pk])
        assert client.post(url, {"values": "{}"}).status_code == 403
    schedule.refresh_from_db()
    assert schedule.values == before


def test_a_county_office_still_makes_no_other_national_version(client, people):
    national = Policy.objects.get(workflow="monitoring_inclusion", region_prefix="")
    client.force_login(people.office)
    url = reverse("admin:approvals_policy_change", args=[national.pk])
    assert client.post(url, {"values": "{}"}).status_code == 403
    form = client.get(reverse("admin:approvals_policy_new_version", args=[national.pk]))
    assert "" not in dict(form.context["form"].fields["region_prefix"].choices)
