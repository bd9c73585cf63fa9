"""Bad input, posted through the pages people use, gets a clear message and changes nothing; text
arrives in one normal form; every number is held to its column. Each test is a case found by
trying: it answered 500 (or stored what later broke a page) before."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from approvals import perform
from approvals.exceptions import TransitionNotAllowed
from approvals.models import AuditEntry, Objection, SecurityEvent
from approvals.notices import file_objection, running_notice
from tests.factories import MemberFactory, ProjectApplicationFactory
from tests.page_forms import form_values
from workflows.household.models import Household, Member, VillagePopulation
from workflows.project_library.demo import MEETING, advance
from workflows.project_library.models import ProjectApplication

HUGE = "9" * 20


@pytest.fixture
def project(county, people):
    return ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="村道硬化")


def act(client, case, data):
    url = reverse("admin:project_library_projectapplication_act", args=[case.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_twenty_digit_meeting_figure_is_refused_with_a_reason(client, people, project):
    perform(project, "submit_for_deliberation", people.cadre)
    client.force_login(people.cadre)
    figures = {"representatives_total": HUGE, "attendees": HUGE, "votes_for": HUGE}
    messages = act(client, project, {**MEETING, **figures, "action": "record_deliberation"})
    assert "应到代表人数必须是0到2147483647之间的整数" in messages
    project.refresh_from_db()
    assert (project.state, project.representatives_total) == ("deliberation", None)


def test_full_width_meeting_figures_count_as_digits(client, people, project):
    perform(project, "submit_for_deliberation", people.cadre)
    client.force_login(people.cadre)
    act(client, project, {**MEETING, "attendees": "２４", "action": "record_deliberation"})
    project.refresh_from_db()
    assert (project.state, project.attendees) == ("village_notice", 24)


@pytest.mark.parametrize("bad_id", ["9" * 25, "1e3", "-1"])
def test_an_id_that_cannot_be_one_in_the_bulk_form_selects_nothing(client, people, county, bad_id):
    ready = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre), people, "county_review"
    )
    client.force_login(people.approver)
    response = client.post(
        reverse("admin:queue") + "?workflow=project_library",
        {"selected": [bad_id], "action": "county_approve", "comment": "同意"},
        follow=True,
    )
    assert response.status_code == 200
    assert "另有 1 件不在您的待办中，未处理。" in response.content.decode()
    ready.refresh_from_db()
    assert ready.state == "county_review"


@pytest.mark.parametrize("action", ["submit_for_deliberation" * 4, "submit\x00", "提交" * 100])
def test_an_action_name_no_procedure_has_is_refused_and_logged_cleanly(
    client, people, project, action
):
    client.force_login(people.cadre)
    messages = act(client, project, {"action": action})
    assert len(messages) == 1 and messages[0].startswith("没有“")
    event = SecurityEvent.objects.get()
    assert event.kind == "not_allowed" and len(event.action) <= 64
    assert "\x00" not in event.action and "\x00" not in event.reasons[0]
    project.refresh_from_db()
    assert project.state == "draft" and AuditEntry.objects.for_object(project).count() == 1


def test_the_engine_refuses_an_oversize_action_name(people, project):
    with pytest.raises(TransitionNotAllowed):
        perform(project, "x" * 10_000, people.cadre)
    assert len(SecurityEvent.objects.get().action) == 64


def test_a_comment_is_kept_without_control_characters(client, people, project):
    client.force_login(people.cadre)
    act(
        client,
        project,
        {"action": "submit_for_deliberation", "comment": "同意\x00申报\x0b\r\n第二行"},
    )
    entry = AuditEntry.objects.for_object(project).last()
    assert (entry.action, entry.comment) == ("submit_for_deliberation", "同意申报\n第二行")


@pytest.mark.parametrize("objection_id", ["²", "1e3", "9" * 25, "一"])
def test_an_objection_id_that_cannot_be_one_asks_which_objection(
    client, people, project, objection_id
):
    advance(project, people, "village_notice")
    objection = file_objection(project, name="村民甲", text="占用耕地")
    client.force_login(people.cadre)
    data = {"action": "dismiss_objection", "objection": objection_id, "comment": "已协调"}
    messages = act(client, project, data)
    assert messages in (["请选择要处理的异议"], ["所选异议不属于当前公示，或已处理"])
    objection.refresh_from_db()
    assert objection.status == "open"


def household_add_form(client, county, **changes):
    page = client.get(reverse("admin:household_household_add")).content.decode()
    data = {name: values for name, values in form_values(page).items() if values}
    data.update(
        {
            "region": str(county.v11.pk),
            "number": "H-NEW",
            "head_name": "新户主",
            "other_causes": "[]",
            "members-TOTAL_FORMS": "1",
            "members-0-name": "新户主",
            "members-0-relation": "head",
            **changes,
        }
    )
    return data


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("spelling", [FULL_WIDTH, ARABIC_INDIC])
def test_an_id_number_in_other_digits_is_the_same_person(client, county, people, spelling):
    registered = MemberFactory(household__region=county.v11)
    client.force_login(people.cadre)
    typed = registered.id_number.translate(spelling)
    assert typed != registered.id_number
    response = client.post(
        reverse("admin:household_household_add"),
        household_add_form(client, county, **{"members-0-id_number": typed}),
    )
    assert response.status_code == 200
    assert "该身份证号码已登记在另一户中，一人不能同时属于两户" in response.content.decode()
    assert Member.objects.filter(id_number=registered.id_number).count() == 1
    assert not Household.objects.filter(number="H-NEW").exists()


def test_a_full_width_id_number_is_registered_in_ascii(client, county, people):
    client.force_login(people.cadre)
    number = "62010219800101005X"
    data = household_add_form(
        client, county, **{"members-0-id_number": number.translate(FULL_WIDTH)}
    )
    response = client.post(reverse("admin:household_household_add"), data)
    assert response.status_code == 302
    assert Member.objects.get(household__number="H-NEW").id_number == number


@pytest.mark.parametrize("causes", ["5", "null", '{"illness": 1}', "[1, 2]"])
def test_other_causes_that_are_not_a_list_of_causes_are_refused(client, county, people, causes):
    client.force_login(people.cadre)
    data = household_add_form(
        client, county, other_causes=causes, **{"members-0-id_number": "62010219800101005X"}
    )
    response = client.post(reverse("admin:household_household_add"), data)
    assert response.status_code == 200
    assert "其他致贫原因应是致贫原因目录中的若干项" in response.content.decode()
    assert not Household.objects.filter(number="H-NEW").exists()


def test_a_vertical_tab_in_a_project_name_never_reaches_the_ledger(client, people, project):
    client.force_login(people.cadre)
    url = reverse("admin:project_library_projectapplication_change", args=[project.pk])
    data = form_values(client.get(url).content.decode())
    data = {name: values for name, values in data.items() if name not in ("action", "comment")}
    data["name"] = "村道\x0b硬化\x00（二期）"
    response = client.post(url, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "村道硬化（二期）"
    ledger = client.get(reverse("admin:ledger_projects"))
    assert ledger.status_code == 200 and b"".join(ledger) != b""


def test_a_figure_past_its_column_is_a_form_error(client, county, people):
    client.force_login(people.cadre)
    response = client.post(
        reverse("admin:household_villagepopulation_add"),
        {"region": county.v11.pk, "year": "2024", "rural_population": "3000000000"},
    )
    assert response.status_code == 200
    assert "确保该值小于或等于2147483647" in response.content.decode()
    assert not VillagePopulation.objects.exists()


def test_an_admin_action_on_an_id_past_64_bits_selects_nothing(client, county, people):
    client.force_login(people.cadre)
    response = client.post(
        reverse("admin:household_household_changelist"),
        {"action": "open_identification", "_selected_action": ["9" * 25], "index": "0"},
    )
    assert response.status_code in (200, 302)
    assert not ProjectApplication.objects.exists() and not Household.objects.exists()


def test_the_public_objection_form_keeps_typed_text_in_normal_form(client, people, project):
    advance(project, people, "village_notice")
    notice = running_notice(project)
    response = client.post(
        reverse("public:object", args=[notice.pk]),
        {"name": "村民\x07甲", "contact": "１３９－０００１", "text": "占用\x00耕地\r\n第二行"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.name, objection.contact, objection.text) == (
        "村民甲",
        "139-0001",
        "占用耕地\n第二行",
    )
