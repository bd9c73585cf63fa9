"""Importing a campaign's problem list from Excel: reading, the dry run's report, the import."""

import datetime
import io
import zipfile

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from approvals.exceptions import Reason, TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import RoleAssignmentFactory, UnitFactory, child_region
from tests.rectification_setup import county_with_units
from workflows import spreadsheets
from workflows.rectification import importing, importing_workbooks, process
from workflows.rectification.choices import Tier
from workflows.rectification.models import Problem

UNREADABLE_DEADLINE = (
    "无法识别整改时限：请填写日期（如2020年4月30日、2020-04-30）、"
    "“30个工作日”、“立行立改”或“长期坚持”"
)
HEADERS = [
    "序号",
    "问题方面",
    "具体问题",
    "整改措施",
    "牵头单位",
    "责任单位",
    "整改时限",
    "整改要求",
]


def row(number=1, area="责任落实", description="责任落实不到位", lead="县卫健局", **more):
    """A data row in HEADERS' order."""
    return [
        number,
        area,
        description,
        more.get("measures", "建立责任清单"),
        lead,
        more.get("units", "县教育局、城关镇人民政府"),
        more.get("deadline", "2020年4月30日"),
        more.get("requirement", "逐项销号"),
    ]


def xlsx(*rows, headers=HEADERS, before=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in before:
        sheet.append(line)
    sheet.append(headers)
    for line in rows:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def setup(db):
    """The shared county with its units and campaign; a unit of another county; someone of a
    department (not of the office)."""
    built = county_with_units()
    built.clerk = built.office_clerk
    built.lead = built.health
    neighbour = child_region(built.county.parent, 23, "临洮县")
    built.elsewhere = UnitFactory(name="临洮县住建局", region=neighbour)
    built.outsider = built.person(built.education)
    return built


def dry_run(setup, content, actor=None):
    return importing.check(setup.campaign, content, actor=actor or setup.clerk)


def errors(report):
    return [(e.row, e.column, e.value, e.reason) for e in report.errors]


# Headers


def test_headers_are_found_whatever_their_width_spacing_order_and_extra_columns(setup):
    headers = ["备注", "整改时限 ", "责任单位", "牵 头 单 位", "具体问题", "问题方面", "序\u3000号"]
    content = xlsx(
        ["说明", "30个工作日", "县教育局", "县卫健局", "控辍保学不到位", "教育保障", "１"],
        headers=headers,
        before=[["城关区中央巡视反馈问题整改清单"]],
    )
    report = dry_run(setup, content)
    assert errors(report) == []
    (problem,) = report.new
    assert (problem.row, problem.number, problem.area) == (3, 1, "教育保障")
    assert problem.description == "控辍保学不到位"
    assert problem.units == [setup.education]
    assert (problem.tier, problem.deadline_working_days) == (Tier.BY_DATE, 30)
    assert problem.measures == problem.requirement == ""


def test_full_width_header_names_match():
    assert importing.normalise("ＡＢ\u3000整改 时限\t") == "AB整改时限"


def test_a_missing_required_column_is_one_message(setup):
    content = xlsx(["1", "责任落实", "不到位"], headers=["序号", "问题方面", "具体问题"])
    report = dry_run(setup, content)
    assert errors(report) == [(1, "", "", "缺少必填列：牵头单位、责任单位、整改时限")]
    assert report.new == []


def test_a_sheet_without_any_header_is_refused(setup):
    report = dry_run(setup, xlsx(["a", "b"], headers=["甲", "乙"]))
    assert errors(report) == [
        (
            None,
            "",
            "",
            "找不到表头：表头行应包含列序号、问题方面、具体问题、牵头单位、责任单位、整改时限",
        )
    ]


# Row errors, each with its row, column, value and reason


@pytest.mark.parametrize(
    ("cells", "column", "value", "reason"),
    [
        (
            {"units": "县教育局、县民政局"},
            "责任单位",
            "县教育局、县民政局",
            "本县没有名为“县民政局”的单位",
        ),
        ({"units": "临洮县住建局"}, "责任单位", "临洮县住建局", "本县没有名为“临洮县住建局”的单位"),
        ({"units": ""}, "责任单位", "", "请填写至少一个责任单位"),
        ({"lead": ""}, "牵头单位", "", "请填写牵头单位"),
        (
            {"lead": "县教育局、城关镇人民政府"},
            "牵头单位",
            "县教育局、城关镇人民政府",
            "牵头单位只能填写一个",
        ),
        ({"description": ""}, "具体问题", "", "此字段不能为空。"),
        (
            {"area": "方" * 101},
            "问题方面",
            "方" * 101,
            "确保该变量包含不超过 100 字符 (目前字符数 101)。",
        ),
        ({"number": ""}, "序号", "", "序号不能为空"),
        ({"number": "第一"}, "序号", "第一", "序号必须是正整数"),
        ({"deadline": "尽快"}, "整改时限", "尽快", UNREADABLE_DEADLINE),
        ({"deadline": "2020年2月30日"}, "整改时限", "2020年2月30日", "日期“2020年2月30日”不存在"),
        ({"deadline": ""}, "整改时限", "", "整改时限不能为空"),
        ({"deadline": "0个工作日"}, "整改时限", "0个工作日", "工作日天数必须大于0"),
    ],
)
def test_each_bad_cell_is_an_error_of_its_row_and_column(setup, cells, column, value, reason):
    content = xlsx(row(1), row(**{"number": 2, **cells}), row(3))
    report = dry_run(setup, content)
    assert errors(report) == [(3, column, value, reason)]
    assert report.rows_with_errors == [3]
    assert [r.number for r in report.new] == [1, 3]


def test_a_number_twice_in_the_file_is_an_error_of_the_second(setup):
    report = dry_run(setup, xlsx(row(1), row(2), row(1, description="另一个问题")))
    assert errors(report) == [(4, "序号", "1", "序号与第2行重复")]


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(setup):
    report = dry_run(setup, xlsx(row(1), [None] * 8, row(2, units="县民政局")))
    assert [(e.row, e.column) for e in report.errors] == [(4, "责任单位")]


def test_an_area_merged_over_rows_applies_to_each(setup):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row(1, area="产业扶贫"))
    sheet.append(row(2, area=None))
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    workbook.save(out)
    report = dry_run(setup, out.getvalue())
    assert [(r.number, r.area) for r in report.new] == [(1, "产业扶贫"), (2, "产业扶贫")]


