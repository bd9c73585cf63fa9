"""The queue, a procedure's cases, one case with what the person may do on it, and acting on
one case or many: the admin's queue filters, scopes and engine calls, as JSON."""

import itertools
import types

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from admin_site import claiming, queue
from admin_site.cases import action_inputs
from admin_site.request_scope import (
    get_readable_or_404,
    is_read_only,
    readable,
    request_jurisdiction,
)
from admin_site.timeline import timeline
from approvals import perform, queue_for, typed_input
from approvals.engine import record_denial
from approvals.exceptions import ConflictError
from approvals.locking import ensure_unchanged
from approvals.procedures import workflow_models

from . import serializers as s
from .errors import form_invalid
from .responses import refusals

QUEUE_LIMIT = 200
WORKFLOW = OpenApiParameter(
    "workflow", str, OpenApiParameter.PATH, enum=sorted(workflow_models()), description=_("流程")
)
FILTERS = [
    OpenApiParameter("state", str, description=_("状态")),
    OpenApiParameter("region", str, description=_("乡镇或村的12位区划代码")),
    OpenApiParameter("since", str, description=_("进入本环节不早于（YYYY-MM-DD）")),
    OpenApiParameter("until", str, description=_("进入本环节不晚于（YYYY-MM-DD）")),
    OpenApiParameter("q", str, description=_("搜索")),
    OpenApiParameter("page", int),
]


class Pages(PageNumberPagination):
    page_size = 50


def model_or_404(workflow: str):
    model = workflow_models().get(workflow)
    if model is None:
        raise Http404
    return model


def case_or_404(request, model, pk):
    pk = typed_input.whole_number(str(pk), *typed_input.column_range(model._meta.pk))
    if pk is None:
        raise Http404
    return get_readable_or_404(model._default_manager.all(), request, pk=pk)


def summary(case) -> dict:
    name = case.workflow.name
    return {
        "id": case.pk,
        "workflow": name,
        "title": str(case),
        "state": case.state,
        "state_label": str(case.state_label),
        "state_since": case.state_since,
        "due_date": case.due_date,
        "region": {"code": case.region.code, "name": case.region.name},
        "url": reverse("api:case", args=[name, case.pk]),
    }


def record_of(case) -> dict:
    """The case's own fields, as JSON: related rows by id, other values as the field writes them."""
    record = {}
    for field in case._meta.concrete_fields:
        value = field.value_from_object(case)
        if not isinstance(value, str | int | float | bool | type(None)):
            value = field.value_to_string(case)
        record[field.attname] = value
    return record


def described(action) -> dict:
    return {
        "name": action.name,
        "label": action.label,
        "allowed": action.allowed,
        "reasons": action.reasons,
        "comment_required": action.comment_required,
        "kind": str(action.kind),
        "inputs": [
            {
                "name": i.name,
                "label": str(i.label),
                "kind": i.kind,
                "choices": [[str(v), str(label)] for v, label in i.choices],
            }
            for i in action.inputs
        ],
    }


def trail(case) -> list[dict]:
    return [
        {
            "created_at": row["entry"].created_at,
            "actor": row["entry"].actor.username if row["entry"].actor else None,
            "role": str(row["role"]),
            "action": row["entry"].action,
            "action_label": row["action"],
            "from_state": str(row["from_state"]),
            "to_state": str(row["to_state"]),
            "comment": row["entry"].comment,
            "changes": row["diff"]["changes"],
        }
        for row in timeline(case)
    ]


@extend_schema(
    operation_id="queue",
    summary=_("我的待办"),
    parameters=[
        OpenApiParameter("workflow", str, enum=sorted(workflow_models()), description=_("流程")),
        OpenApiParameter("limit", int, description=_("最多返回条数（1–200，默认50）")),
    ],
    responses={200: s.QueueSerializer, **refusals(400)},
)
@api_view(["GET"])
def queue_view(request):
    """Everything awaiting an action the person may take, oldest first (``queue_for``)."""
    workflow = request.query_params.get("workflow") or None
    if workflow is not None and workflow not in workflow_models():
        raise ValidationError({"workflow": [_("没有这个流程")]})
    limit = typed_input.whole_number(request.query_params.get("limit", ""), 1, QUEUE_LIMIT) or 50
    cases = queue_for(request.user, workflow, jurisdiction=request_jurisdiction(request))
    results = [summary(case) for case in itertools.islice(cases, limit + 1)]
    return Response({"results": results[:limit], "more": len(results) > limit})


