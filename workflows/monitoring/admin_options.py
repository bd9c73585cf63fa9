"""How monitoring cases show in the admin. A case is opened from the add form (线索登记), with
the household chosen among those the person may write; its state changes only through the
engine."""

from django import forms
from django.contrib import admin

from .choices import RiskCause
from .models import MonitoringCase


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
        """A case runs in its household's village (the engine checks the opener may act there)."""
        cleaned = super().clean()
        if cleaned.get("household") is not None and self.instance.region_id is None:
            self.instance.region = cleaned["household"].region
        return cleaned


class MonitoringCaseAdmin(admin.ModelAdmin):
    form = MonitoringCaseForm
    list_display = ["household", "monitoring_type", "clue_source", "region", "state",
                    "state_since"]  # fmt: skip
    list_filter = ["state", "monitoring_type", "clue_source", "year"]
    search_fields = ["household__head_name", "household__number", "region__name"]
    list_select_related = ["household", "region"]
    readonly_fields = ["authorisation_sha256", "comparison_result", "hardship_expense",
                       "meeting_date", "representatives_total", "attendees", "votes_for",
                       "minutes"]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return MonitoringCaseForm.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        shown = super().get_readonly_fields(request, obj)
        # A case stays with the household and year its clue was registered for.
        return shown if obj is None else [*shown, "household", "year"]