def test_units_are_separated_by_any_of_the_usual_marks_and_matched_by_normalised_name(setup):
    report = dry_run(setup, xlsx(row(1, units="县教育局，城关镇人民政府；县卫健局, 县 教育局")))
    assert errors(report) == []
    assert report.new[0].units == [setup.education, setup.township, setup.lead]


# Deadlines


@pytest.mark.parametrize(
    ("cell", "tier", "deadline", "days"),
    [
        (datetime.datetime(2020, 4, 30), Tier.BY_DATE, datetime.date(2020, 4, 30), None),
        ("2020年4月30日", Tier.BY_DATE, datetime.date(2020, 4, 30), None),
        ("2020年4月30日前", Tier.BY_DATE, datetime.date(2020, 4, 30), None),
        ("2020-04-30", Tier.BY_DATE, datetime.date(2020, 4, 30), None),
        ("２０２０．４．３０", Tier.BY_DATE, datetime.date(2020, 4, 30), None),
        ("2020/6/1", Tier.BY_DATE, datetime.date(2020, 6, 1), None),
        ("2020年6月底前", Tier.BY_DATE, datetime.date(2020, 6, 30), None),
        ("30个工作日", Tier.BY_DATE, None, 30),
        ("15 个工作日内", Tier.BY_DATE, None, 15),
        ("立行立改", Tier.IMMEDIATE, None, None),
        (" 长期坚持 ", Tier.LONG_TERM, None, None),
    ],
)
def test_deadline_formats(setup, cell, tier, deadline, days):
    report = dry_run(setup, xlsx(row(1, deadline=cell)))
    assert errors(report) == []
    problem = report.new[0]
    assert (problem.tier, problem.deadline, problem.deadline_working_days) == (tier, deadline, days)


# Files that are no problem list


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "上传的文件是空的"),
        (b"PK\x03\x04 not really a zip", "无法读取该文件，请上传Excel（.xlsx）或CSV文件"),
        (b"%PDF-1.4\x00\x01binary", "无法读取该文件，请上传Excel（.xlsx）或CSV文件"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
            "这是旧版Excel文件（.xls），请在Excel中另存为.xlsx后再导入",
        ),
        (xlsx(headers=[]), "表格中没有内容"),
        (b"x" * (spreadsheets.MAX_BYTES + 1), "文件超过5 MB，请分成几个文件导入"),
    ],
)
def test_a_file_that_is_no_problem_list_is_one_clear_message(setup, content, reason):
    report = dry_run(setup, content)
    assert errors(report) == [(None, "", "", reason)]


