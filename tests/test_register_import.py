"""Importing the household register and the project library from the files counties keep."""

import pytest

from workflows.household.models import ExitCase, Household, IdentificationCase, Member
from workflows.registers import jobs, sheets, workbooks

pytestmark = pytest.mark.django_db


def xlsx(kind, rows):
    return workbooks.as_bytes(workbooks.register(kind, rows))


def dry_run(kind, rows, user):
    return sheets.check(jobs.KINDS[kind], xlsx(kind, rows), user)


def import_now(kind, rows, user):
    """Dry run and import in one go, as the background job does."""
    plan = dry_run(kind, rows, user)
    source = {"sha256": plan.sha256, "name": "register.xlsx"}
    sheets.apply(jobs.KINDS[kind], plan, user, source, lambda done: None)
    return plan


def errors(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def test_a_clean_register_imports_households_members_and_their_cases(county, people):
    rows = workbooks.sample_households([county.v11, county.v12], 3)
    plan = import_now("households", rows, people.office)
    assert errors(plan) == []
    assert Household.objects.count() == 3 and Member.objects.count() == 10
    assert IdentificationCase.objects.filter(state="registered").count() == 3
    assert ExitCase.objects.filter(state="exited").count() == 1
