"""Units (县直部门, 乡镇, 整改办) in the admin: a county administrator sets up the units of their
county; everyone else reads the units in their scope, with the people who act for each.

A unit's people are its role assignments (``roles.units``): they are appointed on the role
assignment form, where a unit is offered only in the administrator's county.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from roles import units
from roles.models import Level, Region, Unit

from .people import OUTSIDE_COUNTY, NotFoundOutsideScope, county_prefixes, county_regions
from .request_scope import readable
from .scoped_admin import ReadableBySiteUsers

HEAD = _("（负责人）")


@admin.register(Unit)
class UnitAdmin(NotFoundOutsideScope, ReadableBySiteUsers, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "people"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]
    readonly_fields = ["people"]

    def get_queryset(self, request):
        return readable(super().get_queryset(request), request)

    def _manages(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not county_prefixes(request):
            return False
        return obj is None or any(obj.region.code.startswith(p) for p in county_prefixes(request))

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            regions = Region.objects.all() if request.user.is_superuser else county_regions(request)
            kwargs["queryset"] = regions.filter(level__in=(Level.COUNTY, Level.TOWNSHIP))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "region":
            field.error_messages = {**field.error_messages, "invalid_choice": OUTSIDE_COUNTY}
        return field

    @admin.display(description=_("单位人员"))
    def people(self, unit):
        if unit.pk is None:
            return "—"
        heads = set(units.heads(unit).values_list("pk", flat=True))
        names = [
            (person.get_full_name() or person.username) + (HEAD if person.pk in heads else "")
            for person in units.members(unit)
        ]
        return "、".join(names) or "—"
