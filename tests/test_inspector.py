"""The auditor's inspector: search, one object's timeline with its verification, a region's
verification, the security log and the CSV export."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import perform
from approvals.exceptions import PermissionDenied
from approvals.notices import file_objection
from tests.factories import ProjectApplicationFactory, RoleAssignmentFactory
from tests.helpers import objections_table, resolve
from workflows.project_library.demo import advance


@pytest.fixture
def trail(county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="产业园")
    advance(project, people, "township_review")
    outside = RoleAssignmentFactory(role="village_committee", region=county.other_village).user
    ProjectApplicationFactory(region=county.other_village, creator=outside, name="外县项目")
    return project


def object_url(case):
    return reverse(
        "admin:inspector_object", args=[ContentType.objects.get_for_model(case).pk, case.pk]
    )


def test_the_search_finds_entries_in_my_jurisdiction_only(client, people, trail):
    client.force_login(people.auditor)
    page = client.get(reverse("admin:inspector"), {"workflow": "project_library"}).content.decode()
    assert "记录议事结果" in page and "公示期满" in page
    assert page.count(f"项目库 #{trail.pk}") == 4  # created, submitted, met, noticed
    assert "外县" not in page


def test_filters_by_actor_role_and_state(client, people, trail):
    client.force_login(people.auditor)
    url = reverse("admin:inspector")
    page = client.get(url, {"role": "system"}).content.decode()
    assert "<td>公示期满</td>" in page and "<td>记录议事结果</td>" not in page
    page = client.get(url, {"actor": "cadre", "state": "project_library:village_notice"})
    page = page.content.decode()
    assert page.count("<tr><td>") == 1


def test_the_search_costs_the_same_queries_at_10_and_200_rows(client, people, county):
    client.force_login(people.auditor)
    counts = []
    for total in (10, 200):
        while ProjectApplicationFactory._meta.model.objects.count() < total:
            ProjectApplicationFactory(region=county.v11, creator=people.cadre)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("admin:inspector"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_an_objects_timeline_shows_its_verified_chain(client, people, trail):
    client.force_login(people.auditor)
    page = client.get(object_url(trail)).content.decode()
    assert "链条核验通过：共 4 条记录" in page
    assert trail.audit_head in page


def test_a_tampered_chain_is_shown_broken(client, people, trail):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE approvals_auditentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE approvals_auditentry SET comment = 'x' WHERE object_id = %s AND seq = 2",
            [trail.pk],
        )
    client.force_login(people.auditor)
    assert "链条核验未通过" in client.get(object_url(trail)).content.decode()
    verdict = b"".join(
        client.get(
            reverse("admin:inspector_verify"), {"region": trail.region.code}
        ).streaming_content
    ).decode()
    assert "content was changed" in verdict and "1 条链条有问题" in verdict


def test_a_region_verification_streams_its_progress(client, people, county, trail):
    client.force_login(people.auditor)
    response = client.get(reverse("admin:inspector_verify"), {"region": county.county.code})
    body = b"".join(response.streaming_content).decode()
    assert "已核验 1 件" in body and "全部链条完好" in body
    assert (
        client.get(
            reverse("admin:inspector_verify"), {"region": county.other_village.code}
        ).status_code
        == 404
    )


def test_the_security_log_lists_refused_attempts(client, people, trail):
    with pytest.raises(PermissionDenied):
        perform(trail, "township_approve", people.reviewer2)
    client.force_login(people.auditor)
    page = client.get(reverse("admin:inspector_security")).content.decode()
    assert "reviewer2" in page and "无权限" in page


def test_the_csv_export_streams_with_a_byte_order_mark(client, people, trail):
    client.force_login(people.auditor)
    response = client.get(reverse("admin:inspector_export"), {"workflow": "project_library"})
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间", "流程", "对象编号"]
    assert len(rows) == 1 + 4
    assert all(row[9].startswith('="620102') for row in rows[1:])  # a code stays text


def test_the_inspector_is_for_auditors_and_county_offices(client, people):
    for user, status in [
        (people.cadre, 403),
        (people.reviewer, 403),
        (people.office, 200),
        (people.auditor, 200),
    ]:
        client.force_login(user)
        assert client.get(reverse("admin:inspector")).status_code == status


def test_the_inspector_changes_nothing(client, people):
    # An auditor's POST is refused by the site before any view (tests/test_auditor_writes.py).
    for person, status in ((people.office, 405), (people.auditor, 403)):
        client.force_login(person)
        for name in ("inspector", "inspector_security", "inspector_verify", "inspector_export"):
            assert client.post(reverse(f"admin:{name}")).status_code == status


def test_objections_stay_in_the_inspector_with_the_contact_masked(client, people, county):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "village_notice")
    objection = file_objection(project, name="村民甲", contact="13912345678", text="占用耕地")
    resolve(project, people.cadre, objection, upheld=True, comment="重新议事")
    assert project.state == "draft"
    client.force_login(people.auditor)
    page = client.get(object_url(project)).content.decode()
    table = objections_table(page)
    assert "村民甲" in table and "占用耕地" in table and "异议成立" in table and "重新议事" in table
    assert "13******678" in table and "13912345678" not in page
    assert "链条核验通过" in page
    response = client.get(reverse("admin:inspector_export"), {"workflow": "project_library"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "提出异议" in body
    assert "13912345678" not in body


def test_only_a_search_that_can_find_policy_entries_asks_for_entries_in_no_region(
    client, people, trail
):
    """An OR with "in no region" keeps the database off the region index: a search of one
    procedure's trails, or of one township, must not carry it."""
    client.force_login(people.auditor)

    def search_sql(params):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("admin:inspector"), params).content.decode()
        entry_queries = [
            q["sql"] for q in ctx.captured_queries if "approvals_auditentry" in q["sql"]
        ]
        return page, " ".join(entry_queries)

    _, sql = search_sql({"workflow": "project_library"})
    assert "IS NULL" not in sql
    _, sql = search_sql({"region": trail.region.code})
    assert "IS NULL" not in sql
    page, sql = search_sql({})
    assert "IS NULL" in sql and "政策版本 #" in page
