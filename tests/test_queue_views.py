"""The queue as people clear it every day: 已办 and 我发起的 next to 我的待办 with the same
filters, sorting by column, one search across procedures, saved filters, and rows that show the
funds, the submitter and flags (returned with its reason, objection open, overdue); a page costs
the same queries at 10 and 200 rows."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_site.models import QueueFilter
from approvals import create_case, perform, perform_bulk
from approvals.notices import file_objection
from tests.factories import (
    ProjectApplicationFactory,
    QueueFilterFactory,
    StandinFactory,
    ToyCaseFactory,
)
from tests.helpers import to_notice, to_review
from tests.toy.models import ToyCase
from workflows.project_library.demo import advance

QUEUE = reverse("admin:queue")


def queue(client, **params):
    return client.get(QUEUE, params).content.decode()


def test_done_and_opened_list_what_i_acted_on_and_what_i_opened(client, county, people):
    mine = to_review(
        ToyCaseFactory(region=county.v11, creator=people.cadre, title="我开的"), people
    )
    acted = to_review(ToyCaseFactory(region=county.v11, title="我审的"), people)
    perform(acted, "approve", people.reviewer)
    ToyCaseFactory(region=county.v11, title="别人的")
    client.force_login(people.reviewer)
    done = queue(client, view="done", workflow="toy")
    assert "我审的" in done and "我开的" not in done and "别人的" not in done
    client.force_login(people.cadre)
    opened = queue(client, view="opened", workflow="toy")
    assert "我开的" in opened and "我审的" not in opened
    filtered = queue(client, view="opened", workflow="toy", state="draft")
    assert "我开的" not in filtered  # the same filters: it is in review now
    assert mine.state == "review"


def test_rows_show_funds_submitter_and_sort_by_funds(client, county, people):
    people.cadre.last_name, people.cadre.first_name = "赵", "村"
    people.cadre.save()
    for name, funds in (("小项目", 5), ("大项目", 300)):
        advance(
            ProjectApplicationFactory(
                region=county.v11,
                creator=people.cadre,
                name=name,
                total_funds=funds,
                funds_central=funds,
                funds_provincial=0,
                funds_county=0,
            ),
            people,
            "township_review",
        )
    client.force_login(people.reviewer)
    page = queue(client, workflow="project_library", sort="-funds")
    assert "资金（万元）" in page and "赵村" in page
    assert page.index("大项目") < page.index("小项目")
    page = queue(client, workflow="project_library", sort="funds")
    assert page.index("小项目") < page.index("大项目")
    assert "data-select-all" in page


def test_flags_returned_with_its_reason_objection_open_and_overdue(client, county, people):
    returned = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    perform(returned, "return_for_revision", people.reviewer, comment="缺少预算表")
    client.force_login(people.cadre)
    page = queue(client, workflow="toy")
    assert 'title="缺少预算表"' in page and "被退回" in page
    objected = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    file_objection(objected, name="村民甲", text="不符合条件")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        late = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    client.force_login(people.reviewer)
    page = queue(client, workflow="toy")
    assert "有异议" in page and "已逾期" in page
    assert str(late) in page


def test_one_search_finds_cases_in_every_procedure(client, county, people):
    advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="饮水工程"),
        people,
        "township_review",
    )
    advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="道路工程"),
        people,
        "township_review",
    )
    client.force_login(people.reviewer)
    page = queue(client, q="饮水")
    assert re.search(r"项目库[^（]*（1）", page)
    assert "饮水工程" in page and "道路工程" not in page


def test_a_saved_filter_comes_back_with_one_click_and_only_for_its_owner(client, people):
    client.force_login(people.reviewer)
    url = reverse("admin:queue_filters")
    client.post(url, {"name": "  审核中 ", "query": "workflow=toy&state=review&page=3&evil=1"})
    saved = QueueFilter.objects.get()
    assert (saved.user, saved.name, saved.query) == (
        people.reviewer,
        "审核中",
        "workflow=toy&state=review",
    )
    again = client.post(url, {"name": "审核中", "query": "workflow=toy"}, follow=True)
    assert "已有同名的常用筛选" in again.content.decode()
    assert f"{QUEUE}?workflow=toy&amp;state=review" in queue(client)
    other = QueueFilterFactory(user=people.cadre)
    client.post(url, {"delete": other.pk})
    assert QueueFilter.objects.filter(pk=other.pk).exists()
    client.post(url, {"delete": saved.pk})
    assert not QueueFilter.objects.filter(pk=saved.pk).exists()
    assert client.get(url).status_code == 405


def _fill(county, people, count):
    cases = [
        create_case(ToyCase, people.cadre, region=county.v11, title=f"事项{i}", amount=10)
        for i in range(count)
    ]
    perform_bulk(cases, "submit", people.cadre)
    perform_bulk(cases[: count // 2], "return_for_revision", people.reviewer, comment="补充")
    perform_bulk(cases[: count // 2], "submit", people.cadre)


@pytest.mark.parametrize("view", ["todo", "done"])
def test_a_queue_page_costs_the_same_queries_at_10_and_200_rows(client, county, people, view):
    client.force_login(people.reviewer)
    _fill(county, people, 10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE, {"workflow": "toy", "view": view}).status_code == 200
    _fill(county, people, 190)
    with CaptureQueriesContext(connection) as large:
        page = client.get(QUEUE, {"workflow": "toy", "view": view}).content.decode()
    assert page.count('href="/admin/toy/toycase/') >= 50  # a full page
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_stand_ins_queue_page_costs_the_same_queries_at_10_and_200_rows(client, county, people):
    StandinFactory(person=people.reviewer, standin=people.reviewer2)
    client.force_login(people.reviewer2)
    _fill(county, people, 10)
    client.get(QUEUE, {"workflow": "toy"})  # the content types the first page looks up, cached
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE, {"workflow": "toy"}).status_code == 200
    _fill(county, people, 190)
    with CaptureQueriesContext(connection) as large:
        page = client.get(QUEUE, {"workflow": "toy"}).content.decode()
    assert page.count('class="on-behalf-of"') == 50  # a full page, each row done for the reviewer
    assert len(large.captured_queries) == len(small.captured_queries)
