"""Read-only views of the engine's records. Nothing here changes a case or its history."""

from django.contrib import admin

from .models import AuditEntry, NoticePeriod, Objection, Policy, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "workflow",
        "object_id",
        "seq",
        "action",
        "from_state",
        "to_state",
        "actor",
        "actor_role",
        "region",
    ]
    list_filter = ["workflow", "action", "actor_role"]
    search_fields = ["region__code", "actor__username", "comment"]
    list_select_related = ["actor", "region"]
    date_hierarchy = "created_at"


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "workflow", "action", "object_id", "region"]
    list_filter = ["kind", "workflow"]
    list_select_related = ["user", "region"]
    date_hierarchy = "created_at"


@admin.register(NoticePeriod)
class NoticePeriodAdmin(ReadOnlyAdmin):
    list_display = [
        "workflow",
        "object_id",
        "state",
        "region",
        "opened_at",
        "ends_at",
        "suspended_at",
        "closed_at",
    ]
    list_filter = ["workflow", "state"]
    list_select_related = ["region"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["filed_at", "name", "notice", "status", "resolved_by", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["notice", "resolved_by"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["workflow", "version", "region_prefix", "effective_from"]
    list_filter = ["workflow"]
