"""The public notice board as JSON: the notices running now, for anyone, read-only. What it
publishes is the board's own decision (``admin_site.public.views``): names, never an ID or phone
number."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from admin_site.public.views import _chosen_region, _rows
from approvals import clock
from approvals.models import NoticePeriod

from . import serializers as s
from .cases import Pages
from .responses import public_refusals


def described(row) -> dict:
    notice = row.notice
    return {
        "id": notice.pk,
        "procedure": row.procedure,
        "step": str(row.step),
        "region": {"code": notice.region.code, "name": notice.region.name},
        "subject": [{"label": str(label), "value": str(value)} for label, value in row.subject],
        "ends_at": notice.ends_at,
        "time_left": row.time_left,
        "suspended": row.suspended,
        "accepts_objections": row.accepts_objections,
    }


@extend_schema(
    operation_id="notices_list",
    summary=_("公示公告"),
    auth=[],
    parameters=[
        OpenApiParameter("region", str, description=_("12位区划代码")),
        OpenApiParameter("page", int),
    ],
    responses={200: s.page_of(s.NoticeSerializer), **public_refusals(404)},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def notices_view(request):
    """The notices running now, soonest to end first, in a region (everywhere by default)."""
    region = _chosen_region(request.query_params.get("region"))
    notices = NoticePeriod.objects.running().select_related("region").order_by("ends_at", "pk")
    if region is not None:
        notices = notices.filter(region__code__startswith=region.prefix)
    pages = Pages()
    page = pages.paginate_queryset(notices, request)
    return pages.get_paginated_response([described(r) for r in _rows(page, clock.now())])
