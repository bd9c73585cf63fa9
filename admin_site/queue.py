"""我的待办: everything awaiting an action the user may take, in their jurisdiction, oldest first,
one procedure at a time, each page grouped by state, with one action on many cases at once. Work
that is not a procedure's cases (a rectification campaign's tasks) joins the same queue as a tab
of its own (``add_tab``).

The list is ordered by the time each case entered its state (then id), the order of the
procedures' ``(region, state, state_since)`` index, so the database reads each region's waiting
cases in order and sorts only those; the page's rows are grouped by state in Python.
"""

import dataclasses
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import perform_bulk
from approvals.procedures import workflow_models
from approvals.spec import ActionKind

from .confirmation import confirmation_page, is_confirmed, steps_needing_confirmation
from .filters import RegionFilterField
from .request_scope import request_jurisdiction, write_roles
from .submissions import Outcome, once
from .typed_fields import LineField, bounded_ids

PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class Tab:
    """A tab of the queue with a page of its own: ``count(request)`` for its label,
    ``render(request, context)`` for its page, given the queue's context (the tabs)."""

    name: str
    label: str
    count: Callable
    render: Callable


OTHER_TABS: dict[str, Tab] = {}


def add_tab(tab: Tab) -> None:
    OTHER_TABS[tab.name] = tab


