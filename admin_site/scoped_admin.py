"""The admin's rules for who sees and changes what, as ModelAdmin bases.

Lists show only rows in the user's read scope; an object outside it is a 404. Adding, changing
and every region, household or case a form offers are limited to the write scope of the roles
that may write the model (``ScopedAdmin.roles_that_write``), so a read-only role never widens it.
Nothing is deleted from the admin: records with a history are kept. Policy data (lines, policy
versions) is read by everyone who works here and changed by superusers (and by the policy makers
``admin_site/policies.py`` names, for their own versions and the holiday schedule).
"""

from functools import reduce

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from approvals import procedures
from roles.catalogue import Role
from roles.models import Region, RoleAssignment

from .request_scope import (
    has_any_role,
    in_write_scope,
    read_filter,
    sees_reference_pages,
    write_filter,
    write_prefixes,
)

OUTSIDE_WRITE_SCOPE = _("所选项不在您有权办理的辖区内")
OUTSIDE_WRITE_SCOPE_SKIPPED = _("所选的%(count)d项不在您有权办理的辖区内，未予处理")


def region_path(model) -> str | None:
    """How to reach a model's region: "" for regions themselves, the path its procedure gives
    (``Procedure.region_paths``), "region" for a model with that field, None for one without."""
    if issubclass(model, Region):
        return ""
    path = procedures.region_path(model)
    if path is not None:
        return path
    try:
        model._meta.get_field("region")
    except FieldDoesNotExist:
        return None
    return "region"


def region_of(obj, path: str):
    return reduce(getattr, path.split("__"), obj) if path else obj


def people_in_write_scope(request, roles=None):
    """The people who hold a role in force where the user may write as one of ``roles``: whom a
    form may name (a household's helper)."""
    held = RoleAssignment.objects.valid_on().exclude(role=Role.SYSTEM)
    return held.filter(write_filter(request, "region", roles)).values("user")


def limit_to_write_scope(field, request, roles=None):
    """A form field choosing a region (or a row that has one) offers only rows where the user may
    write as one of ``roles`` (any writing role if None), one choosing a person only people
    holding a role there; posting another is a form error."""
    if field is None or not hasattr(field, "queryset"):
        return field
    model = field.queryset.model
    path = region_path(model)
    if model is get_user_model():
        field.queryset = field.queryset.filter(pk__in=people_in_write_scope(request, roles))
    elif path is None:
        return field
    else:
        field.queryset = field.queryset.filter(write_filter(request, path, roles))
    field.error_messages = {**field.error_messages, "invalid_choice": OUTSIDE_WRITE_SCOPE}
    return field


class ReadableBySiteUsers:
    def has_module_permission(self, request):
        return has_any_role(request)

    def has_view_permission(self, request, obj=None):
        return has_any_role(request)

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyDataAdmin(ReadableBySiteUsers, admin.ModelAdmin):
    def has_module_permission(self, request):
        return sees_reference_pages(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class InheritsPermissions:
    """An inline that may be seen and changed exactly when its parent record may be (an inline
    with ``read_only = True`` only shown), offering the parent's write scope in its choices."""

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_to_write_scope(field, request, self.parent.roles_that_write())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return limit_to_write_scope(field, request, self.parent.roles_that_write())


class ScopedAdmin(ReadableBySiteUsers, admin.ModelAdmin):
    """Rows in the user's read scope; those inside the write scope of a role that may write the
    model may be changed, and forms offer only choices inside it."""

    region_field = "region"

    def roles_that_write(self):
        """The roles whose write scope counts for this model (None: every writing role)."""
        return None

    def get_inlines(self, request, obj):
        return [
            type(f"Scoped{inline.__name__}", (InheritsPermissions, inline), {"parent": self})
            for inline in super().get_inlines(request, obj)
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(read_filter(request, self.region_field))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def may_write(self, request) -> bool:
        """Does the user hold, anywhere, a role that may write this model?"""
        return bool(write_prefixes(request, self.roles_that_write()))

    def has_add_permission(self, request):
        return self.may_write(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.may_write(request)
        region = region_of(obj, self.region_field)
        return in_write_scope(request, region, self.roles_that_write())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_to_write_scope(field, request, self.roles_that_write())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return limit_to_write_scope(field, request, self.roles_that_write())

    def get_changelist_instance(self, request):
        """The list marks the rows outside the write scope: they get no box to select."""
        changelist = super().get_changelist_instance(request)
        for row in changelist.result_list:
            region = region_of(row, self.region_field)
            row.outside_write_scope = not in_write_scope(request, region, self.roles_that_write())
        return changelist

    def action_checkbox(self, obj):
        if getattr(obj, "outside_write_scope", False):
            return ""
        return super().action_checkbox(obj)

    def response_action(self, request, queryset):
        """A changelist action acts only on the selected rows inside the write scope; how many
        others were selected is said, and they are left alone."""
        writable = queryset.filter(
            write_filter(request, self.region_field, self.roles_that_write())
        )
        if request.POST.get("select_across", "0") == "1":
            chosen = queryset
        else:
            chosen = queryset.filter(pk__in=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        skipped = chosen.exclude(pk__in=writable.values("pk")).count()
        response = super().response_action(request, writable)
        if response is not None and skipped:
            self.message_user(
                request, OUTSIDE_WRITE_SCOPE_SKIPPED % {"count": skipped}, messages.WARNING
            )
        return response
