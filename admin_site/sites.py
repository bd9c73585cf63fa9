"""The admin site people work in: the queue is the home page, and every page is limited to the
regions the person's roles cover."""

import functools

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import Reason
from approvals.models import SecurityEvent
from notifications import views as notification_views
from roles.jurisdiction import jurisdiction_of
from workflows.rectification import outputs as rectification_outputs
from workflows.registers import views as register_views

from . import dashboard, inspector, ledgers, queue, standin_pages, typed
from .api import tokens as api_tokens
from .request_scope import has_any_role, only_audits
from .typed_fields import TypedInputAdmin

# Requests that only read.
READING_METHODS = {"GET", "HEAD", "OPTIONS"}
AUDITORS_ONLY_READ = Reason("auditors_only_read", _("审计角色只能查看，不能修改"))


class RoleLoginForm(AuthenticationForm):
    """Sign-in for anyone holding a role in force: staff status is not what grants the site."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser and not jurisdiction_of(user):
            raise forms.ValidationError(_("您目前没有有效的角色任命，请联系县级系统管理员"))


class ChoicesAutocompleteView(AutocompleteJsonView):
    """Autocompletion offers what the asking form would accept: the source field's choices as
    its ModelAdmin limits them (to where the user may write), not all the user may read. Only
    fields of registered ModelAdmins are answered, so no choice escapes its admin's limits."""

    def get_queryset(self):
        source_admin = self.admin_site._registry.get(self.source_field.model)
        if source_admin is None:
            raise PermissionDenied
        choices = source_admin.formfield_for_foreignkey(self.source_field, self.request).queryset
        return super().get_queryset().filter(pk__in=choices.values("pk"))


class JingzhunAdminSite(admin.AdminSite):
    login_form = RoleLoginForm
    site_header = _("精准扶贫审批系统")
    site_title = _("精准扶贫审批")
    index_title = _("管理")

    def has_permission(self, request):
        """Anyone active with a role in force (or a superuser) works here; staff status is not
        what grants it, role assignments are."""
        return request.user.is_active and has_any_role(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model's admin takes typed input in normal form (``typed_fields``)."""
        admin_class = admin_class or admin.ModelAdmin
        typed = type(admin_class.__name__, (TypedInputAdmin, admin_class), {})
        super().register(model_or_iterable, typed, **options)

    def autocomplete_view(self, request):
        return ChoicesAutocompleteView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        """Every admin view, the site's own and each ModelAdmin's: someone who only audits may
        read, and any request of theirs that could write (a changelist action, a bulk form, a
        case's act URL, an add, change or delete form) is refused with a 403 before the view
        runs, and recorded in the security log. Signing out, changing one's own password and
        managing one's own API tokens stay open to them."""
        wrapped = super().admin_view(view, cacheable)
        if view in (self.logout, self.password_change) or getattr(view, "own_account", False):
            return wrapped

        @functools.wraps(view)
        def read_only_for_auditors(request, *args, **kwargs):
            if request.method == "POST" and not request.user.is_authenticated:
                return _sign_in_again(request)
            if (
                request.method not in READING_METHODS
                and request.user.is_authenticated
                and only_audits(request)
            ):
                _record_write_refused(request)
                raise PermissionDenied(str(AUDITORS_ONLY_READ))
            return wrapped(request, *args, **kwargs)

        return read_only_for_auditors

    def index(self, request, extra_context=None):
        return redirect("admin:queue")

    def get_urls(self):
        wrap = self.admin_view
        return [
            *queue.urls(wrap),
            *inspector.urls(wrap),
            *dashboard.urls(wrap),
            *ledgers.urls(wrap),
            *rectification_outputs.urls(wrap),
            *register_views.urls(wrap),
            *notification_views.urls(wrap),
            *api_tokens.urls(wrap),
            *standin_pages.urls(wrap),
            *super().get_urls(),
        ]


def _sign_in_again(request):
    """A form posted after the session ended: what was typed is kept for the page it came from,
    and signing in leads back to that page, filled again; nothing is acted on unseen."""
    page = typed.page_posted_from(request)
    typed.keep(request, page)
    return redirect_to_login(page, reverse("admin:login"))


def _record_write_refused(request) -> None:
    match = request.resolver_match
    SecurityEvent.objects.create(
        user=request.user,
        kind=SecurityEvent.Kind.PERMISSION,
        workflow="admin",
        action=(match.url_name if match and match.url_name else request.path)[:64],
        reasons=[str(AUDITORS_ONLY_READ)],
        reason_records=[AUDITORS_ONLY_READ.as_record()],
    )
