"""Imports run in the background (django-tasks), so a county's register of 50,000 rows does not
hold a page open: ``start`` keeps the file and queues its dry run; ``confirm`` queues the import
of what the dry run found; ``resume`` queues a failed job again. The task ``run`` does whichever
the job is waiting for, counting its progress on the job row as it goes.

An import checks the file again first (the system may have changed since the dry run), then
writes unit by unit, each whole or not at all, committed a hundred at a time: a failure part-way
leaves every unit committed so far whole, and running the job again finds them unchanged and
writes the rest.
"""

import contextlib
import dataclasses
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from roles.models import Region
from workflows.spreadsheets import (
    RowError,
    UnreadableFile,
    find_headers,
    marked_workbook,
    read,
)

from . import sheets, workbooks
from .models import ImportJob
from .scope import import_prefixes

logger = logging.getLogger(__name__)

KINDS = workbooks.KINDS


def start(kind: str, name: str, content: bytes, user, region) -> ImportJob:
    """Keep the file and queue its dry run."""
    job = ImportJob(
        kind=kind,
        created_by=user,
        region=region,
        file_name=name[:200],
        sha256=sheets.sha256_of(content),
    )
    job.file.save(f"{job.sha256}.upload", ContentFile(content), save=False)
    job.save()
    _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    transaction.on_commit(lambda: run.enqueue(job.pk))


def confirm(job: ImportJob) -> bool:
    """Queue the import of a checked job; False if it is not waiting for confirmation (or its
    file is gone)."""
    updated = _with_file(job, ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING, confirmed=True, processed=0
    )
    if updated:
        _queue(job)
    return bool(updated)


def resume(job: ImportJob) -> bool:
    """Queue a failed job again, at the phase it failed in (not once its file is gone)."""
    status = ImportJob.Status.IMPORTING if job.confirmed else ImportJob.Status.CHECKING
    updated = _with_file(job, ImportJob.Status.FAILED).update(
        status=status, failure="", processed=0
    )
    if updated:
        _queue(job)
    return bool(updated)


def _with_file(job: ImportJob, status: str):
    return ImportJob.objects.filter(pk=job.pk, status=status, file_purged_at__isnull=True)


def _content(job: ImportJob) -> bytes:
    with job.file.open("rb") as file:
        return file.read()


def plan_of(job: ImportJob) -> sheets.Plan:
    return sheets.check(KINDS[job.kind], _content(job), job.created_by)


def error_workbook(job: ImportJob):
    """The job's file handed back with the errors its last run found marked, and its notes;
    only their lists once the file is gone."""
    errors = [RowError(**error) for error in job.errors]
    notes = [RowError(**note) for note in job.notes]
    grid = None
    if job.file:
        with contextlib.suppress(UnreadableFile):
            grid = read(_content(job), max_bytes=sheets.MAX_BYTES, max_rows=sheets.MAX_ROWS)
    headers = find_headers(grid, KINDS[job.kind].COLUMNS)[0] if grid else None
    return marked_workbook(
        grid, headers.row if headers else None, errors, workbooks.TITLES[job.kind], notes
    )


def _record(job: ImportJob, plan: sheets.Plan, **more) -> None:
    job.errors = [dataclasses.asdict(e) for e in plan.errors]
    job.notes = [dataclasses.asdict(n) for n in plan.notes]
    job.error_rows = len(plan.rows_with_errors)
    job.new_count, job.changed_count = len(plan.new), len(plan.changed)
    job.unchanged_count, job.total = len(plan.unchanged), len(plan.to_write)
    for name, value in more.items():
        setattr(job, name, value)
    job.save()


@task()
def run(job_id: int) -> str:
    """Do what the job waits for: its dry run, or its import."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        if job.status == ImportJob.Status.CHECKING:
            _record(job, plan_of(job), status=ImportJob.Status.CHECKED)
        elif job.status == ImportJob.Status.IMPORTING:
            _import(job)
    except Exception as error:
        logger.exception("Register import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, failure=str(error)[:2000]
        )
        raise  # the worker records the failure with its traceback
    return job.status


def _import(job: ImportJob) -> None:
    plan = plan_of(job)
    _record(job, plan)
    source = {"sha256": job.sha256, "name": job.file_name}

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done)

    sheets.apply(KINDS[job.kind], plan, job.created_by, source, progress)
    _record(job, plan, processed=len(plan.to_write), status=ImportJob.Status.DONE)


def region_of(user):
    """The region an importer's jobs are filed under: their outermost import region."""
    prefixes = import_prefixes(user)
    return Region.objects.filter(code__startswith=prefixes[0]).order_by("level").first()
