"""The engine decides, the admin asks: who may open, edit and read a case is answered once
(``approvals.decisions``), the same answer the engine enforces; each action says its kind and
its inputs, so pages need not know action names."""

import pytest
from django.urls import reverse

from approvals import available_actions, open_case, perform, record_edit
from approvals.decisions import may_edit, may_open, may_read
from approvals.exceptions import PermissionDenied
from approvals.spec import ActionKind
from tests.factories import ProjectApplicationFactory, ToyCaseFactory, UserFactory
from tests.helpers import to_notice
from tests.toy.models import ToyCase
from workflows.deliberation import MEETING_INPUTS
from workflows.project_library.models import ProjectApplication

ADD_URL = "admin:project_library_projectapplication_add"


def test_may_open_answers_what_open_case_enforces(county, people):
    assert may_open(ToyCase, people.cadre, county.v11).role == "village_committee"
    assert may_open(ToyCase, people.cadre)  # anywhere: they hold a creator role somewhere
    refused = may_open(ToyCase, people.reviewer, county.v11)
    assert not refused
    assert refused.reasons == ["您在一村没有“村委会、驻村工作队”角色，不能新建"]
    with pytest.raises(PermissionDenied) as denied:
        open_case(ToyCase(region=county.v11, title="x", amount=1), people.reviewer)
    assert denied.value.reasons == refused.reasons
    assert not may_open(ToyCase, people.auditor)  # a read-only role opens nothing
    assert not may_open(ToyCase, people.cadre, county.v21)  # outside their village


def test_may_edit_answers_what_record_edit_enforces(county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    assert may_edit(project, people.cadre).role == "village_committee"
    refused = may_edit(project, people.reviewer)
    assert refused.reasons == ["当前环节“草稿”不由您办理，不能修改记录"]
    project.name = "改名"
    with pytest.raises(PermissionDenied) as denied:
        record_edit(project, people.reviewer, ["name"])
    assert denied.value.reasons == refused.reasons


def test_may_read_covers_every_role_held_read_only_ones_too(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert may_read(case, people.auditor) and may_read(case, people.reviewer)
    assert not may_read(case, people.reviewer2)  # the other township
    assert may_read(ToyCase, people.reviewer2)  # yet some cases of the kind
    assert not may_read(ToyCase, UserFactory())


def test_the_admin_offers_opening_a_case_only_to_whom_the_engine_lets_open_one(client, people):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)  # no role: the engine would refuse them, so the admin does too
    assert client.get(reverse(ADD_URL)).status_code == 403
    client.force_login(people.cadre)
    assert client.get(reverse(ADD_URL)).status_code == 200
    assert may_open(ProjectApplication, people.cadre)


def test_each_action_says_its_kind(county, people):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    kinds = {a.name: a.kind for a in available_actions(case, people.reviewer)}
    assert kinds == {
        "close_notice": ActionKind.TIMER,
        "uphold_objection": ActionKind.RESOLUTION,
        "dismiss_objection": ActionKind.RESOLUTION,
    }
    assert [a.resolves_objection for a in available_actions(case, people.reviewer)] == [
        False,
        True,
        True,
    ]
    draft = ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert {a.kind for a in available_actions(draft, people.cadre)} == {ActionKind.STEP}
    verify = next(t for t in draft.workflow.transitions if t.name == "verify")
    assert verify.kind == ActionKind.SIGNOFF


def test_an_action_carries_its_inputs_and_the_case_page_shows_them(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    perform(project, "submit_for_deliberation", people.cadre)
    actions = {a.name: a for a in available_actions(project, people.cadre)}
    assert actions["record_deliberation"].inputs == MEETING_INPUTS
    client.force_login(people.cadre)
    change = reverse("admin:project_library_projectapplication_change", args=[project.pk])
    page = client.get(change).content.decode()
    for field in MEETING_INPUTS:
        assert f'id="id_record_deliberation_{field.name}"' in page
