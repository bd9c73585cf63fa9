"""A procedure added the way docs/adding-a-procedure.md says: tests/house_repair is one folder,
installed by one line in tests/settings.py, and nothing in admin_site/, approvals/, roles/ or
docs/ names it. Each page of the site shows it all the same."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals import perform
from approvals.models import AuditEntry
from approvals.procedures import procedure_for, procedures
from roles.models import Region
from tests.factories import RoleAssignmentFactory
from tests.house_repair.models import RepairCase
from tests.house_repair.procedures import HOUSE_REPAIR
from tests.test_access_matrix import expected, site_urls


@pytest.fixture
def repair(county, people):
    """A house-repair case the village has submitted, waiting for the township."""
    case = HOUSE_REPAIR.factory(county.v11, people.cadre, applicant="赵铁柱")
    perform(case, "submit", people.cadre)
    return case


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def test_its_app_registers_it_from_ready(db):
    assert procedure_for("house_repair") is HOUSE_REPAIR
    assert procedure_for(RepairCase) is HOUSE_REPAIR
    assert RepairCase in [p.model for p in procedures()]


def test_it_is_in_the_queue_of_whoever_acts_next(client, people, repair):
    html = page(client, people.reviewer, reverse("admin:queue"), workflow="house_repair")
    assert "危房改造" in html and "赵铁柱" in html
    assert "审核通过" in html  # its bulk actions
    assert "赵铁柱" not in page(client, people.cadre, reverse("admin:queue"))


def test_its_case_page_offers_its_actions(client, people, repair):
    url = reverse("admin:house_repair_repaircase_change", args=[repair.pk])
    html = page(client, people.reviewer, url)
    assert "赵铁柱" in html and "乡镇审核" in html
    assert "审核通过" in html and "不通过" in html
    client.post(
        reverse("admin:house_repair_repaircase_act", args=[repair.pk]), {"action": "approve"}
    )
    repair.refresh_from_db()
    assert repair.state == "notice"


def test_its_notice_is_on_the_public_board(client, people, repair):
    perform(repair, "approve", people.reviewer)
    client.logout()
    html = client.get(reverse("public:board")).content.decode()
    assert "危房改造" in html and "村内公示" in html
    assert "赵铁柱" in html and "D级" in html  # its own board line


def test_it_has_a_table_on_the_dashboard(client, people, repair):
    html = page(client, people.office, reverse("admin:dashboard"))
    assert "危房改造" in html and "乡镇审核" in html


def test_it_adds_its_own_panel_to_the_dashboard(client, county, people, repair):
    outside = RoleAssignmentFactory(role="village_committee", region=county.other_village).user
    HOUSE_REPAIR.factory(county.other_village, outside)  # outside the county: not counted
    html = page(client, people.office, reverse("admin:dashboard"))
    assert 'id="repairs"' in html and "已申请补助合计：20000元" in html


def test_it_has_a_ledger_of_its_columns(client, county, people, repair):
    html = page(client, people.office, reverse("admin:ledgers"))
    assert 'formaction="/admin/ledgers/repairs.xlsx"' in html and "下载危房改造台账" in html
    client.force_login(people.office)
    response = client.get("/admin/ledgers/repairs.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue()))["危房改造"]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:7] == [
        "县",
        "乡镇",
        "村",
        "户主姓名",
        "危房等级",
        "补助金额（元）",
        "当前状态",
    ]
    assert table[1][:7] == ["城关区", "东岗镇", "一村", "赵铁柱", "D级", 20000, "乡镇审核"]


def test_the_inspector_knows_its_trail(client, people, repair):
    html = page(client, people.auditor, reverse("admin:inspector"), workflow="house_repair")
    assert '<option value="house_repair" selected>危房改造</option>' in html
    assert "提交" in html and "乡镇审核" in html  # its actions and states by their labels
    assert AuditEntry.objects.filter(workflow="house_repair").count() == 2


def test_its_diagram_is_drawn(tmp_path):
    docs = tmp_path / "procedures.md"
    docs.write_text("# Procedures\n", encoding="utf-8")
    call_command("update_diagrams", file=docs, stdout=io.StringIO())
    text = docs.read_text(encoding="utf-8")
    assert "<!-- diagram:house_repair " in text
    assert "    township_review --> notice: 审核通过（乡镇审核人）" in text


def test_the_access_matrix_covers_its_urls(db):
    names = {n for n in site_urls() if n.startswith("house_repair_repaircase_")}
    assert {f"house_repair_repaircase_{v}" for v in ("changelist", "add", "change", "act")} <= names
    assert "ledger_repairs" in site_urls()
    assert expected("house_repair_repaircase_add", "village_committee", True) == 200
    assert expected("house_repair_repaircase_add", "township_reviewer", True) == 403


def test_seed_demo_seeds_it(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert RepairCase.objects.filter(region__in=Region.objects.all()).count() == 1
