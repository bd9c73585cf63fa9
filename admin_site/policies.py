"""Policy versions in the admin: a version cases are pinned to is shown read-only, and a change
is made as a new version ("另存为新版本") with its own name, date and source document.

Each value is shown with its level (national, provincial, county default) and source, so a local
default is never read as national.

Who may make a version: superusers anywhere; a county office or county approver for their own
region (the new version's region prefix is one of theirs), so a county can adopt its own rules
without touching the national or another county's. The State Council's holiday schedule is the
one national policy they keep too: it is the same everywhere and published once a year, so a
county office or approver enters a year's schedule (a national ``holiday_calendar`` version) and
corrects a schedule's dates, never its region; every other national version stays with
superusers. Making and correcting a version are entries of the version's audit chain
(``approvals.policy_versions``), shown under its form, naming the role the person acted as.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import calendar, policy_display, policy_versions
from approvals.models import Policy
from roles.catalogue import Role

from .request_scope import request_jurisdiction
from .timeline import timeline

# Roles that may make a policy version for the regions they hold.
POLICY_MAKERS = (Role.COUNTY_OFFICE, Role.COUNTY_APPROVER)


# The fields holding the rules as JSON: read in the table of values unless they are edited.
RULES = ("values", "value_sources")

# What a holiday schedule's keeper may not change: it is national, and stays the calendar.
SCHEDULE_PLACE = ["workflow", "region_prefix"]


def schedule_keeper_role(request) -> str | None:
    """The policy-making role, held anywhere, as which the user keeps the holiday schedule."""
    held = request_jurisdiction(request)
    return next((role for role in POLICY_MAKERS if held.get(role)), None)


def keeps_schedule(request, policy) -> bool:
    """Whether ``policy`` is a holiday schedule the user keeps (not as a superuser)."""
    return policy.workflow == calendar.WORKFLOW and schedule_keeper_role(request) is not None


def version_prefixes(request, base=None) -> list[str] | None:
    """Region prefixes the user may make versions of ``base`` for (None: any, for a superuser);
    a holiday schedule's keeper makes national ones ("")."""
    if request.user.is_superuser:
        return None
    if base is not None and keeps_schedule(request, base):
        return [""]
    held = request_jurisdiction(request)
    return sorted({p for role in POLICY_MAKERS for p in held.get(role, [])})


def maker_role(request, policy) -> str:
    """The role the user makes or corrects ``policy`` as, for its trail."""
    held = request_jurisdiction(request)
    for role in POLICY_MAKERS:
        if any(policy.region_prefix.startswith(p) for p in held.get(role, [])):
            return role
    if policy.workflow == calendar.WORKFLOW:
        return schedule_keeper_role(request) or policy_versions.SUPERUSER_ROLE
    return policy_versions.SUPERUSER_ROLE


class NewVersionForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["version", "region_prefix", "effective_from", "source", "values", "value_sources"]

    def __init__(self, *args, base, prefixes, **kwargs):
        super().__init__(*args, instance=Policy(workflow=base.workflow), **kwargs)
        self.fields["source"].required = True
        if prefixes == [""]:  # a national version only: nothing to choose
            del self.fields["region_prefix"]
        elif prefixes is not None:
            self.fields["region_prefix"] = forms.ChoiceField(
                label=Policy._meta.get_field("region_prefix").verbose_name,
                choices=[(p, p) for p in prefixes],
            )

    def clean_version(self):
        version = self.cleaned_data["version"]
        if Policy.objects.filter(workflow=self.instance.workflow, version=version).exists():
            message = _("该流程已有名为“%(version)s”的版本") % {"version": version}
            raise forms.ValidationError(message)
        return version


class PolicyAdmin(admin.ModelAdmin):
    list_display = ["workflow", "version", "region_prefix", "effective_from", "supersedes"]
    list_filter = ["workflow"]
    readonly_fields = ["supersedes", "created_by", "created_at"]
    change_form_template = "admin/jingzhun/policy_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_use():
            return [f.name for f in Policy._meta.fields]
        shown = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.is_superuser and keeps_schedule(request, obj):
            return [*shown, *SCHEDULE_PLACE]
        return shown

    def get_fields(self, request, obj=None):
        """Values that cannot be changed here read in the table above the form, by name; their
        JSON is shown only where it is edited."""
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        fixed = self.get_readonly_fields(request, obj)
        editable = self.has_change_permission(request, obj)
        return [f for f in fields if f not in RULES or (editable and f not in fixed)]

    def has_change_permission(self, request, obj=None):
        if obj is not None and keeps_schedule(request, obj):
            return True
        return super().has_change_permission(request, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.new_version_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_new_version"
        return [path("<path:object_id>/new_version/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        if record is None:
            return super().change_view(request, object_id, form_url, extra_context)
        context = {
            "may_make_version": version_prefixes(request, record) != [],
            "kind": record.chain_verbose_name(),
            "timeline": timeline(record),
            "provenance": policy_display.shown_values(record),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def save_model(self, request, obj, form, change):
        """A version made or corrected here is an entry of its chain, with old and new values."""
        role = maker_role(request, obj)
        if change:
            policy_versions.correct(obj, request.user, role)
        else:
            policy_versions.create(obj, request.user, role)

    def new_version_view(self, request, object_id):
        """另存为新版本: a copy of this version's values, to be changed and saved as a new one."""
        base = self.get_object(request, object_id)
        if base is None:
            return redirect("admin:approvals_policy_changelist")
        prefixes = version_prefixes(request, base)
        if prefixes == []:
            raise PermissionDenied
        initial = {
            "region_prefix": base.region_prefix,
            "effective_from": base.effective_from,
            "values": base.values,
            "value_sources": base.value_sources,
        }
        form = NewVersionForm(request.POST or None, initial=initial, base=base, prefixes=prefixes)
        if request.method == "POST" and form.is_valid():
            version = form.save(commit=False)
            policy_versions.supersede(version, base, request.user, maker_role(request, version))
            messages.success(request, _("已另存为新版本“%(version)s”") % {"version": version})
            return redirect("admin:approvals_policy_change", version.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "base": base,
            "form": form,
            "title": gettext_lazy("另存为新版本"),
        }
        return render(request, "admin/jingzhun/policy_new_version.html", context)
