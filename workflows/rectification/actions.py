"""What a person may do on a problem now, as forms, and the one place those forms are carried out.

Each action is offered to whoever acts for the unit it belongs to (``roles.units``): a unit's
people claim, plan and report their unit's task, the lead unit verifies, the office closes,
sends back, re-opens and corrects the record. The actions one may not take are listed too, with
the service's reasons (``process.available``). Every action is carried out by the service
(``process``, or ``corrections`` for the record), which checks all of it again under the
problem's lock; a refusal comes back with its reasons and the bound form, so the page shows both
and keeps what was typed.
"""

import dataclasses
from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _

from admin_site.uploads import refused_uploads
from approvals import typed_input
from approvals.exceptions import Refusal
from roles import units as unit_people
from roles.catalogue import READ_ONLY_ROLES
from roles.models import RoleAssignment

from . import corrections, process
from .models import UnitTask

ACCEPT, SEND_BACK = "accept", "send_back"
NOTHING_TO_DO = _("当前没有您可以办理的事项")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files; the service checks each one (type by content, size)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return list(data or [])


def _text(label, required=False):
    return forms.CharField(
        label=label, required=required, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoInputs(forms.Form):
    pass


class PlanForm(forms.Form):
    plan = _text(_("整改方案"))


class ReportForm(forms.Form):
    measures_taken = _text(_("整改措施落实情况"))
    progress = _text(_("整改进展"))
    files = EvidenceField(label=_("印证材料"), required=False)


class UnitsForm(forms.Form):
    """A choice among the current round's units (to send back), with a reason for each unit
    chosen: each unit reads why it was sent back."""

    def __init__(self, *args, unit_tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = forms.MultipleChoiceField(
            label=_("退回的责任单位"),
            required=False,
            choices=[(str(ut.unit_id), ut.unit.name) for ut in unit_tasks],
            widget=forms.CheckboxSelectMultiple,
        )
        for unit_task in unit_tasks:
            label = _("退回“%(unit)s”的理由") % {"unit": unit_task.unit.name}
            self.fields[self.reason_field(unit_task)] = _text(label)
        self.unit_tasks = {str(ut.unit_id): ut for ut in unit_tasks}

    @staticmethod
    def reason_field(unit_task) -> str:
        return f"reason_{unit_task.unit_id}"

    def clean(self):
        data = super().clean()
        if self.sends_back():
            for unit_task in self.chosen():
                name = self.reason_field(unit_task)
                if not typed_input.prose(data.get(name) or "", multiline=True):
                    self.add_error(name, process.reason_required(unit_task.unit))
        return data

    def sends_back(self) -> bool:
        return True

    def chosen(self) -> list[UnitTask]:
        return [self.unit_tasks[pk] for pk in self.cleaned_data.get("units", [])]

    def reasons(self) -> dict[UnitTask, str]:
        """{unit task: its reason} of the units chosen."""
        return {ut: self.cleaned_data[self.reason_field(ut)] for ut in self.chosen()}


class VerifyForm(UnitsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"] = forms.ChoiceField(
            label=_("核查结果"),
            choices=[(ACCEPT, _("核查通过")), (SEND_BACK, _("退回所选单位重新整改"))],
            initial=ACCEPT,
            widget=forms.RadioSelect,
        )
        self.order_fields(["decision", "units"])

    def sends_back(self) -> bool:
        return self.cleaned_data.get("decision") == SEND_BACK


class CloseForm(forms.Form):
    comment = _text(_("销号意见"))
    files = EvidenceField(label=_("销号材料"), required=False)


class ReopenForm(forms.Form):
    reason = _text(_("重新整改的理由"))


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    label: str
    form: type
    # The service call: (problem, unit task or None, valid form, files, actor).
    run: Callable
    with_units: bool = False
    per_unit: bool = False
    on_record: bool = False  # the form edits the problem's record


def _files(request, form, name="files"):
    """What was uploaded in ``form``'s file field, with files refused on arrival for the service
    to name (too large)."""
    field = form.add_prefix(name)
    refused = [f for key, f in refused_uploads(request).items() if key == field]
    return [*refused, *request.FILES.getlist(field)]


def _claim(problem, unit_task, form, files, actor):
    process.claim(unit_task, actor=actor)


def _release(problem, unit_task, form, files, actor):
    process.release(unit_task, actor=actor)


def _plan(problem, unit_task, form, files, actor):
    process.submit_plan(unit_task, actor=actor, plan=form.cleaned_data["plan"])


def _report(problem, unit_task, form, files, actor):
    data = form.cleaned_data
    process.submit_report(
        unit_task,
        actor=actor,
        measures_taken=data["measures_taken"],
        progress=data["progress"],
        files=files,
    )


def _verify(problem, unit_task, form, files, actor):
    if form.sends_back():
        process.verify(problem, actor=actor, send_back=form.reasons())
    else:
        process.verify(problem, actor=actor)


def _close(problem, unit_task, form, files, actor):
    process.close(problem, actor=actor, comment=form.cleaned_data["comment"], files=files)


def _send_back(problem, unit_task, form, files, actor):
    process.send_back_from_office(problem, actor=actor, send_back=form.reasons())


def _reopen(problem, unit_task, form, files, actor):
    process.reopen(problem, actor=actor, reason=form.cleaned_data["reason"])


def _correct(problem, unit_task, form, files, actor):
    corrections.correct(form, actor)


KINDS = {
    kind.name: kind
    for kind in [
        Kind("claim", _("认领任务"), NoInputs, _claim, per_unit=True),
        Kind("release", _("放弃认领"), NoInputs, _release, per_unit=True),
        Kind("plan", _("报送整改方案"), PlanForm, _plan, per_unit=True),
        Kind("report", _("报送整改情况"), ReportForm, _report, per_unit=True),
        Kind("verify", _("核查"), VerifyForm, _verify, with_units=True),
        Kind("close", _("销号"), CloseForm, _close),
        Kind("office_send_back", _("退回整改"), UnitsForm, _send_back, with_units=True),
        Kind("reopen", _("重新整改（回头看发现反弹）"), ReopenForm, _reopen),
        Kind("edit", _("修改问题清单"), corrections.ProblemRecordForm, _correct, on_record=True),
    ]
}


@dataclasses.dataclass
class Offer:
    """One action out of where the problem stands: one the person may take, with its form
    (bound when it was just refused), or one they may not, with the reasons why."""

    kind: Kind
    form: forms.Form | None
    unit_task: UnitTask | None = None
    reasons: list = dataclasses.field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def key(self) -> str:
        return f"{self.kind.name}-{self.unit_task.pk}" if self.unit_task else self.kind.name

    @property
    def title(self) -> str:
        return f"{self.kind.label}（{self.unit_task.unit}）" if self.unit_task else self.kind.label


def _form(kind: Kind, key: str, problem, unit_tasks, data=None, files=None) -> forms.Form:
    extra = {}
    if kind.with_units:
        extra = {"unit_tasks": unit_tasks}
    elif kind.on_record:
        extra = {"problem": problem}
    return kind.form(data, files, prefix=key, **extra)


def _round_tasks(problem) -> list[UnitTask]:
    rectification = process.current_round(problem)
    if rectification is None:
        return []
    return list(rectification.unit_tasks.select_related("unit", "task__owner"))


def offers(problem, user, bound: dict | None = None) -> list[Offer]:
    """Every action out of where ``problem`` stands (``process.available``) and the correction
    of its record: those ``user`` may take with their forms, the others with their reasons;
    ``bound`` is {key: form} of a form just refused, shown again as it was filled in."""
    bound = bound or {}
    tasks = _round_tasks(problem)
    steps = process.available(problem, user, tasks)
    steps.append(process.Available("edit", None, corrections.refusals(problem, user)))
    result = []
    for step in steps:
        offer = Offer(KINDS[step.name], None, step.unit_task, [str(r) for r in step.reasons])
        if offer.allowed:
            offer.form = bound.get(offer.key) or _form(offer.kind, offer.key, problem, tasks)
        result.append(offer)
    return result


def why_nothing(user) -> str:
    """Why a person has nothing to do on a problem they read."""
    read_only = RoleAssignment.objects.valid_on().filter(user=user, role__in=READ_ONLY_ROLES)
    if read_only.exists() and not unit_people.acting_assignments(user).exists():
        return str(process.READ_ONLY)
    return str(NOTHING_TO_DO)


class UnknownAction(Exception):
    """An action name or unit task the page never offered: nothing is done."""


@dataclasses.dataclass
class Outcome:
    """What came of a posted action: the bound form (to show again unless it was done) and the
    service's reasons for refusing it."""

    key: str
    form: forms.Form
    reasons: list = dataclasses.field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.form.is_valid() and not self.reasons


def _unit_task(problem, posted) -> UnitTask:
    pk = typed_input.whole_number(posted or "", *typed_input.column_range(UnitTask._meta.pk))
    unit_task = UnitTask.objects.filter(problem=problem, pk=pk).select_related("unit").first()
    if unit_task is None:
        raise UnknownAction
    return unit_task


def carry_out(problem, request) -> Outcome:
    """Take the posted action on ``problem`` through the service, as the signed-in person."""
    kind = KINDS.get(request.POST.get("action", ""))
    if kind is None:
        raise UnknownAction
    unit_task = _unit_task(problem, request.POST.get("unit_task")) if kind.per_unit else None
    rectification = process.current_round(problem)
    tasks = list(rectification.unit_tasks.select_related("unit")) if rectification else []
    key = Offer(kind, None, unit_task).key
    outcome = Outcome(key, _form(kind, key, problem, tasks, request.POST, request.FILES))
    if outcome.form.is_valid():
        try:
            kind.run(problem, unit_task, outcome.form, _files(request, outcome.form), request.user)
        except Refusal as exc:
            outcome.reasons = list(exc.reasons)
    return outcome
