"""Register files for the import tests: ID numbers, workbooks and CSV files as counties send
them, the import run at once, and what it reported."""

import csv
import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import AuditEntry
from workflows.household import idnumber
from workflows.registers import jobs, sheets, workbooks
from workflows.registers.models import ImportJob

BORN = datetime.date(1980, 5, 1)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def person_id(sequence):
    return idnumber.compose("620102", BORN, sequence)


def ending_in_x():
    return next(person_id(s) for s in range(1, 999) if person_id(s).endswith("X"))


def xlsx(kind, rows):
    return workbooks.as_bytes(workbooks.register(kind, rows))


def text_table(kind, rows, encoding, delimiter=","):
    """A register of ``kind`` as a CSV (or, tab-separated, Excel's “Unicode 文本”)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    columns = workbooks.KINDS[kind].COLUMNS
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue().encode(encoding)


def sheet(headers, rows):
    book = openpyxl.Workbook()
    book.active.append(["2020年建档立卡户花名册"])  # a title above the headers
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_now(kind, content, user):
    """Dry run and import in one go, as the background job does."""
    plan = sheets.check(jobs.KINDS[kind], content, user)
    source = {"sha256": plan.sha256, "name": "register.xlsx"}
    sheets.apply(jobs.KINDS[kind], plan, user, source, lambda done: None)
    return plan


def errors(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def trail(record):
    return list(AuditEntry.objects.for_object(record).values_list("action", "to_state"))


def red_cells(sheet):
    return {
        (cell.row, cell.column)
        for row in sheet.iter_rows()
        for cell in row
        if cell.fill.fgColor.rgb == "00FFC7CE"
    }


def upload(client, kind, content, name="台账.xlsx"):
    response = client.post(
        reverse("admin:register_import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    return ImportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])
