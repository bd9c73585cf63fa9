"""The registers arrive as CSV too, as counties save them: UTF-8 with or without a byte order
mark, GBK/GB18030 (Excel's “CSV (逗号分隔)” on a Chinese Windows), Excel's tab-separated
“Unicode 文本”; through the same checks and the same report as a workbook."""

import pytest
from django.urls import reverse

from tests.helpers import run_worker
from tests.register_files import (
    FULL_WIDTH,
    ending_in_x,
    errors,
    import_now,
    person_id,
    text_table,
    upload,
)
from workflows.household.models import Household, Member
from workflows.project_library.models import ProjectApplication
from workflows.registers import jobs, sheets, workbooks

pytestmark = pytest.mark.django_db

ENCODINGS = [
    ("utf-8", ","),
    ("utf-8-sig", ","),
    ("gbk", ","),
    ("gb18030", ","),
    ("utf-16", "\t"),
]


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODINGS)
def test_both_registers_import_from_csv_in_every_encoding_excel_saves(
    county, people, encoding, delimiter
):
    villages = [county.v11, county.v12]
    for kind, count in (("households", 3), ("projects", 2)):
        content = text_table(kind, workbooks.SAMPLES[kind](villages, count), encoding, delimiter)
        plan = import_now(kind, content, people.office)
        assert (errors(plan), len(plan.new)) == ([], count)
        again = sheets.check(jobs.KINDS[kind], content, people.office)
        assert (len(again.new), len(again.changed), len(again.unchanged)) == (0, 0, count)
    assert Household.objects.count() == 3 and Member.objects.count() == 10
    assert Member.objects.filter(name="户主0", ethnicity="汉族").exists()
    assert set(ProjectApplication.objects.values_list("name", "state")) == {
        ("一村产业路1号", "implementing"),
        ("二村产业路2号", "in_library"),
    }


def test_a_messy_gbk_register_is_checked_reported_and_imported_through_the_page(
    county, people, client, django_capture_on_commit_callbacks
):
    wrong_check = person_id(12)[:17] + ("0" if person_id(12)[17] != "0" else "1")
    lines = [
        "备注,证件号码 ,姓名,户编号,行政村,乡镇,户主姓名 ,与户主关系,识别年度,家庭人口数,"
        "人均纯收入",
        f",{person_id(11).translate(FULL_WIDTH)},张三 ,H１,一村 ,东岗镇,张三,户主,２０１６,2,"
        "３５００",
        f",{ending_in_x().lower()}, 李四,H1,一村,东岗镇 ,张三 ,配偶 ,2016,２,3500",
        f",{wrong_check},王五,H2,二村,东岗镇,王五,户主,2016,1,",
        ",4.20102E+17,赵六,H3,二村,东岗镇,赵六,户主,2016,1,",
    ]
    client.force_login(people.office)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, "households", "\r\n".join(lines).encode("gbk"), "台账.csv")
    run_worker()
    job.refresh_from_db()
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (4, "证件号码", "身份证号码校验位不正确，请核对后重新输入"),
        (
            5,
            "证件号码",
            "证件号码被Excel当作数字保存，末几位可能已丢失：请在原表中把该列设为文本格式，"
            "重新导出后再导入",
        ),
    ]
    assert (job.status, job.new_count, job.error_rows) == ("checked", 1, 2)
    page = client.get(reverse("admin:register_import_job", args=[job.pk])).text
    assert "身份证号码校验位不正确" in page and "当作数字保存" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:register_import_confirm", args=[job.pk]))
    run_worker()
    (household,) = Household.objects.all()
    assert (household.number, household.head_name, household.register_income) == (
        "H1",
        "张三",
        3500,
    )
    assert sorted(household.members.values_list("id_number", "name")) == sorted(
        [(person_id(11), "张三"), (ending_in_x(), "李四")]
    )


def test_a_messy_project_library_in_gb18030_refuses_only_what_the_form_refuses(county, people):
    rows = workbooks.sample_projects([county.v11], 2)
    rows[0].update(
        name="一村产业路1号 ",
        planned_start="２０２１年3月1日",
        total_funds="５０.００",
        funds_central=" 30 ",
        state="实施中 ",
    )
    rows[1]["funds_county"] = "２５"  # 30 + 25 is not 50
    plan = import_now("projects", text_table("projects", rows, "gb18030"), people.office)
    assert errors(plan) == [(3, "总投资(万元)", "各来源资金合计55.00万元，与总投资50.00万元不一致")]
    (project,) = ProjectApplication.objects.all()
    assert (project.name, str(project.planned_start), project.total_funds, project.state) == (
        "一村产业路1号",
        "2021-03-01",
        50,
        "implementing",
    )


def test_a_csv_in_no_known_encoding_is_refused_saying_how_to_save_it(county, people):
    content = "户编号,姓名\n".encode("gbk") + b"\x80\xff\n"
    plan = sheets.check(jobs.KINDS["households"], content, people.office)
    assert errors(plan) == [
        (
            None,
            "",
            "无法识别该CSV文件的文字编码（应为UTF-8或GBK/GB18030）。"
            "请在Excel中“另存为”，类型选“CSV UTF-8（逗号分隔）”，再导入",
        )
    ]


def test_a_csv_whose_headers_come_out_garbled_says_which_encoding_it_was_read_in(county, people):
    content = "戶編號,姓名,證件號碼\n1,2,3\n".encode("big5")  # decodes, as nonsense
    (error,) = sheets.check(jobs.KINDS["households"], content, people.office).errors
    assert error.reason.endswith(
        "（本文件按GBK/GB18030编码读取；若表头是乱码，请另存为“CSV UTF-8”再导入）"
    )
