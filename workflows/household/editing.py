"""Who may change a household's data now: its own facts, members, incomes and guarantee checks,
which the guards of its cases read (identification and exit, monitoring and risk elimination).

While the household has an open case, only someone with a step of their own in that case's
current state may change it (the same rule as the case's own record), and nobody while the
case's public notice runs: the village corrects it while the case is with the village, not once
it has gone up for review, and again when it is sent back. With no open case, the village
committee of the household's village keeps its data (数据录入); every other role is refused.
Each edit is audited on the household's own chain by ``approvals.edits``.

Whoever edits, the incomes and guarantee checks of a year that a decided case (an identification
registered or rejected, an exit done) rested on stay as they were decided (``DecidedYears``).
"""

import dataclasses

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import Reason
from approvals.models import EditRule
from approvals.notices import running_notice
from approvals.spec import Fixed

VILLAGE = ("village_committee",)


def household_rule(household, open_cases) -> EditRule:
    """The rule for ``household``, given its open cases."""
    for case in open_cases:
        if running_notice(case):
            return EditRule(
                (),
                Reason(
                    "household_in_notice",
                    _("该户的%(procedure)s正在“%(state)s”，公示期间不能修改该户信息"),
                    procedure=case.workflow.label,
                    state=case.state_label,
                ),
            )
    if not open_cases:
        return EditRule(
            VILLAGE,
            Reason(
                "household_kept_by_village",
                _("该户没有进行中的识别或退出，只有本村村委会可以修改该户信息"),
            ),
        )
    roles = set.intersection(*(set(case.workflow.editors(case.state)) for case in open_cases))
    case = open_cases[0]
    return EditRule(
        tuple(r for r in case.workflow.editors(case.state) if r in roles),
        Reason(
            "household_case_step",
            _("该户的%(procedure)s正在“%(state)s”环节，只有该环节的办理人可以修改该户信息"),
            procedure=case.workflow.label,
            state=case.state_label,
        ),
    )


@dataclasses.dataclass(frozen=True)
class DecidedYears(Fixed):
    """The rows of ``related`` kinds whose year a decided case rested on."""

    years: frozenset[int] = frozenset()

    def holds(self, accessor: str, row) -> bool:
        return accessor in self.related and row.year in self.years


def decided_years_fixed(years) -> DecidedYears | None:
    """What the decided cases of these years fix: that year's incomes and guarantee checks."""
    if not years:
        return None
    reason = _(
        "%%(fields)s（%(years)s年度）是已办结的识别或退出所依据的数据，不能直接修改；"
        "如需更正，请录入新年度的数据，重新办理识别或退出"
    ) % {"years": "、".join(str(year) for year in sorted(years))}
    return DecidedYears((), ("incomes", "guarantees"), reason, frozenset(years))
