"""The pages' peer: Django's stock admin changelist over the same model and rows as each page.

A separate ``AdminSite`` (``/peer/``), not the product's: plain ``ModelAdmin`` changelists of
``ProjectApplication`` and ``AuditEntry``, 50 rows a page like the queue and the inspector, whose
querysets are the rows the measured page lists (the person's queue; the audit entries of the
procedure in the auditor's regions). Any lookup in the query string is allowed, so the village
search is ``?region__code__startswith=…``.
"""

from django.contrib import admin
from django.urls import path

from approvals.models import AuditEntry
from roles.jurisdiction import jurisdiction_of, region_filter
from workflows.project_library.models import ProjectApplication


class PeerSite(admin.AdminSite):
    site_header = "peer"

    def has_permission(self, request):
        return request.user.is_active

    def get_urls(self):
        """The site's pages, and the names the product's header links to (to this site's
        index), so the stock pages render under the same base template."""
        named = [path("", self.index, name=name) for name in HEADER_LINKS]
        return super().get_urls() + named


HEADER_LINKS = (
    "queue",
    "dashboard",
    "inspector",
    "ledgers",
    "standins",
    "register_import",
    "inbox",
)
site = PeerSite(name="peer")


class PeerAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def lookup_allowed(self, lookup, value, request=None):
        return True


@admin.register(ProjectApplication, site=site)
class QueuePeer(PeerAdmin):
    list_display = ("name", "region", "state", "state_since")
    list_select_related = ("region",)

    def get_queryset(self, request):
        return ProjectApplication.objects.awaiting(request.user).order_by("state_since", "pk")


@admin.register(AuditEntry, site=site)
class AuditPeer(PeerAdmin):
    list_display = ("created_at", "action", "from_state", "to_state", "actor", "region")
    list_select_related = ("region", "actor")
    ordering = ("-created_at", "-pk")

    def get_queryset(self, request):
        prefixes = jurisdiction_of(request.user).get("auditor", [])
        return AuditEntry.objects.filter(region_filter(prefixes), workflow="project_library")
