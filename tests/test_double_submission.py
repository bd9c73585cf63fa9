"""A form that acts carries a one-time token: posting it again (a double click, a reload, two
tabs) acts once, and the repeat is told what the first post did."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from admin_site.models import FormSubmission
from approvals.models import AuditEntry
from tests.factories import ProjectApplicationFactory
from tests.helpers import race
from workflows.project_library.models import ProjectApplication


def act_url(case):
    return reverse("admin:project_library_projectapplication_act", args=[case.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_case_page_gives_each_form_a_token(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.cadre)
    change = reverse("admin:project_library_projectapplication_change", args=[project.pk])
    assert 'name="submission_token"' in client.get(change).content.decode()


def test_the_same_form_posted_twice_acts_once_and_repeats_the_first_result(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.cadre)
    form = {"action": "submit_for_deliberation", "submission_token": str(uuid.uuid4())}

    first = client.post(act_url(project), form)
    second = client.post(act_url(project), form)

    assert AuditEntry.objects.for_object(project).filter(action=form["action"]).count() == 1
    assert second["Location"] == first["Location"]
    repeated = texts(second)
    assert any("已经提交过" in text for text in repeated)
    assert any("已办理“提交民主议事”" in text for text in repeated)  # not "not allowed"


def test_a_bulk_form_posted_twice_shows_the_first_result_again(client, county, people):
    projects = [ProjectApplicationFactory(region=county.v11, creator=people.cadre) for _ in "ab"]
    client.force_login(people.cadre)
    url = reverse("admin:queue") + "?workflow=project_library"
    form = {
        "selected": [p.pk for p in projects],
        "action": "submit_for_deliberation",
        "submission_token": str(uuid.uuid4()),
    }
    client.post(url, form)
    client.get(reverse("admin:queue_bulk_result"))
    again = client.post(url, form, follow=True)
    body = again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("admin:queue_bulk_result")
    assert "已经提交过" in body and all(p.name in body for p in projects)
    assert FormSubmission.objects.count() == 1
    assert AuditEntry.objects.filter(action="submit_for_deliberation").count() == 2


@pytest.mark.postgres
def test_two_simultaneous_posts_of_one_form_act_once(concurrent_db, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    form = {"action": "submit_for_deliberation", "submission_token": str(uuid.uuid4())}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(people.cadre)

    responses = race(lambda i: clients[i].post(act_url(project), form), 2)

    assert [r.status_code for r in responses] == [302, 302], responses
    assert AuditEntry.objects.for_object(project).filter(action=form["action"]).count() == 1
    assert ProjectApplication.objects.get(pk=project.pk).state == "deliberation"
    told = [texts(r) for r in responses]
    assert sum(any("已经提交过" in t for t in messages) for messages in told) == 1
    assert all(any("已办理" in t for t in messages) for messages in told)
