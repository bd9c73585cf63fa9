"""The public notice board (公示公告栏): the notices running now, each notice's page, the
objection form, and the lookup of an objection by its receipt number.

Anyone may read it without logging in, so what it shows is decided here, case by case: names of
people and places, household sizes and project funds, never an ID or phone number (a household's
members are read without their ID numbers). One page costs the same few queries however many rows
it has: the notices, then the cases of each procedure in one query.
"""

import dataclasses
import datetime
import re
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from approvals import clock, typed_input
from approvals.exceptions import Refusal
from approvals.models import NoticePeriod
from approvals.notices import by_receipt, file_objection, reply_to, supervision_phone
from approvals.procedures import procedure_for
from roles.models import Region

from .forms import ObjectionForm

PAGE_SIZE = 50
THROTTLE_GROUP = "public.objections"
# What the lookup page gives back of a number typed into it (a receipt is 12 characters).
RECEIPT_FIELD_MAX = 40
REGION_CODE = re.compile(r"^\d{12}$")


@dataclasses.dataclass
class Row:
    """One line of the board: a running notice and what it publishes."""

    notice: NoticePeriod
    procedure: str
    step: str
    subject: list[tuple[str, str]]
    time_left: str
    suspended: bool
    accepts_objections: bool


def _cases(procedure, ids):
    """The cases of one procedure with what its board line reads, in one query."""
    return procedure.board.fetch(procedure.model._base_manager.filter(pk__in=ids))


def _time_left(notice, now) -> str:
    if notice.is_suspended:
        return _("已中止（有异议待处理）")
    left = notice.ends_at - now
    if left <= datetime.timedelta():
        return _("公示期已满，待结束")
    days = notice.days_left(now)
    if days:
        return ngettext("%(days)d天", "%(days)d天", days) % {"days": days}
    hours = left.seconds // 3600
    return _("%(hours)d小时%(minutes)d分钟") % {
        "hours": hours,
        "minutes": left.seconds % 3600 // 60,
    }


def _row(notice, case, now) -> Row:
    return Row(
        notice=notice,
        procedure=str(case.workflow.label),
        step=case.workflow.state_label(notice.state),
        subject=procedure_for(case).board.subject(case),
        time_left=_time_left(notice, now),
        suspended=notice.is_suspended,
        accepts_objections=notice.is_suspended or notice.ends_at > now,
    )


def _rows(notices, now) -> list[Row]:
    """Rows for ``notices``, reading the cases of each procedure in one query."""
    wanted = defaultdict(list)
    for notice in notices:
        wanted[notice.workflow].append(notice.object_id)
    cases = {}
    for workflow, ids in wanted.items():
        try:
            procedure = procedure_for(workflow)
        except LookupError:
            continue
        cases.update(((workflow, case.pk), case) for case in _cases(procedure, ids))
    return [
        _row(notice, cases[notice.workflow, notice.object_id], now)
        for notice in notices
        if (notice.workflow, notice.object_id) in cases
    ]


def _chosen_region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first() if REGION_CODE.match(code) else None
    if region is None:
        raise Http404(_("没有这个区划"))
    return region


def _picker(region: Region | None) -> dict:
    """Where the reader is in the region tree, one level up, and the regions one level down."""
    if region is None:
        return {"trail": [], "up": None, "choices": list(Region.objects.filter(parent=None))}
    trail = list(region.ancestors())
    return {
        "trail": trail,
        "up": trail[-2] if len(trail) > 1 else None,
        "choices": list(region.children.all()),
    }


@require_GET
def board(request):
    """The notices running now, soonest to end first, in the chosen region (all by default)."""
    region = _chosen_region(request.GET.get("region"))
    notices = NoticePeriod.objects.running().order_by("ends_at", "pk")
    if region is not None:
        notices = notices.filter(region__code__startswith=region.prefix)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/board.html",
        {
            "region": region,
            "page": page,
            "rows": _rows(list(page.object_list), clock.now()),
            **_picker(region),
        },
    )


def _open_notice(notice_id: int):
    """The running notice and its case, or 404 when the notice is closed or unknown."""
    notice = NoticePeriod.objects.running().filter(pk=notice_id).first()
    if notice is None:
        raise Http404(_("没有这条正在进行的公示"))
    try:
        procedure = procedure_for(notice.workflow)
    except LookupError:
        raise Http404(_("没有这条正在进行的公示")) from None
    case = _cases(procedure, [notice.object_id]).first()
    if case is None:
        raise Http404(_("没有这条正在进行的公示"))
    return notice, case


def _objection_rate(group, request):
    # Read on each request, so the rate follows the settings in force (and tests can change it).
    return settings.PUBLIC_OBJECTION_RATE


def _throttle(request, *, count: bool) -> bool:
    """Whether this address has filed as many objections as the rate allows; with ``count``,
    count one more (only an accepted objection is counted: a form sent back to be corrected is
    not)."""
    usage = get_usage(
        request, group=THROTTLE_GROUP, key="ip", rate=_objection_rate, increment=count
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _funds(procedure, case) -> str:
    if not procedure.funds:
        return ""
    return _("%(amount)s万元") % {"amount": f"{getattr(case, procedure.funds):.2f}"}


@require_GET
def notice(request, notice_id):
    """A running notice's own page: what is proposed, the funds, the dates, and where to call."""
    notice, case = _open_notice(notice_id)
    procedure = procedure_for(case)
    return render(
        request,
        "public/notice.html",
        {
            "row": _row(notice, case, clock.now()),
            "details": procedure.board.detail(case),
            "funds": _funds(procedure, case),
            "phone": supervision_phone(case.region),
        },
    )


@require_http_methods(["GET", "POST"])
def object_to(request, notice_id):
    """The objection form; filing suspends the notice until the objection is handled. Past the
    rate, the form is not filed and its text is given back, with the phone to call instead."""
    notice, case = _open_notice(notice_id)
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if _throttle(request, count=False):
            return render(
                request,
                "public/throttled.html",
                {
                    "row": _row(notice, case, clock.now()),
                    "text": form.cleaned_data["text"],
                    "phone": supervision_phone(case.region),
                },
                status=429,
            )
        try:
            objection = file_objection(case, **form.cleaned_data)
        except Refusal as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _throttle(request, count=True)
            return redirect("public:objection_filed", receipt=objection.receipt)
    return render(
        request,
        "public/object.html",
        {"row": _row(notice, case, clock.now()), "form": form},
    )


@require_GET
def objection_filed(request, receipt):
    """The thank-you page after filing, with the receipt number (a redirect, so reloading does
    not file twice)."""
    objection = by_receipt(receipt)
    if objection is None:
        raise Http404(_("没有这个回执编号"))
    try:
        workflow = procedure_for(objection.notice.workflow).workflow
    except LookupError:
        raise Http404 from None
    return render(
        request,
        "public/filed.html",
        {
            "procedure": workflow.label,
            "step": workflow.state_label(objection.notice.state),
            "receipt": objection.receipt,
        },
    )


@require_GET
def objection_status(request):
    """异议查询: by its receipt number, an objection's status and the reply, nothing else."""
    typed = request.GET.get("number", "")
    objection = by_receipt(typed) if typed else None
    return render(
        request,
        "public/status.html",
        {
            "number": typed_input.code(typed)[:RECEIPT_FIELD_MAX],
            "looked_up": bool(typed),
            "objection": objection,
            "reply": reply_to(objection) if objection else "",
        },
    )
