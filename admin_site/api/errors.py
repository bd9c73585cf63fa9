"""Every error of the API in one shape: ``detail`` to show, ``reasons`` with codes for
programs, and ``fields`` for input that did not validate.

An engine refusal maps to its status: 403 for a role that may not act, 409 when the case changed
under the caller, 422 for a step not possible now (with the guards' reasons).
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
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
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        response.data = {
            "detail": str(detail.get("detail", "") if isinstance(detail, dict) else detail),
            "reasons": [{"code": str(getattr(detail, "code", "error")), "message": str(detail)}],
        }
    return response


def form_invalid(form):
    """A filter form's errors as the API's 400."""
    return exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
