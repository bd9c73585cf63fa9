"""The audit trail for those the inspector admits: the inspector's search, and verifying the
chains of a region (or all the reader's)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from admin_site import inspector
from approvals import audit

from . import serializers as s
from .cases import Pages
from .errors import form_invalid
from .permissions import MayInspect
from .responses import refusals

SEARCH = [
    OpenApiParameter(name, str, description=label)
    for name, label in (
        ("region", _("12位区划代码")),
        ("workflow", _("流程")),
        ("actor", _("操作人用户名")),
        ("role", _("角色")),
        ("action", _("操作")),
        ("state", _("新状态")),
        ("since", _("起始日期（YYYY-MM-DD）")),
        ("until", _("截止日期（YYYY-MM-DD）")),
    )
]


@extend_schema(
    operation_id="audit_search",
    summary=_("审计检索"),
    parameters=[*SEARCH, OpenApiParameter("page", int)],
    responses={200: s.page_of(s.AuditEntrySerializer), **refusals(400, 404)},
)
@api_view(["GET"])
@permission_classes([MayInspect])
def search_view(request):
    """Audit entries in the reader's area, newest first, as the inspector finds them."""
    form = inspector.AuditSearch(request.query_params, request)
    if not form.is_valid():
        raise form_invalid(form)
    entries = form.entries(request).select_related("actor", "region")
    pages = Pages()
    page = pages.paginate_queryset(entries, request)
    return pages.get_paginated_response(
        [
            {
                "id": entry.pk,
                "created_at": entry.created_at,
                "workflow": entry.workflow,
                "procedure": str(labels["procedure"]),
                "object_id": entry.object_id,
                "action": entry.action,
                "action_label": labels["action"],
                "from_state": str(labels["from_state"] or ""),
                "to_state": str(labels["to_state"]),
                "actor": entry.actor.username if entry.actor else None,
                "role": str(labels["role"]),
                "region": entry.region.code if entry.region else None,
                "comment": entry.comment,
                "hash": entry.hash,
            }
            for entry, labels in inspector.labelled(page)
        ]
    )


@extend_schema(
    operation_id="audit_verify",
    summary=_("链条核验"),
    parameters=[OpenApiParameter("region", str, description=_("12位区划代码；不填为全部辖区"))],
    responses={200: s.VerificationSerializer, **refusals(404)},
)
@api_view(["GET"])
@permission_classes([MayInspect])
def verify_view(request):
    """Recompute every chain under the region against its head, as ``verify_audit`` does."""
    region = inspector.verified_region(request, request.query_params.get("region", ""))
    findings = audit.Findings()
    checked = 0

    def tick():
        nonlocal checked
        checked += 1

    lines = inspector.verify_chains(request, region, findings, tick)
    problems = [line for line in lines if line is not None]
    problems += findings.key_lines()
    return Response(
        {
            "region": {"code": region.code, "name": region.name} if region else None,
            "checked": checked,
            "problems": problems,
            "intact": not findings.problems,
            "verdict": inspector.verdict(checked, findings),
        }
    )
