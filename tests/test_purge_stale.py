"""The daily housekeeping: register files deleted once their retention is over (the jobs, their
SHA-256 and reports kept, as the audit entries cite them), one-time form tokens once they are
past any use."""

import datetime
import io
import os

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from admin_site.models import FormSubmission
from approvals.models import AuditEntry
from tests.factories import FormSubmissionFactory, ImportJobFactory
from tests.helpers import run_worker
from tests.register_files import upload, xlsx
from workflows.household.models import Household
from workflows.rectification.import_views import STORAGE_DIR
from workflows.registers import jobs, workbooks
from workflows.registers.models import ImportJob

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)


def days_ago(days):
    return time_machine.travel(NOW - datetime.timedelta(days=days), tick=False)


def purge():
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_stale", stdout=out)
    return out.getvalue().splitlines()


def kept(job):
    job.refresh_from_db()
    return bool(job.file) and default_storage.exists(job.file.name)


def test_files_of_jobs_still_past_the_retention_go_and_the_jobs_stay(people):
    with days_ago(31):
        done, checked, failed, importing, checking = (
            ImportJobFactory(created_by=people.office, status=status)
            for status in ("done", "checked", "failed", "importing", "checking")
        )
    with days_ago(29):
        recent = ImportJobFactory(created_by=people.office, status="done")
    stale = [done, checked, failed]
    names = [job.file.name for job in stale]
    assert purge()[0] == "register uploads: deleted 3"
    assert not any(default_storage.exists(name) for name in names)
    for job in stale:
        job.refresh_from_db()
        assert (job.file.name, job.file_purged_at, job.sha256) == ("", NOW, "0" * 64)
    # In progress however old, or still within the retention.
    assert all(kept(job) for job in (importing, checking, recent))
    assert purge()[0] == "register uploads: deleted 0"


def test_the_retention_is_a_setting(people, settings):
    settings.REGISTER_UPLOAD_RETENTION_DAYS = 10
    with days_ago(11):
        job = ImportJobFactory(created_by=people.office, status="done")
    purge()
    assert not kept(job)


def test_an_imported_file_once_purged_leaves_its_hash_its_trail_and_its_report(
    county, people, client, django_capture_on_commit_callbacks
):
    rows = workbooks.sample_households([county.v11], 2)
    rows[4]["id_number"] = rows[4]["id_number"][:17] + "0"  # most likely a wrong check digit
    client.force_login(people.cadre)
    with days_ago(40):
        with django_capture_on_commit_callbacks(execute=True):
            job = upload(client, "households", xlsx("households", rows))
        run_worker()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:register_import_confirm", args=[job.pk]))
        run_worker()
    job.refresh_from_db()
    assert (job.status, Household.objects.count()) == ("done", 1)
    purge()
    job.refresh_from_db()
    assert not job.file and job.error_rows == 3
    entry = AuditEntry.objects.filter(action="import").first()
    assert entry.data["source"]["sha256"] == job.sha256
    client.force_login(people.cadre)  # the session of 40 days ago has run out
    page = client.get(reverse("admin:register_import_job", args=[job.pk])).text
    assert "上传的文件已按保留期限于" in page and job.sha256 in page
    response = client.get(reverse("admin:register_import_errors", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["错误清单"]  # the report, without the file it marked
    assert book["错误清单"].max_row == 1 + 3


def test_a_checked_job_whose_file_is_gone_can_no_longer_be_confirmed(
    people, client, django_capture_on_commit_callbacks
):
    with days_ago(31):
        job = ImportJobFactory(created_by=people.office, status="checked", total=1)
    purge()
    client.force_login(people.office)
    page = client.get(reverse("admin:register_import_job", args=[job.pk])).text
    assert "如需导入，请重新上传" in page and "确认导入" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:register_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, jobs.confirm(job)) == ("checked", False)


def test_one_time_form_tokens_go_after_their_retention(settings):
    settings.FORM_TOKEN_RETENTION_DAYS = 7
    with days_ago(8):
        FormSubmissionFactory.create_batch(2)
    with days_ago(6):
        recent = FormSubmissionFactory()
    assert purge() == [
        "register uploads: deleted 0",
        "problem lists of dry runs: deleted 0",
        "form tokens: deleted 2",
    ]
    assert list(FormSubmission.objects.all()) == [recent]
    assert ImportJob.objects.count() == 0


def test_problem_lists_kept_by_dry_runs_never_confirmed_go_a_day_later():
    paths = {}
    for hours in (25, 23):
        paths[hours] = default_storage.save(f"{STORAGE_DIR}/{hours}.upload", ContentFile(b"x"))
        moment = (NOW - datetime.timedelta(hours=hours)).timestamp()
        os.utime(default_storage.path(paths[hours]), (moment, moment))
    assert purge()[1] == "problem lists of dry runs: deleted 1"
    assert [default_storage.exists(paths[hours]) for hours in (25, 23)] == [False, True]
