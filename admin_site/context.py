"""Template context for every admin page: which parts of the menu this person may open."""

from roles.catalogue import Role
from workflows.registers.scope import IMPORT_ROLES

from .request_scope import has_any_role, request_jurisdiction

INSPECTOR_ROLES = {Role.AUDITOR, Role.COUNTY_OFFICE, Role.COUNTY_APPROVER}


def may_inspect(request) -> bool:
    """Auditors and the county's own offices read the audit trail; superusers too."""
    if request.user.is_superuser:
        return True
    return bool(INSPECTOR_ROLES & set(request_jurisdiction(request)))


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    working = has_any_role(request)
    return {
        "jingzhun_nav": {
            "dashboard": working,
            "inspector": may_inspect(request),
            "ledgers": working,
            "registers": bool(set(IMPORT_ROLES) & set(request_jurisdiction(request))),
        }
    }
