"""People and their roles in the admin: superusers manage everyone; a county administrator
manages the people of their county with less authority than their own, and appoints them to
roles there, and nothing more.

A county administrator sees a person only if the account belongs to the county (``AccountOwner``:
the county whose administrator created it), every role assignment that person has (or had) lies
inside the county, and none of them ranks at or above a county administrator's (``AUTHORITY``:
the county approver, the auditor, peers). Accounts that carry powers beyond role assignments
(superusers, staff, Django groups or permissions) are the superuser's alone, and the timers'
account is no one's to change. Anything outside what one may see is a 404, as everywhere on the
site. The timers' username is reserved for everyone.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from approvals.system import is_system_user, validate_unreserved_username
from roles.catalogue import Role, roles_at_or_above
from roles.jurisdiction import region_filter
from roles.models import AccountOwner, Level, Region, RoleAssignment, Unit

from .request_scope import has_any_role, readable, request_jurisdiction, sees_reference_pages

User = get_user_model()

OUTSIDE_COUNTY = _("只能在本县范围内任命角色")
NOT_MANAGED = _("只能为您管理的人员任命角色")
RESERVED = _("“%(role)s”角色只能由上级管理员任命")
# What an assignment's form says of a choice posted outside what the administrator manages.
CHOICE_REFUSALS = {"region": OUTSIDE_COUNTY, "user": NOT_MANAGED, "unit": OUTSIDE_COUNTY}

# Roles at or above a county administrator's authority: they neither hand them out (their own
# would let them multiply) nor manage anyone who holds one.
RESERVED_ROLES = roles_at_or_above(Role.COUNTY_ADMIN)

# Fields that give powers outside role assignments; only superusers see or set them.
POWER_FIELDS = frozenset({"is_staff", "is_superuser", "groups", "user_permissions"})


def county_prefixes(request) -> list[str]:
    """Code prefixes of the counties where the user is county administrator today."""
    return request_jurisdiction(request).get(Role.COUNTY_ADMIN, [])


def manages_people(request) -> bool:
    return request.user.is_superuser or bool(county_prefixes(request))


def county_regions(request):
    return Region.objects.filter(region_filter(county_prefixes(request), field=""))


def manageable_users(request, queryset=None):
    """The people the user may see and manage (everyone, for a superuser)."""
    queryset = User._default_manager.all() if queryset is None else queryset
    if request.user.is_superuser:
        return queryset
    prefixes = county_prefixes(request)
    owned = AccountOwner.objects.filter(region_filter(prefixes, "county")).values("user")
    elsewhere = RoleAssignment.objects.exclude(region_filter(prefixes)).values("user")
    senior = RoleAssignment.objects.filter(role__in=RESERVED_ROLES).values("user")
    return (
        queryset.filter(pk__in=owned, is_superuser=False, is_staff=False)
        .exclude(groups__isnull=False)
        .exclude(user_permissions__isnull=False)
        .exclude(pk__in=elsewhere)
        .exclude(pk__in=senior)
    )


def owning_counties(request):
    """The counties an account the user creates may belong to."""
    counties = Region.objects.filter(level=Level.COUNTY)
    return counties if request.user.is_superuser else counties & county_regions(request)


class NotFoundOutsideScope:
    """Django's admin redirects to the index for an id it cannot find; here it is a 404, so a
    page never hints that an object exists outside what the user may see."""

    def _found_or_404(self, request, object_id):
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            raise DisallowedModelAdminToField(f"The field {to_field} cannot be referenced.")
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._found_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._found_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._found_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


class PeopleAdmin(NotFoundOutsideScope):
    """Open to superusers and county administrators only; other roles get a 403."""

    def has_module_permission(self, request):
        return manages_people(request)

    def has_view_permission(self, request, obj=None):
        return manages_people(request)

    def has_add_permission(self, request):
        return manages_people(request)

    def has_change_permission(self, request, obj=None):
        return manages_people(request)


@admin.register(Region)
class RegionAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    """Everyone with a role looks regions up (for autocompletion) in their scope; the tree itself
    is national statistics, changed by superusers only."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return readable(super().get_queryset(request), request, field="")

    def has_module_permission(self, request):
        return sees_reference_pages(request)

    def has_view_permission(self, request, obj=None):
        return has_any_role(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class RoleAssignmentForm(forms.ModelForm):
    request = None  # set per request by RoleAssignmentAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if self.request is None or self.request.user.is_superuser:
            return cleaned
        region = cleaned.get("region")
        role = cleaned.get("role")
        if region is not None and not county_regions(self.request).filter(pk=region.pk).exists():
            self.add_error("region", OUTSIDE_COUNTY)
        if role in RESERVED_ROLES:
            self.add_error("role", RESERVED % {"role": Role(role).label})
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(PeopleAdmin, admin.ModelAdmin):
    """A county administrator appoints the people they manage to roles inside their county; the
    assignments of anyone else (themselves and their peers included) and roles at their own
    authority are for someone above them to change. They still see every assignment in the
    county, so they know who holds what."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "region", "unit", "heads_unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = [
        "user__username",
        "user__first_name",
        "region__name",
        "region__code",
        "unit__name",
    ]
    list_select_related = ["user", "region", "unit"]
    autocomplete_fields = ["user", "region"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(region_filter(county_prefixes(request)))

    def has_change_permission(self, request, obj=None):
        if not manages_people(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return (
            obj.role not in RESERVED_ROLES
            and manageable_users(request).filter(pk=obj.user_id).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Whose assignment it is stays fixed: the person may hold roles the administrator does not
        # manage. Another person gets a new assignment.
        if obj is not None and not request.user.is_superuser:
            return ["user"]
        return []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "region":
                kwargs["queryset"] = county_regions(request)
            elif db_field.name == "user":
                kwargs["queryset"] = manageable_users(request)
            elif db_field.name == "unit":
                kwargs["queryset"] = Unit.objects.filter(region__in=county_regions(request))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if not request.user.is_superuser:
            refusal = CHOICE_REFUSALS[db_field.name]
            field.error_messages = {**field.error_messages, "invalid_choice": refusal}
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def delete_queryset(self, request, queryset):
        # One by one, so each deletion updates the object permissions it mirrors.
        for assignment in queryset:
            assignment.delete()


class UnreservedUsername:
    """A username that reads as the timers' account name is refused, for superusers too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "username" in self.fields:
            self.fields["username"].validators.append(validate_unreserved_username)


class PersonCreationForm(UnreservedUsername, AdminUserCreationForm):
    """A new account, owned by a county of the administrator creating it (optional for a
    superuser, whose accounts without a county are theirs alone)."""

    request = None  # set per request by PersonAdmin.get_form
    county = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("所属县"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = owning_counties(self.request)
        self.fields["county"].queryset = counties
        self.fields["county"].required = not self.request.user.is_superuser
        if len(counties[:2]) == 1:
            self.fields["county"].initial = counties[0]


class PersonChangeForm(UnreservedUsername, UserChangeForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(PeopleAdmin, UserAdmin):
    """Django's user admin, limited to the people a county administrator manages; only
    superusers see or set the fields that grant powers beyond roles, and delete accounts (others
    deactivate them, which keeps their history). The timers' account is shown, never changed."""

    add_form = PersonCreationForm
    add_form_template = "admin/jingzhun/user_add_form.html"
    form = PersonChangeForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "county", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return manageable_users(request, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_system_user(obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not is_system_user(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and form.cleaned_data.get("county"):
            AccountOwner.objects.create(user=obj, county=form.cleaned_data["county"])

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [f for f in options["fields"] if f not in POWER_FIELDS]
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if request.user.is_superuser:
            return shown
        return [f for f in shown if f not in POWER_FIELDS]

    def get_list_filter(self, request):
        shown = super().get_list_filter(request)
        if request.user.is_superuser:
            return shown
        return [f for f in shown if f not in POWER_FIELDS]


# Role assignments are the only grouping of people here; Django's groups are not used.
admin.site.unregister(Group)