def test_a_workbook_that_would_unpack_too_large_is_refused_unread(setup):
    out = io.BytesIO(xlsx(row(1)))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (spreadsheets.MAX_UNPACKED_BYTES + 1))
    report = dry_run(setup, out.getvalue())
    assert errors(report) == [(None, "", "", "文件内容过大，请分成几个文件导入")]


def test_a_sheet_with_too_many_rows_is_refused(setup, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)
    assert errors(dry_run(setup, xlsx(row(1), row(2)))) == []
    report = dry_run(setup, xlsx(row(1), row(2), row(3)))
    assert errors(report) == [(None, "", "", "表格超过2行，请分成几个文件导入")]


def test_reasons_are_english_for_a_person_reading_english(setup):
    with translation.override("en"):
        report = dry_run(setup, xlsx(row(1, units="县民政局")))
    assert errors(report) == [
        (2, "责任单位", "县民政局", "The county has no unit named “县民政局”")
    ]


def test_a_csv_in_gb18030_is_read_like_a_workbook(setup):
    lines = [",".join(HEADERS), '1,责任落实,不到位,,县卫健局,"县教育局,城关镇人民政府",立行立改,']
    report = dry_run(setup, "\n".join(lines).encode("gb18030"))
    assert errors(report) == []
    assert report.new[0].units == [setup.education, setup.township]


def test_only_the_campaigns_office_may_import(setup):
    report = dry_run(setup, xlsx(row(1)), actor=setup.outsider)
    assert errors(report) == [(None, "", "", "只有本整改任务整改办的人员可以导入问题清单")]


def test_the_error_workbook_marks_bad_cells_and_explains_each_row(setup):
    report = dry_run(setup, xlsx(row(1), row(2, units="县民政局", deadline="尽快")))
    out = io.BytesIO()
    importing_workbooks.error_workbook(report).save(out)
    sheet = load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[1]] == [*HEADERS, "错误说明"]
    assert sheet["F3"].fill.fgColor.rgb == "00FFC7CE"
    assert "本县没有名为“县民政局”的单位" in sheet["F3"].comment.text
    assert sheet["G3"].fill.fgColor.rgb == "00FFC7CE"
    assert sheet["E3"].fill.fgColor.rgb != "00FFC7CE"
    assert sheet["I3"].value.startswith("责任单位：本县没有名为“县民政局”的单位；整改时限：")
    assert sheet["I2"].value is None


def test_the_error_workbook_lists_faults_of_the_header_row_on_its_second_sheet(setup):
    report = dry_run(setup, "序号,问题方面\n1,=1+1\n".encode())
    workbook = importing_workbooks.error_workbook(report)
    out = io.BytesIO()
    workbook.save(out)
    sheet, listed = load_workbook(out).worksheets
    assert [c.value for c in sheet[1]] == ["序号", "问题方面", "错误说明"]
    assert sheet["B2"].value == "'=1+1"
    assert [c.value for c in listed[2]] == [
        1,
        None,
        None,
        "缺少必填列：具体问题、牵头单位、责任单位、整改时限",
    ]


# Importing for real


def test_a_dry_run_writes_nothing(setup):
    report = dry_run(setup, xlsx(row(1), row(2)))
    assert [r.number for r in report.new] == [1, 2]
    assert not setup.campaign.problems.exists()


def imported(setup, content, actor=None):
    return importing.import_problems(setup.campaign, content, actor=actor or setup.clerk)


def test_the_import_opens_each_problem_with_its_units_through_the_service(setup):
    content = xlsx(
        row(1, units="县教育局、城关镇人民政府"),
        row(2, deadline="立行立改", units="城关镇人民政府"),
    )
    report = imported(setup, content)
    assert errors(report) == []
    first, second = setup.campaign.problems.order_by("number")
    assert [p.number for p in report.imported] == [1, 2]
    assert first.lead_unit == setup.lead
    assert set(first.units.all()) == {setup.education, setup.township}
    assert (first.tier, first.deadline, first.measures) == (
        Tier.BY_DATE,
        datetime.date(2020, 4, 30),
        "建立责任清单",
    )
    assert (second.tier, second.deadline, list(second.units.all())) == (
        Tier.IMMEDIATE,
        None,
        [setup.township],
    )
    assert first.audit_entries.filter(actor=setup.clerk).exists()
    assert second.audit_entries.filter(actor=setup.clerk).exists()


