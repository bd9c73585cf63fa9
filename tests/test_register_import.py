"""Importing the household register and the project library from the files counties keep."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from approvals.audit import verify_record
from approvals.models import AuditEntry
from tests.helpers import race, run_worker
from tests.register_files import (
    ending_in_x,
    errors,
    import_now,
    person_id,
    red_cells,
    sheet,
    trail,
    upload,
    xlsx,
)
from workflows.household import idnumber
from workflows.household.models import ExitCase, Household, IdentificationCase, Member
from workflows.project_library.models import ProjectApplication
from workflows.registers import households, jobs, sheets, workbooks
from workflows.registers.models import ImportJob
from workflows.spreadsheets import marked_workbook

pytestmark = pytest.mark.django_db


def test_a_register_enters_households_and_their_cases_with_one_import_entry(county, people):
    rows = workbooks.sample_households([county.v11, county.v12], 3)
    content = xlsx("households", rows)
    plan = import_now("households", content, people.office)
    assert errors(plan) == []
    assert Household.objects.count() == 3 and Member.objects.count() == 10
    exited = Household.objects.get(exit_year=2019)
    assert (exited.register_status, exited.region, exited.members.count()) == (
        "exited",
        county.v11,
        4,
    )
    identification = IdentificationCase.objects.get(household=exited)
    exit_case = ExitCase.objects.get(household=exited)
    assert (identification.state, identification.year, exit_case.state) == (
        "registered",
        2016,
        "exited",
    )
    for record, state in ((exited, ""), (identification, "registered"), (exit_case, "exited")):
        assert trail(record) == [("import", state)]
        entry = AuditEntry.objects.for_object(record).get()
        assert entry.data["source"] == {
            "sha256": sheets.sha256_of(content),
            "name": "register.xlsx",
        }
        assert (entry.actor, entry.actor_role) == (people.office, "county_office")
        assert verify_record(record) is None
    head = exited.members.get(relation="head")
    assert (head.name, head.ethnicity, exited.phone) == ("户主0", "汉族", "13900000000")


def test_a_messy_register_refuses_the_bad_rows_and_imports_the_rest(county, people):
    full_width = person_id(11).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    wrong_check = person_id(12)[:17] + ("0" if person_id(12)[17] != "0" else "1")
    headers = ["备注", "证件号码 ", "姓名", "户编号", "行政村", "乡镇", "户主姓名", "与户主关系",
               "识别年度", "家庭人口数", "脱贫年度"]  # fmt: skip
    rows = [
        ["", full_width, "张三 ", "H１", "一村", "东岗镇", "张三", "户主", "2016", 2, ""],
        ["", ending_in_x().lower(), "李四", "H1", "一村 ", "东岗镇", "张三", "配偶", 2016, 2, ""],
        ["重复", ending_in_x(), "李四", "H1", "一村", "东岗镇", "张三", "配偶", 2016, 2, ""],
        ["", wrong_check, "王五", "H2", "二村", "东岗镇", "王五", "户主", 2016, 2, ""],
        ["", person_id(13), "王六", "H2", "二村", "东岗镇", "王五", "子女", 2016, 2, ""],
        ["", person_id(14), "赵七", "H3", "三村", "东岗镇", "赵七", "户主", 2017, 1, ""],
        ["", person_id(15), "钱八", "H4", "二村", "东岗镇", "钱八", "户主", 2017, 1, 2020],
    ]
    plan = import_now("households", sheet(headers, rows), people.office)
    assert sorted(errors(plan)) == [
        (5, "证件号码", "与第4行是同一人，重复的行未导入"),
        (6, "证件号码", "身份证号码校验位不正确，请核对后重新输入"),
        (7, "", "本户其他行有错误，整户未导入"),
        (8, "行政村", "乡镇“东岗镇”没有名为“三村”的行政村"),
    ]
    assert sorted(Household.objects.values_list("number", flat=True)) == ["H1", "H4"]
    assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted(
        [person_id(11), ending_in_x(), person_id(15)]
    )
    # The workbook handed back marks the cells: the ID twice and the wrong check digit, the
    # village of another township (rows and columns as Excel numbers them).
    marked = marked_workbook(plan.grid, plan.header_row, plan.errors, "农户台账")
    assert red_cells(marked.worksheets[0]) == {(5, 2), (6, 2), (8, 5)}


def test_the_same_file_again_changes_nothing_and_a_corrected_one_is_an_audited_edit(county, people):
    rows = workbooks.sample_households([county.v11], 2)
    import_now("households", xlsx("households", rows), people.cadre)
    entries = AuditEntry.objects.count()
    again = import_now("households", xlsx("households", rows), people.cadre)
    assert (len(again.new), len(again.changed), len(again.unchanged)) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries
    rows[0]["phone"] = "13812345678"
    rows[1]["name"] = "户主0的配偶"  # a member's name corrected
    corrected = xlsx("households", rows)
    plan = import_now("households", corrected, people.cadre)
    assert (len(plan.changed), len(plan.unchanged), errors(plan)) == (1, 1, [])
    household = Household.objects.get(number=rows[0]["number"])
    assert trail(household) == [("import", ""), ("edit", "")]
    edit = AuditEntry.objects.for_object(household).get(action="edit")
    assert edit.data["source"]["sha256"] == sheets.sha256_of(corrected)
    assert edit.data["changes"] == [{"field": "phone", "old": "13900000000", "new": "13812345678"}]
    (member,) = edit.data["related"]
    assert (member["op"], member["changes"]) == (
        "changed",
        [{"field": "name", "old": "成员0-1", "new": "户主0的配偶"}],
    )
    assert household.members.get(id_number=rows[1]["id_number"]).name == "户主0的配偶"
    assert AuditEntry.objects.count() == entries + 1


def test_members_missing_from_a_later_file_are_reported_per_household_and_kept(
    county, people, client, django_capture_on_commit_callbacks
):
    rows = workbooks.sample_households([county.v11], 2)  # four people, then three
    import_now("households", xlsx("households", rows), people.cadre)
    left = [rows[3], rows[6]]  # one member of each household is not in the later file
    later = [row for row in rows if row not in left]
    for row in later:
        row["size"] -= 1
    entries = AuditEntry.objects.count()
    client.force_login(people.cadre)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, "households", xlsx("households", later))
    run_worker()
    job.refresh_from_db()
    assert (job.errors, job.changed_count, job.unchanged_count) == ([], 0, 2)
    told = "不在本文件中：导入不会删除该成员；如已迁出、去世，请在农户页面删除该成员"
    assert [(n["row"], n["value"], n["reason"]) for n in job.notes] == [
        (
            first_row,
            row["number"],
            f"系统中本户的成员{row['name']}（{idnumber.mask(row['id_number'])}）{told}",
        )
        for first_row, row in zip((2, 5), left, strict=True)
    ]
    page = client.get(reverse("admin:register_import_job", args=[job.pk])).text
    assert "不在本文件中的家庭成员" in page and "成员1-2（" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("admin:register_import_errors", args=[job.pk])).content)
    )
    assert [r[:3] for r in book["提示"].iter_rows(min_row=2, values_only=True)] == [
        (2, "户编号", left[0]["number"]),
        (5, "户编号", left[1]["number"]),
    ]
    import_now("households", xlsx("households", later), people.cadre)
    assert Member.objects.count() == 7 and AuditEntry.objects.count() == entries


def test_a_register_that_says_a_household_exited_is_refused_when_the_system_says_not(
    county, people
):
    rows = workbooks.sample_households([county.v11], 2)[4:]  # the second household, not exited
    import_now("households", xlsx("households", rows), people.cadre)
    for row in rows:
        row["exit_year"] = 2020
    plan = import_now("households", xlsx("households", rows), people.cadre)
    assert errors(plan)[0] == (
        2,
        "识别年度",
        "台账中本户的识别或脱贫情况与系统中不一致，请在系统中办理识别或退出",
    )
    assert not ExitCase.objects.exists()


def test_importers_reach_only_their_own_villages(county, people, client):
    rows = workbooks.sample_households([county.v21], 1)
    plan = sheets.check(households, xlsx("households", rows), people.reviewer)
    assert {e.reason for e in plan.errors if e.column == "行政村"} == {"三村不在您的辖区内"}
    plan = sheets.check(households, xlsx("households", rows), people.cadre)
    assert {e.reason for e in plan.errors if e.column == "行政村"} == {"三村不在您的辖区内"}
    assert plan.new == []
    client.force_login(people.sector)
    assert client.get(reverse("admin:register_import")).status_code == 403
    content = xlsx("households", rows)
    upload = SimpleUploadedFile("register.xlsx", content)
    response = client.post(reverse("admin:register_import"), {"kind": "households", "file": upload})
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_the_page_checks_in_the_background_reports_and_imports_once_confirmed(
    county, people, client, django_capture_on_commit_callbacks
):
    rows = workbooks.sample_households([county.v11], 2)
    rows[0]["id_number"] = rows[0]["id_number"][:17] + "0"  # a wrong check digit, most likely
    client.force_login(people.cadre)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, "households", xlsx("households", rows))
    page = reverse("admin:register_import_job", args=[job.pk])
    assert 'id="import-progress"' in client.get(page).text
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.new_count, job.error_rows) == ("checked", 1, 4)
    assert not Household.objects.exists()
    shown = client.get(page).text
    assert "身份证号码校验位不正确" in shown and "本户其他行有错误，整户未导入" in shown
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("admin:register_import_errors", args=[job.pk])).content)
    )
    assert (2, 7) in red_cells(book.worksheets[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:register_import_confirm", args=[job.pk]))
        client.post(reverse("admin:register_import_confirm", args=[job.pk]))  # pressed twice
    assert (
        client.get(reverse("admin:register_import_status", args=[job.pk])).json()["status"]
        == "importing"
    )
    run_worker()
    status = client.get(reverse("admin:register_import_status", args=[job.pk])).json()
    assert status == {"status": "done", "processed": 1, "total": 1, "percent": 100, "error_rows": 4}
    assert Household.objects.count() == 1
    client.force_login(people.reviewer)  # someone else's job is not confirmed to exist
    assert client.get(page).status_code == 404


def test_a_failed_import_resumes_without_writing_anything_twice(
    county, people, monkeypatch, django_capture_on_commit_callbacks
):
    content = xlsx("households", workbooks.sample_households([county.v11], 3))
    job = jobs.start("households", "台账.xlsx", content, people.cadre, county.county)
    jobs.run.call(job.pk)
    jobs.confirm(job)
    monkeypatch.setattr(sheets, "COMMIT_EVERY", 1)  # each household committed as written
    real_write, written = households.write, []

    def write_then_fail(unit, run):
        if len(written) == 2:
            raise ConnectionError("database went away")
        real_write(unit, run)
        written.append(unit.key)

    monkeypatch.setattr(households, "write", write_then_fail)
    with pytest.raises(ConnectionError):
        jobs.run.call(job.pk)
    job.refresh_from_db()
    assert (job.status, Household.objects.count()) == ("failed", 2)
    monkeypatch.setattr(households, "write", real_write)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.resume(job)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.new_count, job.unchanged_count) == ("done", 1, 2)
    assert Household.objects.count() == 3 and IdentificationCase.objects.count() == 3
    assert AuditEntry.objects.filter(action="import").count() == 3 + 3 + 1


def test_the_project_library_imports_in_its_states_and_refuses_what_the_form_refuses(
    county, people
):
    rows = workbooks.sample_projects([county.v11, county.v12], 3)
    rows[1]["funds_county"] = "25.00"  # 30 + 25 is not 50
    rows[2]["category"] = "基础设施（道路）"  # a 2018 category, the project is of 2021
    plan = import_now("projects", xlsx("projects", rows), people.office)
    assert errors(plan) == [
        (3, "总投资(万元)", "各来源资金合计55.00万元，与总投资50.00万元不一致"),
        (
            4,
            "项目类别",
            "该类别不在本项目计划开工当年适用的政策类别目录中："
            "产业发展、就业、乡村建设行动、巩固三保障成果、其他",
        ),
    ]
    (project,) = ProjectApplication.objects.all()
    assert (project.state, project.region, project.total_funds) == ("implementing", county.v11, 50)
    assert [t.indicator for t in project.performance_targets.all()] == ["硬化道路", "受益脱贫户"]
    assert trail(project) == [("import", "implementing")]
    again = import_now("projects", xlsx("projects", rows[:1]), people.office)
    assert (len(again.unchanged), len(again.new)) == (1, 0)
    assert trail(project) == [("import", "implementing")]


def test_the_sample_workbooks_import_cleanly(county, people, tmp_path):
    call_command("export_register_samples", str(tmp_path), "--households", "4", "--projects", "2")
    for kind in ("households", "projects"):
        plan = import_now(kind, (tmp_path / f"{kind}.xlsx").read_bytes(), people.office)
        assert errors(plan) == [] and len(plan.new) == {"households": 4, "projects": 2}[kind]


@pytest.mark.postgres
def test_two_imports_of_one_file_at_once_write_each_household_once(concurrent_db, county, people):
    content = xlsx("households", workbooks.sample_households([county.v11, county.v12], 3))
    plans = [sheets.check(households, content, people.office) for _ in range(2)]
    assert [len(plan.new) for plan in plans] == [3, 3]  # both looked before either wrote
    source = {"sha256": plans[0].sha256, "name": "register.xlsx"}
    counts = race(lambda i: sheets.apply(households, plans[i], people.office, source, print), 2)
    assert sorted(c["created"] for c in counts) == [0, 3]
    assert Household.objects.count() == 3 and IdentificationCase.objects.count() == 3
    assert AuditEntry.objects.filter(action="import").count() == 3 + 3 + 1
    loser = plans[[c["created"] for c in counts].index(0)]
    assert {e.reason for e in loser.errors} == {
        "刚被同时进行的另一次导入写入；再次导入本文件可核对是否一致"
    }
