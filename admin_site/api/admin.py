"""Loaded by the admin's autodiscovery: the tokens in the admin's lists."""

from django.contrib import admin

from admin_site.people import NotFoundOutsideScope
from admin_site.scoped_admin import ReadableBySiteUsers

from .models import ApiToken


class ApiTokenAdmin(NotFoundOutsideScope, ReadableBySiteUsers, admin.ModelAdmin):
    """Each person's own tokens (a superuser's: everyone's), to read; they are created and
    revoked on the tokens page, where the key is shown once."""

    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = list_display
    list_select_related = ["user"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(ApiToken, ApiTokenAdmin)
