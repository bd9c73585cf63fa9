"""How the monitoring procedures show in the admin. An inclusion is opened from its add form
(线索登记) and an elimination from its own (拟消除, only households under monitoring are
offered), each with the household chosen among those the person may write; states change only
through the engine. The household page gains the assistance plan (一户一策) and its measures,
saved with the household as one audited edit on the household's chain."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from workflows.household.admin_options import HouseholdAdmin
from workflows.household.choices import MonitoringStatus

from .choices import RiskCause
from .models import AssistanceMeasure, AssistancePlan, EliminationCase, MonitoringCase


def case_in_household_village(form):
    """A case runs in its household's village (the engine checks the opener may act there)."""
    cleaned = form.cleaned_data
    if cleaned.get("household") is not None and form.instance.region_id is None:
        form.instance.region = cleaned["household"].region
    return cleaned


class OpenedForAHousehold(admin.ModelAdmin):
    """A case opened from its add form, which asks only what its form names; it stays with the
    household and year it was opened for."""

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.form.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        shown = super().get_readonly_fields(request, obj)
        return shown if obj is None else [*shown, "household", "year"]


class MonitoringCaseForm(forms.ModelForm):
    risk_causes = forms.MultipleChoiceField(
        label=MonitoringCase._meta.get_field("risk_causes").verbose_name,
        choices=RiskCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MonitoringCase
        fields = ["household", "year", "clue_source", "monitoring_type", "risk_causes"]

    def clean(self):
        super().clean()
        return case_in_household_village(self)


class MonitoringCaseAdmin(OpenedForAHousehold):
    form = MonitoringCaseForm
    list_display = ["household", "monitoring_type", "clue_source", "region", "state",
                    "state_since"]  # fmt: skip
    list_filter = ["state", "monitoring_type", "clue_source", "year"]
    search_fields = ["household__head_name", "household__number", "region__name"]
    list_select_related = ["household", "region"]
    readonly_fields = ["authorisation_sha256", "comparison_result", "hardship_expense",
                       "meeting_date", "representatives_total", "attendees", "votes_for",
                       "minutes"]  # fmt: skip


class EliminationCaseForm(forms.ModelForm):
    class Meta:
        model = EliminationCase
        fields = ["household", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        households = self.fields.get("household")
        if households is not None:  # the site has limited it to the write scope already
            households.queryset = households.queryset.filter(
                monitoring_status=MonitoringStatus.MONITORED
            )

    def clean(self):
        super().clean()
        return case_in_household_village(self)


class EliminationCaseAdmin(OpenedForAHousehold):
    form = EliminationCaseForm
    list_display = ["household", "year", "region", "state", "state_since"]
    list_filter = ["state", "year"]
    search_fields = ["household__head_name", "household__number", "region__name"]
    list_select_related = ["household", "region"]
    readonly_fields = ["risk_resolution", "meeting_date", "representatives_total", "attendees",
                       "votes_for", "minutes"]  # fmt: skip


class AssistancePlanInline(admin.StackedInline):
    """The plan is drawn up by the county's decision to include; its goal is written here."""

    model = AssistancePlan
    extra = 0
    max_num = 0  # plans come with inclusion, one each
    can_delete = False
    fields = ["monitoring_case", "drawn_up_on", "goal"]
    readonly_fields = ["monitoring_case"]


class MeasureForm(forms.ModelForm):
    class Meta:
        model = AssistanceMeasure
        fields = ["kind", "content", "responsible", "planned_on", "delivered_on",
                  "delivery_note"]  # fmt: skip

    def clean(self):
        """A new measure belongs to the household's current plan (its latest inclusion's)."""
        cleaned = super().clean()
        household = self.instance.household
        if self.instance.plan_id is None:
            plan = household.assistance_plans.order_by("-pk").first()
            if plan is None or household.monitoring_status != MonitoringStatus.MONITORED:
                raise forms.ValidationError(_("该户未在监测中，不能新增帮扶措施"))
            self.instance.plan = plan
        return cleaned


class AssistanceMeasureInline(admin.TabularInline):
    model = AssistanceMeasure
    form = MeasureForm
    extra = 0
    can_delete = False  # a measure planned stays on record, delivered or not


class MonitoredHouseholdAdmin(HouseholdAdmin):
    """The household page with its assistance plans and measures, once it has been included."""

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.assistance_plans.exists():
            inlines += [AssistancePlanInline, AssistanceMeasureInline]
        return inlines
