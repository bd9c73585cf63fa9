"""How the project record shows in the admin. The admin site registers these with its
jurisdiction scoping and case pages; states change only through the engine, never in a form."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from approvals.models import Policy

from .choices import categories_for
from .models import PerformanceTarget, ProjectApplication, ProjectAttachment


class PerformanceTargetInline(admin.TabularInline):
    model = PerformanceTarget
    extra = 1


class ProjectAttachmentInline(admin.TabularInline):
    model = ProjectAttachment
    extra = 0
    fields = ["kind", "download", "size_shown", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False
    read_only = True  # attachments are added by the 上传附件 step, with their hash audited

    @admin.display(description=_("文件名"))
    def download(self, attachment):
        """The file's name, linked to the case's download of it (its trail's copy)."""
        if attachment.pk is None:  # the inline's blank template row
            return ""
        url = reverse(
            "admin:project_library_projectapplication_file",
            args=[attachment.project_id, attachment.sha256],
        )
        return format_html('<a href="{}" download>{}</a>', url, attachment.name)

    @admin.display(description=_("大小"))
    def size_shown(self, attachment):
        return filesizeformat(attachment.size)


class ProjectApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "state", "category", "total_funds", "state_since"]
    list_filter = ["state", "category", "construction_nature"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [PerformanceTargetInline, ProjectAttachmentInline]
    # The meeting is recorded by the 记录议事结果 step, with its figures in the audit trail.
    readonly_fields = ["meeting_date", "representatives_total", "attendees", "votes_for", "minutes"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """Offer the category list of the policy the project runs under (or the current one)."""
        if db_field.name == "category":
            project = getattr(request, "_editing_project", None)
            policy = (
                project.policy if project else Policy.current(ProjectApplication.workflow.name, "")
            )
            kwargs["choices"] = [("", "---------"), *categories_for(policy)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._editing_project = obj
        return super().get_form(request, obj, change, **kwargs)
