"""Who may use the API: the same people as the admin site (a role in force, or a superuser);
the audit trail only those the inspector admits."""

from rest_framework import permissions

from admin_site.context import may_inspect
from admin_site.request_scope import has_any_role


class HoldsARole(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and has_any_role(request))


class MayInspect(HoldsARole):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and may_inspect(request)
