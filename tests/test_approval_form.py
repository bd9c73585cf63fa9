"""The approval form (审批表) of a case, read back from the PDF as the archive would read it."""

import io

import pypdf
from django.urls import reverse
from django.utils import timezone

from approvals.models import Objection
from approvals.notices import file_objection
from tests.helpers import resolve
from tests.test_audit import sql_update
from tests.test_public_board import household_notice


def form_url(case):
    return reverse("admin:household_identificationcase_approval_form", args=[case.pk])


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    # Table cells wrap; the reader reads each line apart.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_form_has_the_record_signers_notices_objections_and_the_digest(client, county, people):
    people.cadre.first_name, people.cadre.last_name = "主任", "王"
    people.cadre.save()
    case = household_notice(county, people)
    file_objection(case, name="村民甲", contact="13900001234", text="该户家中有小汽车。")
    resolve(case, people.cadre, Objection.objects.get(), comment="车辆为租用")
    case.refresh_from_db()
    client.force_login(people.auditor)
    page = client.get(reverse("admin:household_identificationcase_change", args=[case.pk]))
    assert form_url(case) in page.content.decode()
    text = pdf_text(client.get(form_url(case)))
    assert "贫困户识别审批表" in text
    assert case.household.head_name in text and "一村" in text  # the record
    assert "王主任" in text and "村委会" in text and "民主评议" in text  # a signer, role, step
    first_step = timezone.localtime(case.audit_entries.first().created_at)  # as the form prints it
    assert first_step.strftime("%Y-%m-%d") in text
    assert "第一次公示" in text  # the notice period
    assert "该户家中有小汽车。" in text and "车辆为租用" in text and "异议不成立" in text
    assert "13900001234" not in text  # the contact stays masked on paper
    assert case.audit_head in text and "完整，未被改动" in text


def test_the_form_is_scoped_like_the_case_page(client, county, people):
    case = household_notice(county, people)
    client.force_login(people.outsider)
    assert client.get(form_url(case)).status_code == 404


def test_a_changed_trail_prints_as_broken(client, county, people):
    case = household_notice(county, people)
    entry = case.audit_entries.get(seq=1)
    sql_update("UPDATE approvals_auditentry SET comment = %s WHERE id = %s", ["伪造", entry.pk])
    client.force_login(people.office)
    text = pdf_text(client.get(form_url(case)))
    assert "完整，未被改动" not in text and "content was changed" in text
