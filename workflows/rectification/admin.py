"""Campaigns and their problems in the admin, and the rectification tab of 我的待办.

A campaign is created by the county's rectification office and read by whoever reads one of its
problems (``scope``). A problem is opened through the service from its add form, and its page
shows the record, each unit's task, the flow with the current tasks, the timeline of its trail,
its evidence, and the forms of what the person may do now; every form posts to the problem's
``act/`` URL, which goes through the service. Nothing here writes a state or an audit entry.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from admin_site import files, queue
from admin_site.audited import RecordAdmin
from admin_site.scoped_admin import ScopedAdmin
from approvals.exceptions import Refusal
from roles import units as unit_people
from roles.catalogue import Role
from roles.jurisdiction import region_filter
from roles.models import Level, Region, Unit, UnitKind

from . import actions, import_views, overview, process, scope
from .diagram import flow_svg
from .figures import campaign_figures
from .models import Campaign, Problem
from .reading import reading_or_404
from .trail import problem_timeline

READING = ("GET", "HEAD")
UNKNOWN_ACTION = _("无法办理：该操作不存在或已不适用于本问题")
DONE = _("已办理“%(action)s”，问题当前状态：%(state)s")


def offices_of(user):
    """The rectification offices ``user`` works for (not as a read-only role)."""
    return unit_people.acting_assignments(user).filter(unit__kind=UnitKind.OFFICE).values("unit")


class CampaignAdmin(RecordAdmin):
    """Made and corrected through ``approvals.edits`` (its chain); its county and office decide
    who closes its items, so they are set once (``Campaign.engine_fields``)."""

    list_display = ["title", "source", "county", "office", "opened_on"]
    list_filter = ["source"]
    search_fields = ["title"]
    list_select_related = ["county", "office"]
    fields = ["source", "title", "county", "opened_on", "office"]
    change_form_template = "admin/rectification/campaign_change_form.html"

    def roles_that_write(self):
        return (Role.COUNTY_OFFICE,)

    def get_queryset(self, request):
        # Not ScopedAdmin's region filter: a unit's people hold their role over the whole county
        # yet read only their unit's part (``scope``).
        return scope.readable_campaigns(request, super(ScopedAdmin, self).get_queryset(request))

    def get_urls(self):
        # Before the admin's own: "import/" is not a campaign's id.
        return [*import_views.urls(self.admin_site.admin_view), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The campaign with its figures and downloads (``figures``, ``outputs``) and the list of
        the problems the person reads, each linked to its page."""
        campaign = self.get_object(request, object_id)
        reading = reading_or_404(request, campaign.pk)
        today = timezone.localdate()
        problems = list(reading.problems.select_related("lead_unit").order_by("number"))
        for problem in problems:
            problem.overdue = overview.problem_is_overdue(problem, today)
        offices = set(offices_of(request.user).values_list("unit", flat=True))
        add = reverse("admin:rectification_problem_add") + f"?campaign={campaign.pk}"
        context = {
            "campaign": campaign,
            "reading": reading,
            "figures": campaign_figures(reading, today),
            "month": f"{today:%Y-%m}",
            "problems": problems,
            "add_problem": add if campaign.office_id in offices else "",
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)


class ProblemForm(forms.ModelForm):
    """A new problem of a campaign's list. Once every field is valid the service opens it (as
    the last check), so what it refuses is shown on the form with everything typed kept."""

    request = None  # set per request by ProblemAdmin.get_form
    opened = None

    class Meta:
        model = Problem
        fields = [
            "campaign",
            "number",
            "area",
            "description",
            "measures",
            "requirement",
            "lead_unit",
            "units",
            "tier",
            "deadline",
            "deadline_working_days",
            "villages",
        ]
        widgets = {"units": forms.CheckboxSelectMultiple}

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self._errors:
            data = self.cleaned_data
            try:
                self.opened = process.open_problem(
                    data["campaign"],
                    actor=self.request.user,
                    **{name: data[name] for name in self.Meta.fields if name != "campaign"},
                )
            except Refusal as exc:
                for reason in exc.reasons:
                    self.add_error(None, reason)


