"""The pages people work in: the queue, a case's page, its actions and record edits."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admin_site import queue
from approvals import perform
from approvals.models import AuditEntry
from approvals.notices import file_objection, running_notice
from approvals.timers import close_due_notices
from tests.factories import ProjectApplicationFactory, ToyCaseFactory
from tests.helpers import objections_table
from workflows.project_library.demo import MEETING, advance
from workflows.project_library.models import ProjectApplication


def change_url(case):
    return reverse("admin:project_library_projectapplication_change", args=[case.pk])


def act_url(case):
    return reverse("admin:project_library_projectapplication_act", args=[case.pk])


@pytest.fixture
def project(county, people):
    return ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="村道硬化")


def test_the_home_page_is_my_queue(client, people):
    client.force_login(people.reviewer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:queue")


def test_the_queue_lists_what_awaits_me_grouped_by_state(client, people, county, project):
    advance(project, people, "township_review")
    other = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre),
        people,
        "township_review",
    )
    client.force_login(people.reviewer)
    page = client.get(reverse("admin:queue"), {"workflow": "project_library"}).content.decode()
    assert "村道硬化" in page and str(other) in page
    assert "乡镇审核（2）" in page
    client.force_login(people.reviewer2)
    assert "村道硬化" not in client.get(reverse("admin:queue")).content.decode()


def test_the_queue_lists_the_longest_waiting_first_whatever_their_state(
    client, people, county, monkeypatch
):
    """A case waiting long in a later state comes before a newer case in an earlier one."""
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=90)):
        old = advance(
            ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="旧项目"),
            people,
            "implementing",
        )
    ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="新项目")
    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    client.force_login(people.cadre)
    url = reverse("admin:queue")
    first = client.get(url, {"workflow": "project_library"}).content.decode()
    second = client.get(url, {"workflow": "project_library", "page": 2}).content.decode()
    assert str(old) in first and "新项目" not in first
    assert f"{old.state_label}（1）" in first
    assert "新项目" in second and "草稿（1）" in second


def test_queue_filters_and_search(client, people, county, project):
    advance(project, people, "township_review")
    advance(
        ProjectApplicationFactory(region=county.v12, name="水窖建设"),
        people_for_v12(county, people),
        "township_review",
    )
    client.force_login(people.reviewer)
    url = reverse("admin:queue")
    found = client.get(url, {"workflow": "project_library", "q": "水窖"}).content.decode()
    assert "水窖建设" in found and "村道硬化" not in found
    by_village = client.get(
        url, {"workflow": "project_library", "region": county.v11.code}
    ).content.decode()
    assert "村道硬化" in by_village and "水窖建设" not in by_village


def people_for_v12(county, people):
    from types import SimpleNamespace

    from tests.factories import RoleAssignmentFactory

    cadre = RoleAssignmentFactory(role="village_committee", region=county.v12).user
    return SimpleNamespace(**{**vars(people), "cadre": cadre})


def test_the_queue_costs_the_same_queries_at_10_and_200_rows(client, people, county):
    client.force_login(people.cadre)
    client.get(reverse("admin:queue"))  # warm the process-wide caches (content types)
    counts = {}
    for rows in (10, 200):
        while ProjectApplication.objects.count() < rows:
            ProjectApplicationFactory(region=county.v11, creator=people.cadre)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("admin:queue"), {"workflow": "project_library"})
        assert response.content.decode().count('name="selected"') == min(rows, 50)
        counts[rows] = len(ctx.captured_queries)
    assert counts[10] == counts[200], counts


def test_bulk_approval_from_the_queue_reports_done_and_refused(client, people, county):
    ready = [
        advance(
            ProjectApplicationFactory(region=county.v11, creator=people.cadre),
            people,
            "county_review",
        )
        for _ in range(3)
    ]
    gutted = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre), people, "county_review"
    )
    gutted.performance_targets.all().delete()
    client.force_login(people.approver)
    response = client.post(
        reverse("admin:queue") + "?workflow=project_library",
        {
            "selected": [p.pk for p in [*ready, gutted]],
            "action": "county_approve",
            "comment": "同意",
            "confirmed": "1",  # the confirmation page: tests/test_confirmations.py
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:queue_bulk_result")
    page = response.content.decode()
    assert "完成 3 件，未完成 1 件" in page
    assert "至少填写一项绩效目标" in page
    assert set(ProjectApplication.objects.filter(state="county_notice")) == set(ready)
    reload = client.get(reverse("admin:queue_bulk_result"))  # reloading acts on nothing again
    assert reload.status_code == 302 and reload["Location"] == reverse("admin:queue")


def test_the_case_page_shows_actions_reasons_and_the_timeline(client, people, project):
    advance(project, people, "township_review")
    client.force_login(people.reviewer)
    page = client.get(change_url(project)).content.decode()
    assert 'aria-current="step">乡镇审核<' in page
    assert 'value="township_approve"' in page and "办理记录" in page
    assert "提交民主议事" in page  # in the timeline
    client.force_login(people.cadre)
    page = client.get(change_url(project)).content.decode()
    assert "您在一村没有“乡镇审核人”角色" in page  # greyed, with the reason


def test_actions_post_through_the_engine(client, people, project):
    client.force_login(people.cadre)
    client.post(act_url(project), {"action": "submit_for_deliberation"})
    data = {**MEETING, "action": "record_deliberation", "attendees": "15"}
    response = client.post(act_url(project), data, follow=True)
    assert "实到15人，未达到应到代表30人的三分之二（20人）" in response.content.decode()
    assert ProjectApplication.objects.get(pk=project.pk).state == "deliberation"
    client.post(act_url(project), {**MEETING, "action": "record_deliberation"})
    assert ProjectApplication.objects.get(pk=project.pk).state == "village_notice"
    entry = AuditEntry.objects.for_object(project).last()
    assert (entry.action, entry.data["attendees"]) == ("record_deliberation", "24")


def test_objections_are_resolved_on_the_case_page(client, people, project):
    advance(project, people, "village_notice")
    objection = file_objection(project, name="村民甲", text="占用耕地")
    client.force_login(people.cadre)
    page = client.get(change_url(project)).content.decode()
    assert "占用耕地" in page and 'value="dismiss_objection"' in page
    client.post(
        act_url(project),
        {"action": "dismiss_objection", "objection": objection.pk, "comment": "已协调"},
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"


def test_record_edits_are_audited_and_only_while_the_case_waits_for_you(client, people, project):
    client.force_login(people.cadre)
    url = change_url(project)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "name": "村道硬化（修改）",
            "planned_start": "2025-04-01",
            "planned_end": "2025-10-31",
            "performance_targets-TOTAL_FORMS": "1",
            "performance_targets-INITIAL_FORMS": "1",
            "performance_targets-0-id": project.performance_targets.get().pk,
            "performance_targets-0-project": project.pk,
            "performance_targets-0-indicator": "受益贫困户数",
            "performance_targets-0-target_value": "35",
            "performance_targets-0-unit": "户",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    edit = AuditEntry.objects.for_object(project).last()
    assert edit.action == "edit"
    assert {"field": "name", "old": "村道硬化", "new": "村道硬化（修改）"} in edit.data["changes"]
    advance(project, people, "township_review")
    assert client.post(url, data).status_code == 403  # it waits for the township now


def test_auditors_read_case_pages_and_change_nothing(client, people, project):
    client.force_login(people.auditor)
    assert client.get(change_url(project)).status_code == 200
    assert client.post(act_url(project), {"action": "submit_for_deliberation"}).status_code == 403
    assert client.post(change_url(project), {"name": "x"}).status_code == 403
    delete = reverse("admin:project_library_projectapplication_delete", args=[project.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ProjectApplication.objects.get(pk=project.pk).state == "draft"


def test_a_case_outside_my_jurisdiction_is_not_found(client, people, county):
    foreign = ProjectApplicationFactory(region=county.other_village)
    client.force_login(people.reviewer)
    assert client.get(change_url(foreign)).status_code == 404
    assert client.post(act_url(foreign), {"action": "township_approve"}).status_code == 404


def test_the_record_and_its_targets_are_editable_while_it_waits_for_me(client, people, project):
    client.force_login(people.cadre)
    page = client.get(change_url(project)).content.decode()
    assert 'name="performance_targets-TOTAL_FORMS"' in page  # the targets come with the record
    advance(project, people, "deliberation")
    page = client.get(change_url(project)).content.decode()
    form = page[page.index('id="action-record_deliberation"') :]
    assert (
        'value="record_deliberation">' in form.split("</form>")[0]
    )  # enabled: no inputs judged yet
    assert 'name="attendees"' in form


def test_attachments_are_uploaded_from_the_case_page(client, people, project, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(people.cadre)
    upload = SimpleUploadedFile("方案.pdf", b"%PDF plan", content_type="application/pdf")
    client.post(act_url(project), {"action": "add_attachment", "kind": "plan", "upload": upload})
    attachment = project.attachments.get()
    assert (attachment.name, attachment.kind) == ("方案.pdf", "plan")
    page = client.get(change_url(project)).content.decode()
    assert attachment.sha256 in page


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:project_library_projectapplication_changelist", "project"),
        ("admin:household_household_changelist", "household"),
        ("admin:household_identificationcase_changelist", "identification"),
    ],
)
def test_changelists_cost_the_same_queries_at_10_and_200_rows(
    client, people, county, url_name, make
):
    from tests.factories import HouseholdFactory, IdentificationCaseFactory

    makers = {
        "project": lambda: ProjectApplicationFactory(region=county.v11, creator=people.cadre),
        "household": lambda: HouseholdFactory(region=county.v11),
        "identification": lambda: IdentificationCaseFactory(
            household=HouseholdFactory(region=county.v11), opener=people.cadre
        ),
    }
    client.force_login(people.cadre)
    counts, made = {}, 0
    for rows in (10, 200):
        while made < rows:
            makers[make]()
            made += 1
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(url_name), {"all": ""})
        assert response.status_code == 200
        counts[rows] = len(ctx.captured_queries)
    assert counts[10] == counts[200], counts


def test_the_region_filter_offers_a_short_list_and_accepts_any_region_in_scope(
    client, people, county
):
    client.force_login(people.approver)
    url = reverse("admin:queue")
    form = client.get(url, {"workflow": "project_library"}).context["form"]
    offered = [code for code, _name in form.fields["region"].widget.choices if code]
    assert offered == [county.t1.code, county.t2.code]  # townships, not every village
    response = client.get(url, {"workflow": "project_library", "region": county.v21.code})
    assert response.context["form"].is_valid()
    response = client.get(url, {"workflow": "project_library", "region": county.other_village.code})
    assert "请选择您辖区内的乡镇或村" in response.content.decode()


def test_objections_stay_on_the_case_page_after_the_notice_closes(client, people, project):
    advance(project, people, "village_notice")
    objection = file_objection(project, name="村民甲", contact="13912345678", text="占用耕地")
    client.force_login(people.cadre)
    client.post(
        act_url(project),
        {"action": "dismiss_objection", "objection": objection.pk, "comment": "已协调解决"},
    )
    with time_machine.travel(running_notice(project).ends_at + datetime.timedelta(hours=1)):
        assert close_due_notices().closed == 1
    project.refresh_from_db()
    assert project.state == "township_review"
    client.force_login(people.reviewer)
    table = objections_table(client.get(change_url(project)).content.decode())
    assert "村民甲" in table and "占用耕地" in table
    assert "异议不成立" in table and "已协调解决" in table and "cadre" in table


@pytest.mark.parametrize(
    ("who", "shown"), [("cadre", True), ("reviewer", False), ("auditor", False)]
)
def test_the_objectors_contact_is_shown_in_full_only_to_who_may_resolve_it(
    client, people, project, who, shown
):
    advance(project, people, "village_notice")
    file_objection(project, name="村民甲", contact="13912345678", text="占用耕地")
    client.force_login(getattr(people, who))
    page = client.get(change_url(project)).content.decode()
    assert ("13912345678" in page) is shown
    assert "13******678" in page


def test_a_case_of_a_procedure_without_admin_options_links_to_its_case_page(client, people, county):
    """The toy procedure names no admin options: its queued case still opens on the site's case
    page, where the person acts on it."""
    case = ToyCaseFactory(region=county.v11, creator=people.cadre, title="无选项的案件")
    perform(case, "submit", people.cadre)
    client.force_login(people.reviewer)
    page = client.get(reverse("admin:queue"), {"workflow": "toy"}).content.decode()
    url = reverse("admin:toy_toycase_change", args=[case.pk])
    assert f'<a href="{url}">无选项的案件</a>' in page
    assert "审核通过" in client.get(url).content.decode()
    client.post(reverse("admin:toy_toycase_act", args=[case.pk]), {"action": "approve"})
    case.refresh_from_db()
    assert case.state == "notice"
