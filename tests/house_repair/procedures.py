"""The house-repair procedure as the site runs it: everything it shows, in one declaration."""

from django.contrib import admin
from django.db.models import Sum

from approvals import create_case
from approvals.procedures import Board, Ledger, Panel, Procedure

from .models import RepairCase


class RepairCaseAdmin(admin.ModelAdmin):
    list_display = ["applicant", "region", "grade", "state", "state_since"]
    search_fields = ["applicant"]
    fields = ["region", "applicant", "grade", "subsidy"]


def board_subject(case):
    return [
        ("户主", case.applicant),
        ("所在村", case.region.name),
        ("危房等级", case.get_grade_display()),
    ]


def open_repair(region, user, applicant="王大山"):
    return create_case(RepairCase, user, region=region, applicant=applicant, subsidy=20000)


def subsidy_panel(request, area):
    """The subsidies applied for under ``area``, as the procedure's own dashboard section."""
    total = area.filter(RepairCase.objects.all()).aggregate(total=Sum("subsidy"))["total"]
    return Panel("house_repair/dashboard.html", {"area": area, "subsidy": total or 0})


def seed(demo) -> int:
    village = demo.villages[0]
    if RepairCase.objects.filter(region=village).exists():
        return 0
    open_repair(village, demo.people.cadre)
    return 1


HOUSE_REPAIR = Procedure(
    model=RepairCase,
    admin=RepairCaseAdmin,
    board=Board(subject=board_subject),
    ledger=Ledger(
        slug="repairs",
        title="危房改造台账",
        description="危房改造全部申请及其当前状态",
        columns=("applicant", "grade", "subsidy", "state", "state_since"),
    ),
    seed=seed,
    factory=open_repair,
    dashboard=subsidy_panel,
)
