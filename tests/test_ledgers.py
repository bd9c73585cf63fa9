"""台账: the household and project ledgers as Excel workbooks, limited to the jurisdiction, with no
full ID number in them and a fixed number of queries however many rows there are."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    ProjectApplicationFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from workflows.household.models import Member
from workflows.project_library.demo import advance

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOUSEHOLD_HEADERS = [
    "县", "乡镇", "村", "户编号", "户主姓名", "家庭人口", "贫困户属性", "主要致贫原因",
    "建档立卡状态", "识别年度", "脱贫年度", "帮扶责任人", "联系电话",
]  # fmt: skip
MEMBER_HEADERS = [
    "县", "乡镇", "村", "户编号", "户主姓名", "姓名", "与户主关系", "性别", "出生日期",
    "身份证号码",
]  # fmt: skip
PROJECT_HEADERS = [
    "县", "乡镇", "村", "项目名称", "项目类别", "建设性质", "建设地点", "计划开工时间",
    "计划完工时间", "责任单位", "总投资（万元）", "中央资金", "省级资金", "市级资金", "县级资金",
    "自筹资金", "其他资金", "受益户数", "其中贫困户数", "受益人数", "当前状态", "进入当前状态时间",
]  # fmt: skip


def download(client, user, name, **params):
    client.force_login(user)
    response = client.get(f"/admin/ledgers/{name}.xlsx", params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return response


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def every_value(book):
    return [str(v) for sheet in book.worksheets for row in rows(sheet) for v in row if v]


def home(village, size=3, **fields):
    household = HouseholdFactory(region=village, **fields)
    MemberFactory(household=household, relation="head", name=household.head_name)
    MemberFactory.create_batch(size - 1, household=household, relation="child")
    return household


@pytest.fixture
def homes(county, people):
    helper = UserFactory(username="helper", first_name="明", last_name="李")
    return {
        "v11": home(county.v11, helper=helper, register_status="registered", head_name="王福"),
        "v12": home(county.v12, size=2, head_name="赵安"),
        "v21": home(county.v21, size=4, head_name="孙平"),
        "outside": home(county.other_village, head_name="外户"),
    }


def test_the_household_ledger_of_a_county(client, county, people, homes):
    response = download(client, people.sector, "households")
    book = workbook(response)
    assert book.sheetnames == ["农户", "家庭成员"]
    households = rows(book["农户"])
    assert households[0] == HOUSEHOLD_HEADERS
    by_head = {row[4]: row for row in households[1:]}
    assert set(by_head) == {"王福", "赵安", "孙平"}
    assert by_head["王福"] == [
        "城关区", "东岗镇", "一村", homes["v11"].number, "王福", 3, "一般贫困户", "因病",
        "未脱贫", None, None, "李明", "13900001234",
    ]  # fmt: skip
    assert by_head["孙平"][:3] == ["城关区", "西湖镇", "三村"] and by_head["孙平"][5] == 4
    members = rows(book["家庭成员"])
    assert members[0] == MEMBER_HEADERS
    assert len(members) == 1 + 3 + 2 + 4
    head = next(row for row in members[1:] if row[5] == "王福")
    member = homes["v11"].members.get(relation="head")
    born = datetime.datetime.combine(member.birth_date, datetime.time())
    assert head[6:9] == ["户主", member.get_sex_display(), born]
    assert head[9] == member.masked_id_number and "*" in head[9]


def test_no_full_id_number_anywhere_in_the_workbook(client, county, people, homes):
    book = workbook(download(client, people.sector, "households"))
    values = every_value(book)
    for number in Member.objects.values_list("id_number", flat=True):
        assert not any(number in value for value in values)
        assert not any(number[6:14] + number[-4:] in value for value in values)


def test_the_download_is_named_after_the_region_and_the_day(client, county, people, homes):
    response = download(client, people.reviewer, "households")
    name = f"农户台账-东岗镇-{timezone.localdate():%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    response = download(client, people.sector, "projects", region=county.v21.code)
    name = f"项目台账-三村-{timezone.localdate():%Y%m%d}.xlsx"
    assert quote(name) in response["Content-Disposition"]


def test_a_township_sees_its_villages_with_the_county_named(client, county, people, homes):
    households = rows(workbook(download(client, people.reviewer, "households"))["农户"])
    assert [row[:5] for row in households[1:]] == [
        ["城关区", "东岗镇", "一村", homes["v11"].number, "王福"],
        ["城关区", "东岗镇", "二村", homes["v12"].number, "赵安"],
    ]


def test_narrowing_to_a_village(client, county, people, homes):
    book = workbook(download(client, people.sector, "households", region=county.v21.code))
    assert [row[4] for row in rows(book["农户"])[1:]] == ["孙平"]
    assert {row[4] for row in rows(book["家庭成员"])[1:]} == {"孙平"}


@pytest.mark.parametrize("name", ["households", "projects"])
@pytest.mark.parametrize(
    "who, where", [("sector", "other_village"), ("reviewer", "t2"), ("reviewer", "county")]
)
def test_a_region_outside_the_jurisdiction_is_not_found(client, county, people, name, who, where):
    client.force_login(getattr(people, who))
    response = client.get(f"/admin/ledgers/{name}.xlsx", {"region": getattr(county, where).code})
    assert response.status_code == 404


@pytest.fixture
def projects(county, people):
    made = {
        "plain": ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="道路"),
        "reviewed": advance(
            ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="水窖"),
            people,
            "township_review",
        ),
    }
    cadre21 = RoleAssignmentFactory(role="village_committee", region=county.v21).user
    made["v21"] = ProjectApplicationFactory(region=county.v21, creator=cadre21, name="大棚")
    outsider = RoleAssignmentFactory(role="village_committee", region=county.other_village).user
    made["outside"] = ProjectApplicationFactory(
        region=county.other_village, creator=outsider, name="外村项目"
    )
    return made


def test_the_project_ledger(client, county, people, projects):
    sheet = workbook(download(client, people.sector, "projects"))["项目"]
    table = rows(sheet)
    assert table[0] == PROJECT_HEADERS
    by_name = {row[3]: row for row in table[1:]}
    assert set(by_name) == {"道路", "水窖", "大棚"}
    reviewed = projects["reviewed"]
    row = by_name["水窖"]
    assert row[:3] == ["城关区", "东岗镇", "一村"]
    assert row[4:7] == [reviewed.get_category_display(), "新建", "一组至三组"]
    assert row[7] == datetime.datetime(2025, 4, 1)
    assert row[10:17] == [120, 80, 30, 0, 10, 0, 0]
    assert row[17:20] == [120, 35, 480]
    assert row[20] == "乡镇审核"
    since = timezone.localtime(reviewed.state_since).replace(tzinfo=None)
    assert abs(row[21] - since) < datetime.timedelta(seconds=1)
    assert by_name["道路"][20] == "草稿"


def test_a_village_cadre_exports_only_the_village(client, county, people, projects):
    table = rows(workbook(download(client, people.cadre, "projects"))["项目"])
    assert sorted(row[3] for row in table[1:]) == ["水窖", "道路"]


def test_the_number_of_queries_does_not_grow_with_rows(client, county, people, homes, projects):
    client.force_login(people.sector)
    client.get("/admin/ledgers/households.xlsx")  # content types and the like, cached

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/admin/ledgers/{name}.xlsx")
            assert response.status_code == 200
            response.getvalue()
        return len(captured)

    few = queries("households"), queries("projects")
    for village in (county.v11, county.v12, county.v21):
        cadre = RoleAssignmentFactory(role="village_committee", region=village).user
        for _ in range(8):
            home(village, size=5)
        for _ in range(5):
            ProjectApplicationFactory(region=village, creator=cadre, targets=0)
    many = queries("households"), queries("projects")
    assert many == few
    assert len(rows(workbook(client.get("/admin/ledgers/households.xlsx"))["家庭成员"])) > 120


def test_the_ledgers_page_offers_both_downloads_and_regions_in_scope(client, county, people):
    client.force_login(people.reviewer)
    response = client.get("/admin/ledgers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'formaction="/admin/ledgers/households.xlsx"' in html
    assert 'formaction="/admin/ledgers/projects.xlsx"' in html
    codes = [code for code, _name in response.context["regions"]]
    assert codes == [county.t1.code, county.v11.code, county.v12.code]
    client.force_login(people.sector)
    codes = [code for code, _name in client.get("/admin/ledgers/").context["regions"]]
    assert county.county.code in codes and county.v21.code in codes
    assert county.other_village.code not in codes and county.other_county.code not in codes