def test_importing_the_same_file_again_adds_nothing(setup):
    content = xlsx(row(1), row(2))
    imported(setup, content)
    again = imported(setup, content)
    assert errors(again) == []
    assert (again.imported, [r.number for r in again.unchanged]) == ([], [1, 2])
    assert setup.campaign.problems.count() == 2


def test_text_is_compared_as_the_service_keeps_it(setup):
    content = xlsx(row(1, description=" 第１批ＡＢ户\r\n未落实 ", area="\u3000责任落实 "))
    imported(setup, content)
    problem = setup.campaign.problems.get()
    assert (problem.description, problem.area) == ("第1批AB户\n未落实", "责任落实")
    again = imported(setup, content)
    assert (errors(again), len(again.unchanged)) == ([], 1)


def test_a_file_adding_rows_imports_only_the_new_ones(setup):
    imported(setup, xlsx(row(1)))
    report = imported(setup, xlsx(row(1), row(2)))
    assert ([p.number for p in report.imported], [r.number for r in report.unchanged]) == ([2], [1])


def test_a_changed_row_already_imported_is_an_error_and_nothing_is_imported(setup):
    imported(setup, xlsx(row(1)))
    report = imported(setup, xlsx(row(1, description="改过的问题", units="县教育局"), row(2)))
    assert errors(report) == [
        (
            2,
            "序号",
            "1",
            "序号1的问题已在本整改任务中，但具体问题、责任单位与表中不同；问题导入后请到该问题的页面修改",
        )
    ]
    assert list(setup.campaign.problems.values_list("number", "description")) == [
        (1, "责任落实不到位")
    ]


def test_a_file_with_one_bad_row_imports_nothing(setup):
    report = imported(setup, xlsx(row(1), row(2), row(3, units="县民政局")))
    assert report.rows_with_errors == [4]
    assert report.imported == []
    assert not setup.campaign.problems.exists()


def test_the_dry_run_reports_whatever_the_service_would_refuse(setup, monkeypatch):
    """A rule of the service's that the sheet's reading does not know of still stops the row."""
    check_problem = process.check_problem

    def refusing_immediate(campaign, **fields):
        if fields["tier"] == Tier.IMMEDIATE:
            return [Reason("rule", "立行立改的问题须当场交办")]
        return check_problem(campaign, **fields)

    monkeypatch.setattr(process, "check_problem", refusing_immediate)
    report = dry_run(setup, xlsx(row(1), row(2, deadline="立行立改")))
    assert errors(report) == [(3, "", "", "立行立改的问题须当场交办")]
    assert [r.number for r in report.new] == [1]


def test_a_row_the_service_refuses_undoes_the_rows_opened_before_it(setup, monkeypatch):
    """The service refuses what the dry run passed only when something changed in between (a
    role revoked at that moment, say): the rows already opened are undone with it."""
    open_problem = process.open_problem

    def refusing_the_second(campaign, **fields):
        if fields["number"] == 2:
            raise TransitionNotAllowed(["您不是“县整改办”的人员，不能办理此事项"])
        return open_problem(campaign, **fields)

    monkeypatch.setattr(process, "open_problem", refusing_the_second)
    report = imported(setup, xlsx(row(1), row(2), row(3)))
    assert errors(report) == [(3, "", "", "您不是“县整改办”的人员，不能办理此事项")]
    assert report.imported == []
    assert not setup.campaign.problems.exists()
    assert not AuditEntry.objects.filter(workflow=Problem.chain_name()).exists()


def test_someone_outside_the_office_imports_nothing(setup):
    report = imported(setup, xlsx(row(1)), actor=setup.outsider)
    assert errors(report) == [(None, "", "", "只有本整改任务整改办的人员可以导入问题清单")]
    assert not setup.campaign.problems.exists()


# The command


def command(setup, tmp_path, content, *args, user=None):
    path = tmp_path / "问题清单.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    call = ["import_problems", "--campaign", str(setup.campaign.pk), str(path), *args]
    call += ["--user", user or setup.clerk.username]
    try:
        call_command(*call, stdout=out)
    except CommandError as error:
        # manage.py exits with this status.
        return out.getvalue(), (error.returncode, str(error))
    return out.getvalue(), None