@extend_schema(
    operation_id="cases_list",
    summary=_("某流程的案件"),
    parameters=[WORKFLOW, *FILTERS],
    responses={200: s.page_of(s.CaseSerializer), **refusals(400, 404)},
)
@api_view(["GET"])
def cases_view(request, workflow):
    """The procedure's cases the person may read, filtered as the queue filters them."""
    model = model_or_404(workflow)
    form = queue.QueueFilters(request.query_params, workflow=model.workflow, request=request)
    if not form.is_valid():
        raise form_invalid(form)
    cases = queue.filtered(request, readable(model._default_manager.all(), request), form)
    pages = Pages()
    page = pages.paginate_queryset(cases.order_by("state_since", "pk"), request)
    return pages.get_paginated_response([summary(case) for case in page])


def detail(case, request) -> dict:
    # Someone who only reads is offered no actions (the engine refuses them all); a stand-in,
    # the absent person's when only those are open to them (as on the case page).
    actions, person = [], None
    if not is_read_only(request):
        actions, person = claiming.actions_for(request, case)
    return {
        **summary(case),
        "record": record_of(case),
        "actions": [described(a) for a in actions],
        "on_behalf_of": person.pk if person else None,
        "timeline": trail(case),
    }


@extend_schema(
    operation_id="case_detail",
    summary=_("案件详情"),
    parameters=[WORKFLOW],
    responses={200: s.CaseDetailSerializer, **refusals(404)},
)
@api_view(["GET"])
def case_view(request, workflow, pk):
    """The record, where it stands, what the person may do now (and why not), its history."""
    case = case_or_404(request, model_or_404(workflow), pk)
    return Response(detail(case, request))


@extend_schema(
    operation_id="case_perform",
    summary=_("办理"),
    parameters=[WORKFLOW],
    request=s.PerformSerializer,
    responses={200: s.PerformedSerializer, **refusals(400, 404, 409, 422)},
)
@api_view(["POST"])
def perform_view(request, workflow, pk):
    """Take one action on the case through the engine; a refusal changes nothing."""
    case = case_or_404(request, model_or_404(workflow), pk)
    body = s.PerformSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    action = body.validated_data["action"]
    seen = body.validated_data.get("state")
    if seen is not None:
        try:
            ensure_unchanged(types.SimpleNamespace(state=seen), case)
        except ConflictError as exc:
            record_denial(case, action, request.user, exc)
            raise
    # JSON carries the values under "inputs"; a multipart form (with files) as fields by name.
    form_fields = request.data.dict() if hasattr(request.data, "dict") else {}
    values = body.validated_data["inputs"] or form_fields
    data = action_inputs(case, action, values, request.FILES.dict())
    absent = claiming.absent_person(request, body.validated_data.get("on_behalf_of", ""))
    comment = body.validated_data["comment"]
    entry = perform(case, action, request.user, comment=comment, data=data, on_behalf_of=absent)
    return Response(
        {
            "entry": {
                "id": entry.pk,
                "action": entry.action,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "created_at": entry.created_at,
                "hash": entry.hash,
            },
            "case": summary(case),
        }
    )


@extend_schema(
    operation_id="cases_bulk",
    summary=_("批量办理"),
    parameters=[WORKFLOW],
    request=s.BulkSerializer,
    responses={200: s.BulkResultSerializer, **refusals(400, 404)},
)
@api_view(["POST"])
def bulk_view(request, workflow):
    """One action with one comment on cases of the person's queue, each checked on its own."""
    model = model_or_404(workflow)
    body = s.BulkSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    form = queue.QueueFilters({}, workflow=model.workflow, request=request)
    result, missing = queue.act_on_many(
        request,
        model,
        form,
        body.validated_data["ids"],
        body.validated_data["action"],
        body.validated_data["comment"],
    )
    return Response(
        {
            "done": [summary(case) for case, _entry in result.done],
            "refused": [
                {"id": case.pk, "reasons": [str(r) for r in reasons]}
                for case, reasons in result.refused
            ],
            "missing": missing,
        }
    )
