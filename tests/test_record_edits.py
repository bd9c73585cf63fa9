"""Record edits keep what changed: each field and related row with its old and new value, shown
as a readable diff on the case page and in the inspector; an edit that changes nothing is none."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from approvals import edits
from approvals.diffs import ADDED, CHANGED, DELETED
from approvals.models import AuditEntry
from tests.factories import PerformanceTargetFactory, ProjectApplicationFactory
from tests.helpers import admin_form_data
from workflows.project_library.models import PerformanceTarget, ProjectApplication


def change_url(case):
    return reverse("admin:project_library_projectapplication_change", args=[case.pk])


@pytest.fixture
def project(county, people):
    return ProjectApplicationFactory(
        region=county.v11,
        creator=people.cadre,
        name="村道硬化",
        total_funds=Decimal("90"),
        funds_central=Decimal("60"),
        funds_provincial=Decimal("30"),
        funds_county=Decimal("0"),
    )


FUNDS_AND_CATEGORY = {"total_funds": "190", "funds_county": "100", "category": "employment_2021"}


def edit_on_page(client, user, project, **changes):
    client.force_login(user)
    data = admin_form_data(client.get(change_url(project)))
    data.update(changes)
    response = client.post(change_url(project), data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


def last_entry(project):
    return AuditEntry.objects.for_object(project).last()


def test_an_edit_records_each_changed_field_with_its_old_and_new_value(client, people, project):
    edit_on_page(client, people.cadre, project, **FUNDS_AND_CATEGORY)
    entry = last_entry(project)
    assert entry.action == "edit"
    assert entry.data["changes"] == [
        {"field": "category", "old": "industry", "new": "employment_2021"},
        {"field": "total_funds", "old": "90.00", "new": "190.00"},
        {"field": "funds_county", "old": "0.00", "new": "100.00"},
    ]
    assert ProjectApplication.objects.get(pk=project.pk).total_funds == Decimal("190")


def test_related_rows_added_changed_and_deleted_are_recorded(client, people, project):
    target = project.performance_targets.get()
    second = PerformanceTargetFactory(project=project, indicator="受益人数", target_value="480")
    edit_on_page(
        client,
        people.cadre,
        project,
        **{
            "performance_targets-0-target_value": "40",
            "performance_targets-1-DELETE": "on",
            "performance_targets-2-indicator": "新建道路",
            "performance_targets-2-target_value": "3",
            "performance_targets-2-unit": "公里",
            "performance_targets-TOTAL_FORMS": "3",
        },
    )
    related = last_entry(project).data["related"]
    label = "project_library.performancetarget"
    added = PerformanceTarget.objects.get(indicator="新建道路")
    assert related == [
        {
            "model": label,
            "row": str(second.pk),
            "op": DELETED,
            "text": str(second),
            "changes": [
                {"field": "indicator", "old": "受益人数", "new": None},
                {"field": "target_value", "old": "480", "new": None},
                {"field": "unit", "old": second.unit, "new": None},
            ],
        },
        {
            "model": label,
            "row": str(target.pk),
            "op": CHANGED,
            "text": "受益贫困户数: 40户",
            "changes": [{"field": "target_value", "old": "35", "new": "40"}],
        },
        {
            "model": label,
            "row": str(added.pk),
            "op": ADDED,
            "text": "新建道路: 3公里",
            "changes": [
                {"field": "indicator", "old": None, "new": "新建道路"},
                {"field": "target_value", "old": None, "new": "3"},
                {"field": "unit", "old": None, "new": "公里"},
            ],
        },
    ]


def test_an_edit_that_changes_nothing_writes_no_entry_and_says_so(client, people, project):
    before = project.audit_count
    page = edit_on_page(client, people.cadre, project).content.decode()
    assert "没有修改" in page
    assert ProjectApplication.objects.get(pk=project.pk).audit_count == before


def test_changes_are_found_in_the_database_not_taken_from_the_caller(people, project):
    """Listing a field that did not change records nothing for it; a listed change is compared
    with the row as stored, not with what the caller believed it was."""
    project.name = "村道硬化（二期）"
    entry = edits.record_edit(project, people.cadre, ["name", "location", "total_funds"])
    renamed = {"field": "name", "old": "村道硬化", "new": "村道硬化（二期）"}
    assert entry.data["changes"] == [renamed]
    assert edits.record_edit(project, people.cadre, ["name", "location"]) is None
    assert AuditEntry.objects.for_object(project).count() == entry.seq


def test_the_case_page_and_the_inspector_show_the_edit_as_labelled_old_and_new(
    client, people, project
):
    edit_on_page(client, people.cadre, project, **FUNDS_AND_CATEGORY)
    page = client.get(change_url(project)).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "总投资（万元）</strong>：90.00 → 190.00" in timeline
    assert "项目类别</strong>：产业发展 → 就业" in timeline
    assert "total_funds" not in timeline and "&quot;changes&quot;" not in timeline
    client.force_login(people.auditor)
    ct = ContentType.objects.get_for_model(project)
    url = reverse("admin:inspector_object", args=[ct.pk, project.pk])
    inspector = client.get(url).content.decode()
    assert "总投资（万元）</strong>：90.00 → 190.00" in inspector
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Total funds (10,000 yuan)</strong>：90.00 → 190.00" in english
    assert "total_funds" not in english
