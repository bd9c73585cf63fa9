"""Files entered with an action: checked after the permission, by content, kept only by a step that
happened, refused on arrival when too large, and downloadable by whoever may read the case."""

import hashlib
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from admin_site.uploads import SizeLimitedUploadHandler
from approvals import perform
from approvals.exceptions import PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import ExitCaseFactory, ProjectApplicationFactory
from tests.household_setup import family
from workflows.household.demo import CONSENT
from workflows.household.demo import advance as advance_exit
from workflows.project_library.attachments import attach
from workflows.project_library.models import ProjectAttachment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><script>alert(document.cookie)</script></html>"
MB = 1024 * 1024


def xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def stored_files() -> list[str]:
    if not default_storage.exists("evidence"):
        return []
    found = []
    for folder in default_storage.listdir("evidence")[0]:
        found += default_storage.listdir(f"evidence/{folder}")[1]
    return found


@pytest.fixture
def project(county, people):
    return ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="村道硬化")


@pytest.fixture
def consenting(county, people):
    home = family(county.v11, people.team, register_status="registered", identification_year=2019)
    return advance_exit(
        ExitCaseFactory(household=home, opener=people.cadre), people, "household_consent"
    )


def act_url(case):
    opts = case._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_act", args=[case.pk])


def file_url(case, sha256):
    opts = case._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_file", args=[case.pk, sha256])


def test_a_refused_uploader_leaves_no_file(client, project, people):
    with pytest.raises(PermissionDenied):
        attach(project, people.reviewer, ContentFile(HTML, name="页面.pdf"), "plan")
    client.force_login(people.reviewer)
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    client.post(act_url(project), {"action": "add_attachment", "kind": "plan", "upload": upload})
    assert stored_files() == []
    assert not project.attachments.exists()


def test_a_step_refused_by_its_guards_leaves_no_file(project, people):
    with pytest.raises(TransitionNotAllowed) as err:
        attach(project, people.cadre, ContentFile(PDF, name="方案.pdf"), "no-such-kind")
    assert err.value.reasons == ["请选择附件类型"]
    assert stored_files() == []


def test_a_step_rolled_back_after_keeping_its_file_leaves_no_file(project, people, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProjectAttachment, "save", crash)
    with pytest.raises(RuntimeError):
        attach(project, people.cadre, ContentFile(PDF, name="方案.pdf"), "plan")
    assert stored_files() == []
    assert AuditEntry.objects.for_object(project).filter(action="add_attachment").count() == 0


def test_a_kept_file_is_stored_and_described_in_the_entry(project, people):
    entry = attach(project, people.cadre, ContentFile(PNG, name="现场.pdf"), "photo")
    sha256 = hashlib.sha256(PNG).hexdigest()
    assert entry.data["upload"] == sha256
    assert entry.data["upload_type"] == "image/png"
    # Kept under the type its content shows, whatever its name says.
    assert entry.data["upload_path"] == f"evidence/{sha256[:2]}/{sha256}.png"
    assert default_storage.open(entry.data["upload_path"]).read() == PNG


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PDF, "方案.pdf"),
        (PNG, "现场.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "现场.jpg"),
        (xlsx(), "预算.xlsx"),
    ],
)
def test_the_accepted_types_are_accepted(project, people, content, name):
    attach(project, people.cadre, ContentFile(content, name=name), "plan")
    assert project.attachments.get().name == name


@pytest.mark.parametrize(
    ("content", "name"), [(HTML, "方案.pdf"), (b"MZ\x90\x00" + b"\x00" * 64, "照片.jpg")]
)
def test_a_file_is_judged_by_its_content_not_its_name(project, people, content, name):
    with pytest.raises(TransitionNotAllowed) as err:
        attach(project, people.cadre, ContentFile(content, name=name), "plan")
    assert err.value.reasons == [
        f"“{name}”不是可接受的文件类型（只接受PDF、JPG、PNG、DOC、DOCX、XLS、XLSX）"
    ]
    assert stored_files() == []


