"""The admin site people work in: the queue is the home page, and every page is limited to the
regions the person's roles cover."""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from . import dashboard, inspector, ledgers, queue
from .scope import has_any_role


class JingzhunAdminSite(admin.AdminSite):
    site_header = _("精准扶贫审批系统")
    site_title = _("精准扶贫审批")
    index_title = _("管理")

    def has_permission(self, request):
        """Anyone active with a role in force (or a superuser) works here; staff status is not
        what grants it, role assignments are."""
        return request.user.is_active and has_any_role(request)

    def index(self, request, extra_context=None):
        return redirect("admin:queue")

    def get_urls(self):
        wrap = self.admin_view
        return [
            *queue.urls(wrap),
            *inspector.urls(wrap),
            *dashboard.urls(wrap),
            *ledgers.urls(wrap),
            *super().get_urls(),
        ]
