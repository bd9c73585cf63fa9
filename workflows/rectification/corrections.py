"""Correcting a problem's record on its page (its area, text, measures, tier and deadline).

A correction is an audited edit (``approvals.edits.record_edit``): the problem's own chain gets
one entry with each old and new value, written with the change, by whoever the problem lets edit
it now (``Problem.edit_rule``: its campaign's office, until it is closed). A refusal changes
nothing, is logged, and comes back with the form as it was typed.
"""

from django import forms

from admin_site.typed_fields import LineField, TextField
from approvals import edits
from approvals.decisions import may_edit

from .models import Problem

# The fields a correction may change: the units and the lead unit decide who holds the tasks
# already fanned out, so they are not corrected in place.
FIELDS = [
    "area",
    "description",
    "measures",
    "requirement",
    "tier",
    "deadline",
    "deadline_working_days",
]
TEXTS = ["description", "measures", "requirement"]


class ProblemRecordForm(forms.ModelForm):
    """The problem's record as its office corrects it; typed text in normal form."""

    class Meta:
        model = Problem
        fields = FIELDS
        field_classes = {
            "area": LineField,
            **dict.fromkeys(TEXTS, TextField),
        }
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in TEXTS},
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, problem=None, **kwargs):
        # A bound form edits its own copy: a refused correction leaves the page's problem as read.
        if problem is not None and args and args[0] is not None:
            problem = Problem.objects.get(pk=problem.pk)
        super().__init__(*args, instance=problem, **kwargs)


def refusals(problem, user) -> tuple:
    """Why ``user`` may not correct ``problem`` now (none if they may)."""
    return tuple(may_edit(problem, user).details)


def correct(form: ProblemRecordForm, actor) -> None:
    """Save what the valid ``form`` changed as one audited edit (nothing if nothing changed)."""
    edits.record_edit(form.instance, actor, form.changed_data)
