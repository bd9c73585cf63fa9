"""The approval form (审批表) of a case, a PDF for the paper archive: its record, every signer
with role and date, its notice periods and objections, and the digest of its audit chain.

Drawn with ReportLab, whose CID font STSong-Light comes with every PDF reader, so Chinese prints
without any font installed on the server or embedded in the file (WeasyPrint would need system
fonts and a browser-class layout engine for a one-page table). Contacts of objectors are masked,
as everywhere but the resolving level's own page.
"""

import io

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from approvals import audit
from approvals.models import NoticePeriod
from approvals.notices import objections_of
from roles.names import name_of

from .timeline import EMPTY, ROLE_LABELS, action_label

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11, leading=16, spaceBefore=8)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
)
# Fields of a case that are bookkeeping, not its record.
NOT_RECORD = {*audit.HEAD_FIELDS, "id"}


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else EMPTY


def _value(case, field) -> str:
    """A field of the record as the case page reads it."""
    value = getattr(case, field.name)
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(getattr(case, f"get_{field.name}_display")())
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(field, models.DateTimeField):
        return _moment(value)
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _record(case) -> list[list[str]]:
    return [
        [str(field.verbose_name), _value(case, field)]
        for field in case._meta.concrete_fields
        if field.name not in NOT_RECORD
    ]


def _signers(case) -> list[list[str]]:
    """Every entry of the trail a person signed: who, as what, did what, when, with what word."""
    rows = []
    for entry in case.audit_entries.order_by("seq").select_related("actor"):
        if entry.actor is None:
            continue
        rows.append(
            [
                name_of(entry.actor),
                str(ROLE_LABELS.get(entry.actor_role, entry.actor_role)),
                action_label(case.workflow, entry.action, entry.from_state),
                _moment(entry.created_at),
                entry.comment or EMPTY,
            ]
        )
    return rows


def _notices(case) -> list[list[str]]:
    return [
        [
            case.workflow.state_label(notice.state),
            _moment(notice.opened_at),
            _moment(notice.ends_at),
            _moment(notice.closed_at),
        ]
        for notice in NoticePeriod.objects.for_object(case).order_by("opened_at", "pk")
    ]


def _objections(case) -> list[list[str]]:
    return [
        [
            objection.step,
            _moment(objection.filed_at),
            f"{objection.name} {objection.shown_contact}".strip(),
            objection.text,
            str(objection.get_status_display()),
            objection.resolution or EMPTY,
        ]
        for objection in objections_of(case)
    ]


def _table(header: list[str], rows: list[list[str]], widths: list[float]):
    if not rows:
        return Paragraph(_("无"), CELL)
    cells = [[Paragraph(str(text), CELL) for text in row] for row in [header, *rows]]
    # A row longer than a page (a long comment or objection) goes on over the page break.
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1, splitInRow=1)
    table.setStyle(GRID)
    return table


def _digest(case) -> list[list[str]]:
    problem = audit.verify_record(case)
    return [
        [_("记录条数"), str(case.audit_count)],
        [_("链末摘要"), case.audit_head or EMPTY],
        [_("校验结果"), _("完整，未被改动") if problem is None else str(problem)],
        [_("生成时间"), _moment(timezone.now())],
    ]


def render(case) -> bytes:
    """The approval form of ``case`` as PDF bytes."""
    label = str(case.workflow.label)
    story = [
        Paragraph(_("%(procedure)s审批表") % {"procedure": label}, TITLE),
        Spacer(1, 4 * mm),
        Paragraph(
            _("%(case)s · %(place)s · 当前状态：%(state)s")
            % {
                "case": case,
                "place": "".join(r.name for r in case.region.ancestors()),
                "state": case.state_label,
            },
            CELL,
        ),
        Paragraph(_("基本情况"), HEADING),
        _table([_("项目"), _("内容")], _record(case), [45, 125]),
        Paragraph(_("审批签署"), HEADING),
        _table(
            [_("签署人"), _("角色"), _("办理事项"), _("日期"), _("意见")],
            _signers(case),
            [25, 30, 30, 30, 55],
        ),
        Paragraph(_("公示情况"), HEADING),
        _table([_("公示环节"), _("开始"), _("截止"), _("结束")], _notices(case), [50, 40, 40, 40]),
        Paragraph(_("异议及处理"), HEADING),
        _table(
            [_("公示环节"), _("提出时间"), _("提出人"), _("异议内容"), _("状态"), _("处理意见")],
            _objections(case),
            [25, 25, 25, 45, 20, 30],
        ),
        Paragraph(_("审计链校验"), HEADING),
        _table([_("项目"), _("内容")], _digest(case), [45, 125]),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=_("%(procedure)s审批表") % {"procedure": label}
    )
    document.build(story)
    return buffer.getvalue()