def test_the_command_reports_each_error_in_chinese_and_fails(setup, tmp_path):
    out, failure = command(setup, tmp_path, xlsx(row(1), row(2, units="县民政局")), "--dry-run")
    assert "第3行\t责任单位\t“县民政局”\t本县没有名为“县民政局”的单位" in out.splitlines()
    assert "可导入1行，已导入且未变化0行，有错误1行" in out
    assert failure == (1, "文件有错误，没有导入任何问题")
    assert not setup.campaign.problems.exists()


def test_the_command_imports_without_dry_run(setup, tmp_path):
    out, failure = command(setup, tmp_path, xlsx(row(1), row(2)))
    assert failure is None
    assert out.splitlines()[-1] == "已导入2个问题"
    assert setup.campaign.problems.count() == 2
    out, failure = command(setup, tmp_path, xlsx(row(1), row(2)))
    assert "可导入0行，已导入且未变化2行，有错误0行" in out
    assert setup.campaign.problems.count() == 2


def test_the_command_dry_run_writes_nothing(setup, tmp_path):
    out, failure = command(setup, tmp_path, xlsx(row(1)), "--dry-run")
    assert (failure, out.splitlines()[-1]) == (None, "试导入完成，没有写入任何数据")
    assert not setup.campaign.problems.exists()


def test_the_command_acts_as_a_member_of_the_office(setup, tmp_path):
    out, failure = command(setup, tmp_path, xlsx(row(1)), user=setup.outsider.username)
    assert "文件\t只有本整改任务整改办的人员可以导入问题清单" in out
    assert failure[0] == 1
    _, failure = command(setup, tmp_path, xlsx(row(1)), user="nobody")
    assert failure == (1, "没有用户名为“nobody”的用户")
    assert not setup.campaign.problems.exists()


# The page


UPLOAD = "/admin/rectification/campaign/import/"


def upload(client, setup, content, name="问题清单.xlsx"):
    file = SimpleUploadedFile(name, content)
    return client.post(UPLOAD, {"campaign": setup.campaign.pk, "file": file})


def test_the_page_flow_upload_report_confirm_done(client, setup):
    client.force_login(setup.clerk)
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert "中央巡视反馈问题整改" in page.text
    report = upload(client, setup, xlsx(row(1), row(2, deadline="2020年6月底前")))
    assert report.status_code == 200
    assert "可导入2行，已导入且未变化0行，有错误0行" in report.text
    assert "2020-06-30" in report.text
    assert not setup.campaign.problems.exists()
    sha256 = report.context["report"].sha256
    assert f'name="sha256" value="{sha256}"' in report.text
    done = client.post(f"{UPLOAD}confirm/", {"sha256": sha256})
    assert done.status_code == 200
    assert "已向“中央巡视反馈问题整改”导入2个问题，0个已有的问题未变化。" in done.text
    assert setup.campaign.problems.count() == 2
    again = client.post(f"{UPLOAD}confirm/", {"sha256": sha256})
    assert again.status_code == 302
    assert setup.campaign.problems.count() == 2


def test_the_page_reports_errors_and_offers_no_confirmation(client, setup):
    client.force_login(setup.clerk)
    report = upload(client, setup, xlsx(row(1), row(2, units="县民政局")))
    assert "有错误1行" in report.text
    table = report.text[report.text.index('id="import-errors"') :]
    cells = "<td>3</td><td>责任单位</td><td>县民政局</td><td>本县没有名为“县民政局”的单位</td>"
    assert cells in table
    assert 'name="sha256"' not in report.text
    sha256 = report.context["report"].sha256
    client.post(f"{UPLOAD}confirm/", {"sha256": sha256})
    assert not setup.campaign.problems.exists()
    workbook = client.get(f"{UPLOAD}errors/{sha256}.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert sheet["F3"].fill.fgColor.rgb == "00FFC7CE"
    assert sheet["I1"].value == "错误说明"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\x00binary", "无法读取该文件，请上传Excel（.xlsx）或CSV文件"),
        (xlsx(headers=[]), "表格中没有内容"),
        # Django's own message for an empty upload, in the site's language (the Chinese wording
        # depends on which installed app's catalogue provides it).
        (b"", forms.FileField.default_error_messages["empty"]),
        (b"x" * (spreadsheets.MAX_BYTES + 1), "文件超过5 MB，请分成几个文件导入"),
    ],
)
def test_a_bad_file_is_a_message_never_a_500(client, setup, content, message):
    client.force_login(setup.clerk)
    page = upload(client, setup, content, name="清单.pdf")
    assert page.status_code == 200
    with translation.override("zh-hans"):
        assert str(message) in page.text
    assert not setup.campaign.problems.exists()


