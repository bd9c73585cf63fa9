"""The ledger of monitored households (监测对象台账): one row an inclusion decided, with the head's
ID number masked, the household's monitoring status now and when its risk was eliminated (an
eliminated household stays on the ledger)."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from admin_site.dashboard import chosen_area
from admin_site.exports import Spreadsheet
from admin_site.ledgers import (
    CHUNK,
    RegionNames,
    choices,
    download,
    label,
    local,
    rows_in_scope,
)
from workflows.household import idnumber
from workflows.household.models import Household, Member

from .choices import RiskCause
from .elimination import ELIMINATED
from .models import EliminationCase, MonitoringCase
from .spec import MONITORED


def monitored_households(request):
    area = chosen_area(request, default_first=False)
    names = RegionNames(request, area)
    workbook = Spreadsheet()
    kind = choices(MonitoringCase, "monitoring_type")
    source = choices(MonitoringCase, "clue_source")
    causes = dict(RiskCause.choices)
    sheet = workbook.sheet(
        _("监测对象"),
        [
            _("县"), _("乡镇"), _("村"), _("户编号"), _("户主姓名"), _("户主身份证号码"),
            label(MonitoringCase, "monitoring_type"), label(MonitoringCase, "risk_causes"),
            label(MonitoringCase, "clue_source"), label(MonitoringCase, "year"),
            _("纳入时间"), _("监测状态"), _("风险消除时间"),
        ],
        [12, 12, 12, 22, 10, 22, 14, 24, 14, 8, 12, 10, 12],
    )  # fmt: skip
    status = choices(Household, "monitoring_status")
    head_id = Member.objects.filter(household=OuterRef("household"), relation="head")
    eliminated = EliminationCase.objects.filter(
        household=OuterRef("household"), state=ELIMINATED, state_since__gt=OuterRef("state_since")
    ).order_by("state_since")
    rows = (
        rows_in_scope(MonitoringCase.objects.filter(state=MONITORED), request, area)
        .annotate(
            head_id=Subquery(head_id.values("id_number")[:1]),
            eliminated_at=Subquery(eliminated.values("state_since")[:1]),
        )
        .order_by("region__code", "household__number")
        .values_list(
            "region__code", "region__name", "household__number", "household__head_name",
            "head_id", "monitoring_type", "risk_causes", "clue_source", "year",
            "state_since", "household__monitoring_status", "eliminated_at",
        )
    )  # fmt: skip
    for (code, village, number, head, head_id, mtype, risks, clue, year, since, now,
         eliminated_at) in rows.iterator(chunk_size=CHUNK):  # fmt: skip
        sheet.append([
            names.county(code), names.township(code), village, number, head,
            idnumber.mask(head_id) if head_id else "",
            kind.get(mtype, mtype), "、".join(str(causes.get(c, c)) for c in risks),
            source.get(clue, clue), year, local(since), status.get(now, now),
            local(eliminated_at) if eliminated_at else "",
        ])  # fmt: skip
    return download(workbook, _("监测对象台账"), area, request)