def test_a_step_whose_evidence_was_not_kept_is_refused(consenting, people):
    for missing in ("ab" * 32, None):
        data = {**CONSENT, "form_sha256": missing}
        with pytest.raises(TransitionNotAllowed) as err:
            perform(consenting, "record_consent", people.cadre, data=data)
        assert err.value.reasons == ["请上传签字认可表"]
    consenting.refresh_from_db()
    assert consenting.state == "household_consent"


def test_an_oversize_consent_form_is_refused_with_the_limit(client, consenting, people):
    client.force_login(people.cadre)
    form = SimpleUploadedFile("签字认可表.pdf", PDF + b"\x00" * (22 * MB))
    response = client.post(
        act_url(consenting),
        {"action": "record_consent", "form_sha256": form, "signed_on": "2020-10-20"}
        | {"helper_cosigned": "on"},
        follow=True,
    )
    assert "“签字认可表.pdf”超过20 MB，不能上传" in response.content.decode()
    consenting.refresh_from_db()
    assert consenting.state == "household_consent"
    assert stored_files() == []
    refusal = SecurityEvent.objects.get(action="record_consent")
    assert refusal.reasons == ["“签字认可表.pdf”超过20 MB，不能上传"]


def test_an_oversize_file_is_dropped_at_its_first_byte():
    """Nothing after the size check ever receives the file: it is not buffered, hashed or kept,
    and the form's fields after it are still read."""
    body = encode_multipart(
        BOUNDARY,
        {"upload": SimpleUploadedFile("大.pdf", PDF + b"\x00" * (22 * MB)), "kind": "plan"},
    )
    request = RequestFactory().generic("POST", "/", body, content_type=MULTIPART_CONTENT)
    later = TemporaryFileUploadHandler(request)
    handlers = [SizeLimitedUploadHandler(request), later]
    post, files = MultiPartParser(request.META, io.BytesIO(body), handlers).parse()
    assert post["kind"] == "plan" and not files
    assert not hasattr(later, "file")  # never opened a file to buffer it into
    assert request._refused_uploads["upload"].name == "大.pdf"


def test_readers_download_the_files_of_a_case(client, project, people, county):
    entry = attach(project, people.cadre, ContentFile(xlsx(), name="预算.xlsx"), "other")
    url = file_url(project, entry.data["upload"])
    for reader in (people.reviewer, people.auditor, people.office):
        client.force_login(reader)
        response = client.get(url, {"inline": "1"})  # a spreadsheet is never shown inline
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == entry.data["upload_type"]
        assert (
            b"".join(response.streaming_content)
            == default_storage.open(entry.data["upload_path"]).read()
        )
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    client.force_login(people.reviewer)
    other = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    assert client.get(file_url(other, entry.data["upload"])).status_code == 404


def test_pdfs_and_images_are_previewed_inline(client, project, people):
    pdf = attach(project, people.cadre, ContentFile(PDF, name="方案.pdf"), "plan")
    png = attach(project, people.cadre, ContentFile(PNG, name="现场.png"), "photo")
    client.force_login(people.reviewer)
    for entry, content_type in ((pdf, "application/pdf"), (png, "image/png")):
        response = client.get(file_url(project, entry.data["upload"]), {"inline": "1"})
        assert response["Content-Disposition"].startswith("inline;")
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
    page = client.get(
        reverse("admin:project_library_projectapplication_change", args=[project.pk])
    ).content.decode()
    png_url = file_url(project, png.data["upload"])
    assert f'<img src="{png_url}?inline=1"' in page
    assert f'href="{file_url(project, pdf.data["upload"])}?inline=1"' in page


def test_the_case_page_shows_file_sizes_in_kb_and_mb(client, project, people):
    attach(project, people.cadre, ContentFile(PDF + b"\x00" * (3 * MB), name="图纸.pdf"), "plan")
    attach(project, people.cadre, ContentFile(PDF + b"\x00" * 2000, name="方案.pdf"), "plan")
    client.force_login(people.reviewer)
    page = client.get(
        reverse("admin:project_library_projectapplication_change", args=[project.pk])
    ).content.decode()
    assert "3.0\xa0MB" in page and "2.0\xa0KB" in page
    assert page.count("3.0\xa0MB") == 2  # in the timeline and the attachment list
