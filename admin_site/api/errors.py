"""Every error of the API in one shape: ``detail`` to show, ``reasons`` with codes for
programs, and ``fields`` for input that did not validate.

An engine refusal maps to its status: 403 for a role that may not act, 409 when the case changed
under the caller, 422 for a step not possible now (with the guards' reasons).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response
from rest_framework.views import exception_handler

from approvals.exceptions import ConflictError, PermissionDenied, Refusal

REFUSAL_STATUS = {
    PermissionDenied: status.HTTP_403_FORBIDDEN,
    ConflictError: status.HTTP_409_CONFLICT,
}


def refusal_response(exc: Refusal) -> Response:
    code = next(
        (code for kind, code in REFUSAL_STATUS.items() if isinstance(exc, kind)),
        status.HTTP_422_UNPROCESSABLE_ENTITY,
    )
    reasons = [{"code": r.code, "message": str(r)} for r in exc.details]
    return Response({"detail": str(exc), "reasons": reasons}, status=code)


def handle(exc, context):
    """DRF's handler, with refusals and every other error in the API's one shape."""
    if isinstance(exc, Refusal):
        return refusal_response(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": _("输入有误，请按提示修改"), "reasons": [], "fields": fields}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "detail": str(detail),
            "reasons": [{"code": str(getattr(detail, "code", "error")), "message": str(detail)}],
        }
    return response


def form_invalid(form):
    """A filter form's errors as the API's 400."""
    return exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request):
    raise Http404