class QueueFilters(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    region = RegionFilterField(label=gettext_lazy("乡镇/村"), required=False)
    since = forms.DateField(label=gettext_lazy("进入本环节不早于"), required=False)
    until = forms.DateField(label=gettext_lazy("进入本环节不晚于"), required=False)
    q = LineField(label=gettext_lazy("搜索"), required=False, max_length=100)

    def __init__(self, data, *, workflow, request):
        super().__init__(data)
        self.fields["state"].choices = [("", _("全部"))] + [
            (s.name, s.label) for s in workflow.states.values()
        ]
        self.fields["region"].bind(request)


def _filtered(request, model, form):
    queryset = model._default_manager.awaiting(
        request.user, request_jurisdiction(request)
    ).select_related("region")
    model_admin = admin.site._registry.get(model)
    if model_admin and model_admin.list_select_related:
        queryset = queryset.select_related(*model_admin.list_select_related)
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data["state"]:
        queryset = queryset.filter(state=data["state"])
    if data["region"]:
        queryset = queryset.filter(region__code__startswith=data["region"].prefix)
    if data["since"]:
        queryset = queryset.filter(state_since__date__gte=data["since"])
    if data["until"]:
        queryset = queryset.filter(state_since__date__lte=data["until"])
    if data["q"] and model_admin:
        queryset, _duplicates = model_admin.get_search_results(request, queryset, data["q"])
    return queryset


def _row(case, today):
    waited = today - timezone.localdate(case.state_since)
    due = case.due_date
    return {
        "case": case,
        "waited_days": waited.days,
        "due": due,
        "overdue": bool(due and due < today),
        "url": reverse(
            f"admin:{case._meta.app_label}_{case._meta.model_name}_change", args=[case.pk]
        ),
    }


# What may be taken on many cases at once: steps and sign-offs. Objections are resolved one by
# one on the case page, each with its own reasoning; the timer's actions are its own.
BULK_KINDS = {ActionKind.STEP, ActionKind.SIGNOFF}


def _bulk_actions(workflow, request):
    """Actions the user could take on some case of this procedure (each case is checked again)."""
    mine = set(write_roles(request))
    return list(
        dict.fromkeys(
            (t.name, str(t.label))
            for t in workflow.transitions
            if mine & set(t.roles) and t.kind in BULK_KINDS
        )
    )


def queue_view(request):
    models = workflow_models()
    held = request_jurisdiction(request)
    counts = {
        name: model._default_manager.awaiting(request.user, held).count()
        for name, model in models.items()
    }
    counts.update({name: tab.count(request) for name, tab in OTHER_TABS.items()})
    chosen = request.GET.get("workflow") or next((n for n, c in counts.items() if c), None)
    chosen = chosen if chosen in counts else next(iter(models), None)
    labels = {
        **{name: model.workflow.label for name, model in models.items()},
        **{name: tab.label for name, tab in OTHER_TABS.items()},
    }
    context = {
        **admin.site.each_context(request),
        "title": _("我的待办"),
        "tabs": [(name, label, counts[name]) for name, label in labels.items()],
        "chosen": chosen,
    }
    if chosen in OTHER_TABS:
        return OTHER_TABS[chosen].render(request, context)
    if chosen is None:
        return render(request, "admin/jingzhun/queue.html", context)
    model = models[chosen]
    workflow = model.workflow
    form = QueueFilters(request.GET or None, workflow=workflow, request=request)
    if request.method == "POST":
        return _bulk(request, model, form)
    queryset = _filtered(request, model, form).order_by("state_since", "pk")
    paginator = Paginator(queryset, PAGE_SIZE)
    if not any(request.GET.get(name) for name in form.fields):
        paginator.count = counts[chosen]  # unfiltered: the tab's count, not a second count
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    context.update(
        form=form, page=page, groups=_by_state(workflow, page.object_list, today),
        actions=_bulk_actions(workflow, request), query=request.GET.urlencode(),
    )  # fmt: skip
    return render(request, "admin/jingzhun/queue.html", context)


def _by_state(workflow, cases, today) -> list[tuple[str, list[dict]]]:
    """The page's rows under their states, in the procedure's order of states, oldest first in
    each."""
    groups: dict[str, list[dict]] = {}
    for case in cases:
        groups.setdefault(case.state, []).append(_row(case, today))
    return [
        (workflow.state_label(state), groups[state]) for state in workflow.states if state in groups
    ]


def _bulk(request, model, form):
    """One action with one comment on the selected cases, each checked and audited on its own;
    a decisive action is confirmed first (how many cases, what funds), the form acts once
    however often it is posted, and the result is shown after a redirect, so reloading it does
    not act again."""
    selected = request.POST.getlist("selected")
    ids = bounded_ids(selected, model._meta.pk)  # a 25-digit id selects nothing, on any database
    cases = list(_filtered(request, model, form).filter(pk__in=ids).order_by("state_since", "pk"))
    action = request.POST.get("action", "")
    if not is_confirmed(request):
        changes = steps_needing_confirmation(model.workflow, action, cases)
        if changes:
            back = f"{reverse('admin:queue')}?{request.GET.urlencode()}"
            title = str(model.workflow.action_label(action))
            return confirmation_page(request, title=title, changes=changes, back=back)
    return once(request, lambda: _bulk_outcome(request, model, cases, action, selected))


def _bulk_outcome(request, model, cases, action, selected) -> Outcome:
    result = perform_bulk(cases, action, request.user, comment=request.POST.get("comment", ""))
    summary = {
        "action": str(model.workflow.action_label(action)),
        "workflow": model.workflow.name,
        "done": [f"{case}：{case.state_label}" for case, _entry in result.done],
        "refused": [(str(case), [str(r) for r in reasons]) for case, reasons in result.refused],
        "missing": len(set(selected)) - len(cases),
    }
    return Outcome(reverse("admin:queue_bulk_result"), {BULK_RESULT: summary})


BULK_RESULT = "jingzhun_bulk_result"


def bulk_result_view(request):
    result = request.session.pop(BULK_RESULT, None)
    if result is None:
        return redirect("admin:queue")
    context = {
        **admin.site.each_context(request),
        "title": _("批量办理结果"),
        "result": result,
        "back": f"{reverse('admin:queue')}?workflow={result['workflow']}",
    }
    return render(request, "admin/jingzhun/bulk_result.html", context)


def urls(wrap):
    return [
        path("queue/", wrap(queue_view), name="queue"),
        path("queue/result/", wrap(bulk_result_view), name="queue_bulk_result"),
    ]
