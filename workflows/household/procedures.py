"""Identification and exit as the site runs them: one procedure each, sharing the household
records, their admin, board line, ledger, demo data and dashboard panel."""

import dataclasses
import functools

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.procedures import Board, Ledger, Procedure, ValueLabel

from . import demo
from .admin_options import (
    HouseholdAdmin,
    HouseholdCaseAdmin,
    PovertyLineAdmin,
    VillagePopulationAdmin,
)
from .choices import EXCLUSION_RULES, EXIT_BLOCKERS
from .dashboard import village_panel
from .ledger import households
from .models import (
    ExitCase,
    GuaranteeCheck,
    Household,
    IdentificationCase,
    IncomeAssessment,
    Member,
    PovertyLine,
    VillagePopulation,
)


def with_household(queryset):
    # Members only to count them: their ID numbers are never read for the board.
    members = Prefetch("household__members", queryset=Member.objects.only("pk", "household_id"))
    return queryset.select_related("household__region").prefetch_related(members)


def board_subject(case):
    summary = case.household.public_summary()
    return [
        (_("户主"), summary["head_name"]),
        (_("所在村"), summary["village"]),
        (_("家庭人口"), _("%(size)d人") % {"size": summary["size"]}),
    ]


def notice_details(case, proposal=""):
    """What a household's notice page publishes: the board line, what is proposed and the
    members by name and relation (never their ID numbers, phone or health)."""
    members = Member.objects.filter(household=case.household_id).order_by("pk")
    return [
        *board_subject(case),
        *([(_("公示事项"), str(proposal))] if proposal else []),
        (
            _("家庭成员"),
            "、".join(
                f"{member.name}（{member.get_relation_display()}）"
                for member in members.only("name", "relation")
            ),
        ),
    ]


# What the policy page calls the household procedures' switches (each item 是/否).
EXCLUSIONS = ValueLabel(gettext_lazy("排除情形（是否适用）"), dict(EXCLUSION_RULES))

RECORDS = {
    Household: HouseholdAdmin,
    PovertyLine: PovertyLineAdmin,
    VillagePopulation: VillagePopulationAdmin,
}
THROUGH_HOUSEHOLD = dict.fromkeys((Member, IncomeAssessment, GuaranteeCheck), "household__region")
BOARD = Board(subject=board_subject, fetch=with_household, details=notice_details)


def proposing(proposal) -> Board:
    """The household board of a procedure whose notice page says what it proposes."""
    return dataclasses.replace(BOARD, details=functools.partial(notice_details, proposal=proposal))


IDENTIFICATION = Procedure(
    model=IdentificationCase,
    admin=HouseholdCaseAdmin,
    records=RECORDS,
    board=dataclasses.replace(
        BOARD,
        details=functools.partial(notice_details, proposal=gettext_lazy("拟识别为建档立卡贫困户")),
    ),
    ledger=Ledger(
        slug="households",
        title=gettext_lazy("农户台账"),
        description=gettext_lazy("农户和家庭成员两张表，不含完整身份证号码，Excel格式"),
        write=households,
    ),
    seed=demo.seed,
    dashboard=village_panel,
    region_paths=THROUGH_HOUSEHOLD,
    policy_values={"exclusion_rules": EXCLUSIONS},
)
EXIT = Procedure(
    model=ExitCase,
    admin=HouseholdCaseAdmin,
    records=RECORDS,
    board=dataclasses.replace(
        BOARD,
        details=functools.partial(
            notice_details, proposal=gettext_lazy("拟退出贫困户（标注脱贫）")
        ),
    ),
    region_paths=THROUGH_HOUSEHOLD,
    policy_values={
        "exit_blockers": ValueLabel(gettext_lazy("不得退出情形（是否适用）"), dict(EXIT_BLOCKERS))
    },
)
