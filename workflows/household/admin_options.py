"""How households and their cases show in the admin. The admin site registers these with its
jurisdiction scoping and case pages; register status and case states change only through the
engine (the identification and exit procedures), never in these forms."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admin_site.confirmation import confirmation_page, is_confirmed
from approvals.exceptions import Refusal

from . import idnumber
from .cases import apply_for_identification, propose_exit
from .models import (
    ExitCase,
    GuaranteeCheck,
    IncomeAssessment,
    Member,
)


class MemberForm(forms.ModelForm):
    def clean_id_number(self):
        """The number in its one spelling, before it is checked against those registered:
        ``６２０１…`` typed on a full-width keyboard is the person registered as ``6201…``."""
        return idnumber.normalise(self.cleaned_data["id_number"])


class MemberInline(admin.TabularInline):
    model = Member
    form = MemberForm
    extra = 1
    fields = ["name", "id_number", "relation", "sex", "birth_date", "health", "education",
              "labour_skill", "student_status"]  # fmt: skip
    readonly_fields = ["sex", "birth_date"]


class IncomeInline(admin.TabularInline):
    model = IncomeAssessment
    extra = 0
    fields = ["year", "wage_income", "business_income", "transfer_income", "property_income",
              "household_size", "per_capita"]  # fmt: skip
    readonly_fields = ["household_size", "per_capita"]


class GuaranteeInline(admin.StackedInline):
    model = GuaranteeCheck
    extra = 0


class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "head_name", "region", "register_status", "monitoring_status",
                    "poverty_attribute", "main_cause", "helper"]  # fmt: skip
    list_filter = ["register_status", "monitoring_status", "poverty_attribute", "main_cause"]
    search_fields = ["number", "head_name", "region__name", "region__code"]
    list_select_related = ["region", "helper"]
    # The helper is chosen from a list: the people holding a role where one may write (few),
    # which the village committee may not search for in the people administration.
    autocomplete_fields = ["region"]
    readonly_fields = ["register_status", "identification_year", "exit_year",
                       "monitoring_status", "monitored_since"]  # fmt: skip
    inlines = [MemberInline, IncomeInline, GuaranteeInline]
    actions = ["open_identification", "open_exit"]

    @admin.action(description=gettext_lazy("申请识别（按最近一年收入测算）"))
    def open_identification(self, request, queryset):
        self._open(request, queryset, apply_for_identification)

    @admin.action(description=gettext_lazy("拟退出（按最近一年收入测算）"))
    def open_exit(self, request, queryset):
        """Opening an exit begins taking households off the register: confirmed first."""
        if not is_confirmed(request):
            households = list(queryset.select_related("region"))
            change = {
                "source": _("建档立卡户"),
                "target": ExitCase.workflow.state_label(ExitCase.workflow.initial),
                "ends_case": False,
                "cases": households,
            }
            return confirmation_page(
                request,
                title=_("拟退出"),
                changes=[change],
                back=request.get_full_path(),
                what=_("将为所选农户发起退出程序（拟退出），经评议、核实、公示后销号。"),
            )
        self._open(request, queryset, propose_exit)

    def _open(self, request, queryset, opener):
        """Open a case for each selected household through the engine, saying what was refused."""
        for household in queryset:
            year = household.incomes.order_by("-year").values_list("year", flat=True).first()
            if year is None:
                self.message_user(
                    request,
                    _("%(household)s：缺少收入测算") % {"household": household},
                    messages.ERROR,
                )
                continue
            try:
                opener(household, request.user, year)
            except Refusal as exc:
                for reason in exc.reasons:
                    self.message_user(request, f"{household}：{reason}", messages.ERROR)
            else:
                self.message_user(request, _("%(household)s：已立案") % {"household": household})


class HouseholdCaseAdmin(admin.ModelAdmin):
    # Opened from the household list (申请识别/拟退出), which checks the household's standing.
    addable = False
    # A case stays with the household and year it opened; its meeting comes through 民主评议.
    readonly_fields = [
        "household", "year", "meeting_date", "representatives_total", "attendees", "votes_for",
        "minutes",
    ]  # fmt: skip

    list_display = ["household", "year", "region", "state", "state_since"]
    list_filter = ["state", "year"]
    search_fields = ["household__head_name", "household__number", "region__name"]
    list_select_related = ["household", "region"]
    raw_id_fields = ["region"]


class PovertyLineAdmin(admin.ModelAdmin):
    list_display = ["year", "region_prefix", "amount", "dibao_line", "verification", "source"]
    list_filter = ["region_prefix", "verified"]

    @admin.display(description=gettext_lazy("核实情况"), ordering="verified")
    def verification(self, line):
        return line.verification()


class VillagePopulationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "rural_population"]
    autocomplete_fields = ["region"]
