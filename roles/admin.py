from django.contrib import admin

from .models import Region, RoleAssignment


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "region__name", "region__code"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "region"]
