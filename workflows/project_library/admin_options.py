"""How the project record shows in the admin. The admin site registers these with its
jurisdiction scoping and case pages; states change only through the engine, never in a form."""

from django.contrib import admin

from .models import PerformanceTarget, ProjectApplication, ProjectAttachment


class PerformanceTargetInline(admin.TabularInline):
    model = PerformanceTarget
    extra = 1


class ProjectAttachmentInline(admin.TabularInline):
    model = ProjectAttachment
    extra = 0
    fields = ["kind", "name", "sha256", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProjectApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "state", "category", "total_funds", "state_since"]
    list_filter = ["state", "category", "construction_nature"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [PerformanceTargetInline, ProjectAttachmentInline]


ADMINS = {ProjectApplication: ProjectApplicationAdmin}
