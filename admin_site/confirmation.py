"""The confirmation page shown before a decisive step (``Workflow.needs_confirmation``) and
before opening a case of a procedure that asks for it (``Procedure.confirm_opening``): what will
happen, to how many cases, the funds they ask for in 万元, and a button to go ahead that carries
everything the person entered (their comment, their inputs, the form's one-time token).

Nothing is written until the person confirms; the confirmed post is the same form posted again
with ``confirmed`` set, and acts through the usual path.
"""

from decimal import Decimal

from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _

from approvals.procedures import procedure_for
from roles.names import name_of

CONFIRMED_FIELD = "confirmed"
# Fields of the first post that are not carried to the confirmation page's own form.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "1"


def funds_of(cases) -> Decimal | None:
    """The sum of the funds the cases ask for, in 万元; None when their procedure moves no money."""
    cases = list(cases)
    procedure = cases and getattr(cases[0], "workflow", None) and procedure_for(cases[0])
    field = procedure.funds if procedure else ""  # households to open cases for: no money
    if not field:
        return None
    return sum((getattr(case, field) or Decimal(0) for case in cases), Decimal(0))


def _target_labels(workflow, transition) -> str:
    return _("或").join(str(workflow.state_label(t)) for t in transition.possible_targets())


def steps_needing_confirmation(workflow, action: str, cases) -> list[dict]:
    """What ``action`` would do to each of ``cases`` that asks for a confirmation, grouped by
    the state they are in: empty when none does."""
    changes: dict[str, dict] = {}
    for case in cases:
        transition = workflow.transition(action, case.state)
        if transition is None or not workflow.needs_confirmation(transition):
            continue
        change = changes.setdefault(
            case.state,
            {
                "source": workflow.state_label(case.state),
                "target": _target_labels(workflow, transition),
                "ends_case": workflow.ends_case(transition),
                "cases": [],
            },
        )
        change["cases"].append(case)
    return list(changes.values())


def carried_fields(request) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_CARRIED
        for value in values
    ]


def confirmation_page(request, *, title, changes, back, what="", on_behalf_of=None):
    """The page asking to confirm ``changes`` (from ``steps_needing_confirmation``, or one
    made up for an opening), posting the same fields back to the same address; a stand-in is
    told whom they act for (``on_behalf_of``)."""
    cases = [case for change in changes for case in change["cases"]]
    context = {
        **admin.site.each_context(request),
        "title": _("请确认：%(action)s") % {"action": title},
        "action": title,
        "what": what,
        "changes": changes,
        "count": len(cases),
        "funds": funds_of(cases),
        "destructive": any(change["ends_case"] for change in changes),
        "comment": request.POST.get("comment", ""),
        "on_behalf_of_name": name_of(on_behalf_of),
        "fields": carried_fields(request),
        "back": back,
    }
    return render(request, "admin/jingzhun/confirm.html", context)
