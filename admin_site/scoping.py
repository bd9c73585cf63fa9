"""The admin's rules for who sees and changes what, as ModelAdmin bases.

Lists show only rows in the user's jurisdiction; an object outside it is a 404. Nothing is
deleted from the admin: records with a history are kept. Policy data (lines, policy versions)
is read by everyone who works here and changed only by superusers.
"""

from django.contrib import admin
from django.http import Http404

from .scope import acting_roles, has_any_role, region_filter_for


class ReadableBySiteUsers:
    def has_module_permission(self, request):
        return has_any_role(request)

    def has_view_permission(self, request, obj=None):
        return has_any_role(request)

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyDataAdmin(ReadableBySiteUsers, admin.ModelAdmin):
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class InheritsPermissions:
    """An inline that may be seen and changed exactly when its parent record may be (an inline
    with ``read_only = True`` only shown)."""

    read_only = False

    def _may_change(self, request, obj):
        if self.read_only:
            return False
        if obj is None:
            return self.parent.has_add_permission(request)
        return self.parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete and self._may_change(request, obj)


class ScopedAdmin(ReadableBySiteUsers, admin.ModelAdmin):
    """Rows in the user's jurisdiction; those with an acting role there may change them."""

    region_field = "region"

    def get_inlines(self, request, obj):
        return [
            type(f"Scoped{inline.__name__}", (InheritsPermissions, inline), {"parent": self})
            for inline in super().get_inlines(request, obj)
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(region_filter_for(request, self.region_field))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(acting_roles(request))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or bool(acting_roles(request))
