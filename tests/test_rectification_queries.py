"""The problem page and the 问题整改 tab of 我的待办 cost the same queries however many problems
a campaign holds: with 5 problems and with 50."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.rectification_setup import county_with_units, open_item

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 50


def queries(client, user, url, data=None) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)


def test_the_problem_page_and_the_queue_tab_cost_the_same_queries_at_5_and_50_problems(client):
    setup = county_with_units()
    first = open_item(setup, 1, units=[setup.education, setup.health])
    for number in range(2, FEW + 1):
        open_item(setup, number, units=[setup.health, setup.housing])
    health = setup.person(setup.health)
    problem_page = reverse("admin:rectification_problem_change", args=[first.pk])
    queue = reverse("admin:queue")
    tab = {"workflow": "rectification"}

    def measured():
        return {
            "problem page, office": queries(client, setup.office_clerk, problem_page),
            "problem page, unit": queries(client, health, problem_page),
            "problem page, auditor": queries(client, setup.auditor, problem_page),
            "queue tab": queries(client, health, queue, tab),
        }

    few = measured()
    for number in range(FEW + 1, MANY + 1):
        open_item(setup, number, units=[setup.health, setup.housing])
    client.force_login(health)
    body = client.get(queue, tab).content.decode()
    assert len(re.findall(r'href="/admin/rectification/problem/\d+/change/"', body)) == MANY
    assert measured() == few
