"""Nothing typed is lost: a refused step, a session that ended and a stale page all bring the
person back to the page with what they had entered."""

from django.test import Client
from django.urls import reverse

from approvals import perform
from tests.factories import ProjectApplicationFactory
from workflows.project_library.demo import MEETING

MINUTES = "村民代表大会讨论，多数代表同意申报。"


def urls(case):
    name = "admin:project_library_projectapplication"
    return reverse(f"{name}_change", args=[case.pk]), reverse(f"{name}_act", args=[case.pk])


def in_deliberation(county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    perform(project, "submit_for_deliberation", people.cadre)
    return project


def test_a_refused_meeting_record_comes_back_filled(client, county, people):
    project = in_deliberation(county, people)
    change, act = urls(project)
    client.force_login(people.cadre)
    short = {**MEETING, "votes_for": 3, "minutes": MINUTES, "comment": "请审核"}

    client.post(act, {**short, "action": "record_deliberation"})

    page = client.get(change).content.decode()
    assert MINUTES in page
    assert 'name="votes_for" value="3"' in page and 'value="2025-03-01"' in page
    assert 'name="comment" maxlength="2000" size="50" value="请审核"' in page
    assert MINUTES not in client.get(change).content.decode()  # shown once, then forgotten


def test_what_is_kept_is_normalised_and_a_control_character_refuses_nothing(client, county, people):
    project = in_deliberation(county, people)
    change, act = urls(project)
    client.force_login(people.cadre)
    typed = {**MEETING, "votes_for": "３", "minutes": "村民\x00代表\x1c大会", "comment": "请审核"}

    response = client.post(act, {**typed, "action": "record_deliberation"}, follow=True)

    assert response.redirect_chain[-1][0] == change  # back on the case page, filled again
    page = response.content.decode()
    assert "赞成3票" in page and "村民代表大会" in page and 'name="votes_for" value="3"' in page


def test_a_case_page_warns_before_an_action_while_the_record_has_unsaved_edits(
    client, county, people
):
    project = in_deliberation(county, people)
    client.force_login(people.cadre)
    page = client.get(urls(project)[0]).content.decode()
    assert "jingzhun/unsaved.js" in page
    assert 'data-unsaved-warning="记录表单有尚未保存的修改' in page


def test_after_the_session_ended_signing_in_returns_to_the_case_with_the_comment(
    client, county, people
):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    change, act = urls(project)

    response = client.post(
        act,
        {"action": "withdraw", "comment": "重复申报，撤回"},
        HTTP_REFERER=f"http://testserver{change}",
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert change in response["Location"]
    client.force_login(people.cadre)
    page = client.get(change).content.decode()
    assert "重复申报，撤回</textarea>" in page
    project.refresh_from_db()
    assert project.state == "draft"  # nothing done unseen


def test_a_stale_page_is_explained_in_chinese_and_keeps_what_was_typed(county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    change, act = urls(project)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.cadre)

    response = client.post(
        act, {"action": "withdraw", "comment": "请撤回"}, HTTP_REFERER=f"http://testserver{change}"
    )

    body = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in body and f'href="{change}"' in body
    assert "请撤回</textarea>" in client.get(change).content.decode()