class ProblemAdmin(ScopedAdmin):
    form = ProblemForm
    list_display = ["number", "area", "campaign", "lead_unit", "state", "tier", "due", "recurring"]
    list_display_links = ["number", "area"]
    list_filter = ["state", "tier", "recurring", "campaign"]
    search_fields = ["area", "description"]
    list_select_related = ["campaign", "lead_unit"]

    def get_queryset(self, request):
        # As for campaigns: by unit, not by the region of the person's role alone.
        return scope.readable_problems(request, super(ScopedAdmin, self).get_queryset(request))

    @admin.display(description=_("整改时限"))
    def due(self, problem):
        due = problem.due_date
        if due is None:
            return "—"
        late = overview.problem_is_overdue(problem)
        return f"{due:%Y-%m-%d}{_('（已逾期）') if late else ''}"

    def has_add_permission(self, request):
        return offices_of(request.user).exists()

    def has_change_permission(self, request, obj=None):
        """A problem changes only through the actions of its page."""
        return False

    def _counties(self, request):
        campaigns = Campaign.objects.filter(office__in=offices_of(request.user))
        counties = Region.objects.filter(rectification_campaigns__in=campaigns)
        return [county.prefix for county in counties]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.filter(office__in=offices_of(request.user))
        elif db_field.name == "lead_unit":
            kwargs["queryset"] = Unit.objects.filter(region_filter(self._counties(request)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        prefixes = self._counties(request)
        if db_field.name == "units":
            kwargs["queryset"] = Unit.objects.filter(region_filter(prefixes))
        elif db_field.name == "villages":
            villages = Region.objects.filter(level=Level.VILLAGE)
            kwargs["queryset"] = villages.filter(region_filter(prefixes, ""))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_form(self, request, form, change):
        return form.opened

    def save_model(self, request, obj, form, change):
        """Saved by the service when the form was checked."""

    def save_related(self, request, form, formsets, change):
        """The units and villages were set by the service."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/act/", wrap(self.act_view), name="rectification_problem_act"),
            path(
                "<path:object_id>/file/<str:sha256>/",
                wrap(self.file_view),
                name="rectification_problem_file",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        problem = self.get_object(request, object_id)
        if request.method not in READING:
            raise PermissionDenied
        return self.problem_page(request, problem)

    def problem_page(self, request, problem, bound=None):
        rounds = list(
            problem.rounds.order_by("-number").prefetch_related(
                "unit_tasks__unit", "unit_tasks__task__owner"
            )
        )
        today = timezone.localdate()
        for rectification in rounds:
            for unit_task in rectification.unit_tasks.all():
                unit_task.overdue = overview.is_overdue(unit_task, today)
        offers = actions.offers(problem, request.user, bound)
        evidence = [
            {
                **files.describe(
                    problem,
                    {"sha256": e.sha256, "name": e.name, "size": e.size, "type": e.content_type},
                ),
                "row": e,
            }
            for e in problem.evidence.select_related("unit_task__unit", "uploaded_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(problem),
            "problem": problem,
            "overdue": overview.problem_is_overdue(problem, today),
            "rounds": rounds,
            "diagram": flow_svg(rounds[0] if rounds else None),  # rendered and escaped
            "timeline": problem_timeline(problem),
            "evidence": evidence,
            "offers": offers,
            "nothing": "" if any(o.allowed for o in offers) else actions.why_nothing(request.user),
            "act_url": reverse("admin:rectification_problem_act", args=[problem.pk]),
        }
        return TemplateResponse(request, "admin/rectification/problem.html", context)

    def act_view(self, request, object_id):
        """Take one action on the problem through the service and come back to its page; a
        refusal shows its reasons on the page with the form as it was filled in."""
        problem = self.get_object(request, object_id)
        if request.method != "POST":
            raise PermissionDenied
        try:
            outcome = actions.carry_out(problem, request)
        except actions.UnknownAction:
            messages.error(request, UNKNOWN_ACTION)
            return redirect("admin:rectification_problem_change", problem.pk)
        if outcome.done:
            problem.refresh_from_db()
            label = actions.KINDS[request.POST["action"]].label
            messages.success(
                request, DONE % {"action": label, "state": problem.get_state_display()}
            )
            return redirect("admin:rectification_problem_change", problem.pk)
        for reason in outcome.reasons:
            messages.error(request, reason)
        problem.refresh_from_db()
        return self.problem_page(request, problem, bound={outcome.key: outcome.form})

    def file_view(self, request, object_id, sha256):
        """Evidence of the problem, through the entry of its trail that kept it."""
        return files.download(request, self.get_object(request, object_id), sha256)


def _queue_count(request) -> int:
    return process.awaiting(request.user).count


def _queue_page(request, context):
    waiting = process.awaiting(request.user)
    today = timezone.localdate()
    # Each row names its problem by its campaign (``Problem.__str__``).
    unit_tasks = list(
        waiting.unit_tasks.select_related("problem__campaign").order_by("due_on", "pk")
    )
    for unit_task in unit_tasks:
        unit_task.overdue = overview.is_overdue(unit_task, today)
    context = {
        **context,
        "unit_tasks": unit_tasks,
        "verifying": list(waiting.verifying.select_related("campaign").order_by("state_since")),
        "closing": list(waiting.closing.select_related("campaign").order_by("state_since")),
    }
    return TemplateResponse(request, "admin/rectification/queue.html", context)


# viewflow's own admin lists every process and task to whoever holds Django's model permissions,
# outside any jurisdiction; rounds and tasks are read on their problem's page instead.
admin.site.unregister([Process, Task])
admin.site.register(Campaign, CampaignAdmin)
admin.site.register(Problem, ProblemAdmin)
queue.add_tab(queue.Tab("rectification", _("问题整改"), _queue_count, _queue_page))