def test_a_file_refused_on_arrival_is_a_message(client, setup, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(setup.clerk)
    page = upload(client, setup, b"x" * 4096)
    assert page.status_code == 200
    assert "文件超过5 MB，请分成几个文件导入" in page.text


def test_someone_not_of_the_office_is_offered_no_campaign_and_cannot_confirm(client, setup):
    client.force_login(setup.clerk)
    sha256 = upload(client, setup, xlsx(row(1))).context["report"].sha256
    client.force_login(setup.outsider)
    page = client.get(UPLOAD)
    assert "您不是任何整改任务的整改办人员，不能导入问题清单。" in page.text
    refused = upload(client, setup, xlsx(row(1)))
    assert "您不是任何整改任务的整改办人员，不能导入问题清单。" in refused.text
    assert "rectification_import" not in client.session
    assert client.post(f"{UPLOAD}confirm/", {"sha256": sha256}).status_code == 302
    assert client.get(f"{UPLOAD}errors/{sha256}.xlsx").status_code == 302
    assert not setup.campaign.problems.exists()


def test_a_person_who_left_the_office_since_the_dry_run_is_refused(client, setup):
    client.force_login(setup.clerk)
    sha256 = upload(client, setup, xlsx(row(1))).context["report"].sha256
    setup.clerk.role_assignments.update(valid_to=datetime.date(2020, 1, 2))
    RoleAssignmentFactory(user=setup.clerk, role="county_office", region=setup.county)
    assert client.post(f"{UPLOAD}confirm/", {"sha256": sha256}).status_code == 403
    assert not setup.campaign.problems.exists()


def test_a_kept_file_changed_after_the_dry_run_is_not_imported(client, setup):
    client.force_login(setup.clerk)
    sha256 = upload(client, setup, xlsx(row(1))).context["report"].sha256
    kept = client.session["rectification_import"]["path"]
    with default_storage.open(kept, "wb") as file:
        file.write(xlsx(row(1), row(2)))
    assert client.post(f"{UPLOAD}confirm/", {"sha256": sha256}).status_code == 302
    assert not setup.campaign.problems.exists()


def test_the_page_needs_a_signed_in_person_and_a_csrf_token(setup):
    anonymous = Client()
    assert anonymous.get(UPLOAD).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(setup.clerk)
    file = SimpleUploadedFile("a.xlsx", xlsx(row(1)))
    posted = strict.post(UPLOAD, {"campaign": setup.campaign.pk, "file": file})
    assert posted.status_code == 403


def test_the_template_has_the_headers_an_example_and_notes(client, setup):
    client.force_login(setup.clerk)
    response = client.get(f"{UPLOAD}template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, notes = workbook.worksheets
    assert [c.value for c in sheet[1]] == HEADERS
    assert [c.value for c in sheet[2]][6] == "2020年4月30日"
    assert [r[0] for r in notes.iter_rows(min_row=2, max_row=9, values_only=True)] == HEADERS
    assert "30个工作日" in notes["B8"].value


def test_the_template_filled_in_imports(setup):
    workbook = importing_workbooks.template()
    out = io.BytesIO()
    workbook.save(out)
    report = dry_run(setup, out.getvalue())
    assert errors(report) == []
    assert [r.number for r in report.new] == [1]


def test_a_refusal_during_the_import_stays_in_the_security_log_after_the_rollback(
    setup, monkeypatch
):
    """The office clerk's role ends while the import runs (after the check): the service refuses
    the second row, everything is undone, and the refusal is still logged."""
    open_problem = process.open_problem

    def role_ending_at_the_second(campaign, **fields):
        if fields["number"] == 2:
            yesterday = datetime.date.today() - datetime.timedelta(days=1)
            setup.clerk.role_assignments.update(valid_to=yesterday)
        return open_problem(campaign, **fields)

    monkeypatch.setattr(process, "open_problem", role_ending_at_the_second)
    report = imported(setup, xlsx(row(1), row(2)))
    assert errors(report) == [(3, "", "", "您不是“县整改办”的人员，不能办理此事项")]
    assert not setup.campaign.problems.exists()
    assert setup.clerk.role_assignments.get().valid_to is None  # undone with the rest
    denial = SecurityEvent.objects.get()
    assert (denial.user, denial.action, denial.workflow) == (
        setup.clerk,
        "opened",
        "rectification.problem",
    )
    assert denial.region_id == setup.county.pk
