"""Figures the county approved (funds, scale, beneficiaries, targets, benefit mechanism) are not
rewritten in place: after approval they change only through 申请调整, which lets the village revise
them and sends them back to county approval, audited with old and new values."""

from decimal import Decimal

import pytest
from django.urls import reverse

from approvals import edits, perform
from approvals.diffs import CHANGED
from approvals.exceptions import TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import ProjectApplicationFactory
from tests.helpers import admin_form_data
from workflows.project_library.demo import advance
from workflows.project_library.models import ProjectApplication

REASON = "总投资（万元）、县级资金已经县级审批，只能经“申请调整”报县级重新审批后修改"


@pytest.fixture
def project(county, people):
    """An approved project in the annual plan: 120 in total, 10 of it from the county."""
    made = ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="村道硬化")
    return advance(made, people, "planned")


def change_url(project):
    return reverse("admin:project_library_projectapplication_change", args=[project.pk])


def reload(project):
    return ProjectApplication.objects.get(pk=project.pk)


def raise_funds(project, user, county_adds=30):
    """Add ``county_adds`` to the county's funds and to the total, as ``user``."""
    project.total_funds += county_adds
    project.funds_county += county_adds
    return edits.record_edit(project, user, ["total_funds", "funds_county"])


def test_after_approval_the_village_cannot_change_the_approved_figures(people, project):
    before = project.audit_count
    with pytest.raises(TransitionNotAllowed) as refused:
        raise_funds(project, people.cadre)
    assert refused.value.reasons == [REASON]
    assert reload(project).total_funds == Decimal("120.00")
    assert reload(project).audit_count == before
    assert SecurityEvent.objects.filter(action="edit", reasons=[REASON]).exists()
    target = project.performance_targets.get()
    target.target_value = "5"
    with pytest.raises(TransitionNotAllowed) as refused:
        edits.record_edit(project, people.cadre, [], [edits.RowEdit(target, CHANGED)])
    assert refused.value.reasons == ["绩效目标已经县级审批，只能经“申请调整”报县级重新审批后修改"]
    assert project.performance_targets.get().target_value == "35"


def test_the_case_page_shows_approved_figures_read_only(client, people, project):
    client.force_login(people.cadre)
    page = client.get(change_url(project))
    html = page.content.decode()
    assert (
        'name="total_funds"' not in html and 'name="performance_targets-0-target_value"' not in html
    )
    data = admin_form_data(page)
    data.update({"total_funds": "190", "responsible_unit": "乡镇人民政府"})
    client.post(change_url(project), data)
    assert reload(project).total_funds == Decimal("120.00")  # not a field of the form
    assert reload(project).responsible_unit == "乡镇人民政府"  # the schedule side stays editable


def test_once_building_has_started_the_figures_stay_as_approved(people, project):
    perform(project, "start_implementation", people.cadre)
    with pytest.raises(TransitionNotAllowed) as refused:
        raise_funds(project, people.cadre)
    assert refused.value.reasons == ["总投资（万元）、县级资金已经县级审批，项目开工后不能修改"]


def test_an_adjustment_lets_the_village_revise_and_goes_back_to_county_approval(
    client, people, project
):
    perform(project, "request_adjustment", people.office, comment="县级资金追加30万元")
    assert project.state == "adjusting"
    client.force_login(people.cadre)
    data = admin_form_data(client.get(change_url(project)))
    data.update({"total_funds": "150", "funds_county": "40"})
    response = client.post(change_url(project), data, follow=True)
    assert response.redirect_chain
    edit = AuditEntry.objects.for_object(project).last()
    assert (edit.action, edit.actor, edit.from_state) == ("edit", people.cadre, "adjusting")
    assert edit.data["changes"] == [
        {"field": "total_funds", "old": "120.00", "new": "150.00"},
        {"field": "funds_county", "old": "10.00", "new": "40.00"},
    ]
    project = reload(project)
    perform(project, "submit_adjustment", people.cadre)
    assert project.state == "county_review"
    perform(project, "county_approve", people.approver)
    advance(project, people, "in_library")
    assert (reload(project).state, reload(project).total_funds) == ("in_library", Decimal("150"))
    with pytest.raises(TransitionNotAllowed):  # approved again, fixed again
        raise_funds(reload(project), people.office)
