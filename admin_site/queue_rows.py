"""What a row of the queue shows of a case besides its name: the funds it asks for (万元, the
procedure's ``funds`` field), who opened it, who handles it (认领), and flags — returned (with
the reason given), an objection open, overdue. Each is read for a whole page at once, so a page
costs the same few queries whatever its length."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from approvals import claims
from approvals.models import AuditEntry, NoticePeriod, Objection
from approvals.procedures import procedure_for
from approvals.spec import CREATE
from notifications.events import is_return
from roles.names import name_of


def _trail_facts(model, cases) -> tuple[dict, dict]:
    """Who opened each case, and the reason it was returned if its current state was entered
    by a step back: one query over the page's opening and state-changing entries."""
    entries = (
        AuditEntry.objects.for_model(model)
        .filter(object_id__in=[c.pk for c in cases])
        .filter(Q(action=CREATE) | ~Q(from_state=F("to_state")))
        .select_related("actor")
        .only(
            "object_id",
            "seq",
            "action",
            "from_state",
            "to_state",
            "comment",
            "created_at",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
        )
        .order_by("object_id", "seq")
    )
    openers, last_moves = {}, {}
    for entry in entries:
        if entry.action == CREATE:
            openers[entry.object_id] = name_of(entry.actor)
        else:
            last_moves[entry.object_id] = entry
    workflow = model.workflow
    returned = {}
    for case in cases:
        move = last_moves.get(case.pk)
        if move and move.to_state == case.state and is_return(workflow, move):
            returned[case.pk] = move.comment or "—"
    return openers, returned


def _objections_open(model, cases) -> set:
    return set(
        NoticePeriod.objects.for_model(model)
        .running()
        .filter(
            object_id__in=[c.pk for c in cases],
            objections__status=Objection.Status.OPEN,
        )
        .values_list("object_id", flat=True)
    )


def rows(model, cases) -> list[dict]:
    """The queue's rows for ``cases`` of ``model`` (one page), in the order given."""
    cases = list(cases)
    if not cases:
        return []
    today = timezone.localdate()
    funds = procedure_for(model).funds
    openers, returned = _trail_facts(model, cases)
    objections = _objections_open(model, cases)
    held = claims.claims_by_case(model, cases)
    change = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
    result = []
    for case in cases:
        due = case.due_date
        claim = held.get(case.pk)
        result.append(
            {
                "case": case,
                "waited_days": (today - timezone.localdate(case.state_since)).days,
                "due": due,
                "overdue": bool(due and due < today),
                "funds": getattr(case, funds) if funds else None,
                "submitter": openers.get(case.pk, ""),
                "holder": name_of(claim.holder) if claim else "",
                "returned": returned.get(case.pk),
                "objection_open": case.pk in objections,
                "url": reverse(change, args=[case.pk]),
            }
        )
    return result
