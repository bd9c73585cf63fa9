"""The public notice board (公示公告栏): the notices running now, and the objection form.

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
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from approvals import clock
from approvals.exceptions import Refusal
from approvals.models import NoticePeriod
from approvals.notices import file_objection
from approvals.procedures import procedure_for
from roles.models import Region

from .forms import ObjectionForm

PAGE_SIZE = 50
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
    hours = left.seconds // 3600
    if left.days:
        return _("%(days)d天%(hours)d小时") % {"days": left.days, "hours": hours}
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


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_objection_rate, method="POST", block=False)
def object_to(request, notice_id):
    """The objection form; filing suspends the notice until the objection is handled."""
    if getattr(request, "limited", False):
        return render(request, "public/throttled.html", status=429)
    notice, case = _open_notice(notice_id)
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if form.is_valid():
            try:
                file_objection(case, **form.cleaned_data)
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("public:objection_filed", notice_id=notice.pk)
    else:
        form = ObjectionForm()
    return render(
        request,
        "public/object.html",
        {"row": _row(notice, case, clock.now()), "form": form},
    )


@require_GET
def objection_filed(request, notice_id):
    """The thank-you page after filing (a redirect, so reloading does not file twice)."""
    notice = get_object_or_404(NoticePeriod, pk=notice_id)
    try:
        workflow = procedure_for(notice.workflow).workflow
    except LookupError:
        raise Http404 from None
    return render(
        request,
        "public/filed.html",
        {"procedure": workflow.label, "step": workflow.state_label(notice.state)},
    )
