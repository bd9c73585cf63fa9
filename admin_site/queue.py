"""我的待办: everything awaiting an action the user may take, in their jurisdiction, oldest first,
one procedure at a time, each page grouped by state, with one action on many cases at once. Work
that is not a procedure's cases (a rectification campaign's tasks) joins the same queue as a tab
of its own (``add_tab``). Next to it, with the same filters, 已办 (cases the person acted on) and
我发起的 (cases they opened); any list sorts by column, its search box searches every procedure
(each tab counts what it finds), and filters can be saved (``saved_filters``).

The list is ordered by the time each case entered its state (then id), the order of the
procedures' ``(region, state, state_since)`` index, so the database reads each region's waiting
cases in order and sorts only those; the page's rows are grouped by state in Python.
"""

import dataclasses
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import perform_bulk, typed_input
from approvals.models import AuditEntry
from approvals.procedures import procedure_for, workflow_models
from approvals.spec import ASSIGN, CLAIM, CREATE, RELEASE, ActionKind
from roles.names import name_of

from . import queue_rows, saved_filters
from .confirmation import confirmation_page, is_confirmed, steps_needing_confirmation
from .filters import RegionFilterField
from .request_scope import readable, request_jurisdiction, request_standins, write_roles
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


# The lists next to 我的待办, with the same filters: cases the person acted on, and cases they
# opened, wherever those cases are now (within what they may read).
TODO, DONE, OPENED = "todo", "done", "opened"
VIEWS = {
    TODO: gettext_lazy("我的待办"),
    DONE: gettext_lazy("已办"),
    OPENED: gettext_lazy("我发起的"),
}
# Not acting on a case: opening it is 我发起的; claiming only says who handles it.
NOT_ACTING = (CREATE, CLAIM, ASSIGN, RELEASE)

# The columns a list sorts by (a leading "-" reverses), each ending in the case's id so that
# pages never overlap; waiting longest first unless asked otherwise.
SORTS = {
    "since": ("state_since", "pk"),
    "region": ("region__code", "state_since", "pk"),
    "funds": (),  # the procedure's funds field, when it has one
}
DEFAULT_SORT = "since"


def view_of(request) -> str:
    view = request.GET.get("view", TODO)
    return view if view in VIEWS else TODO


def _own_queue(request, model):
    """What awaits the user under their own roles (a stand-in's cases are acted on one by one,
    from the case page, on the absent person's behalf)."""
    return model._default_manager.awaiting(request.user, request_jurisdiction(request))


def _cases(request, model, view):
    """The cases of ``model`` in the list ``view``, before filters."""
    user = request.user
    if view == TODO:
        manager = model._default_manager
        return manager.queue(user, request_jurisdiction(request), request_standins(request))
    entries = AuditEntry.objects.for_model(model)
    if view == OPENED:
        entries = entries.filter(action=CREATE, actor=user)
    else:
        entries = entries.filter(Q(actor=user) | Q(on_behalf_of=user)).exclude(
            action__in=NOT_ACTING
        )
    return readable(model._default_manager.filter(pk__in=entries.values("object_id")), request)


def _searched(request, model, queryset, text):
    model_admin = admin.site._registry.get(model)
    if not text or model_admin is None:
        return queryset
    queryset, _duplicates = model_admin.get_search_results(request, queryset, text)
    return queryset


def search_text(request) -> str:
    """What was typed in the search box, in normal form: it searches every procedure's tab."""
    return typed_input.prose(request.GET.get("q", ""))[:100]


def filtered(request, queryset, form):
    """A procedure's cases narrowed by the queue's filters (state, region, dates, search), with
    what their list shows read in the same query; the admin's lists and the API's case lists
    filter alike. Filters that do not validate narrow nothing."""
    model = queryset.model
    queryset = queryset.select_related("region")
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
    return _searched(request, model, queryset, data["q"])


def awaiting(request, model, form, view=TODO):
    """The user's list ``view`` (我的待办 by default) of one procedure, filtered."""
    return filtered(request, _cases(request, model, view), form)


def sort_of(request, model) -> tuple[str, tuple[str, ...]]:
    """The sort asked for (a key of ``SORTS``, "-" for descending) and its ordering."""
    asked = request.GET.get("sort", DEFAULT_SORT)
    key = asked.removeprefix("-")
    funds = procedure_for(model).funds
    if key not in SORTS or (key == "funds" and not funds):
        asked, key = DEFAULT_SORT, DEFAULT_SORT
    columns = (funds, "state_since", "pk") if key == "funds" else SORTS[key]
    if asked.startswith("-"):
        columns = tuple(f"-{c}" for c in columns)
    return asked, columns


def sort_links(request, asked: str) -> dict[str, str]:
    """For each sortable column, the query that sorts by it (reversed if it is the sort now)."""
    links = {}
    for key in SORTS:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if asked == key else key
        links[key] = query.urlencode()
    return links


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


def _tab_counts(request, models, view) -> dict[str, int]:
    """Each procedure's count in ``view``, narrowed by the search box when something is typed:
    one query a procedure, so a search shows at once where it finds cases."""
    text = search_text(request)
    return {
        name: _searched(request, model, _cases(request, model, view), text).count()
        for name, model in models.items()
    }


def queue_view(request):
    models = workflow_models()
    view = view_of(request)
    counts = _tab_counts(request, models, view)
    if view == TODO:
        counts.update({name: tab.count(request) for name, tab in OTHER_TABS.items()})
    chosen = request.GET.get("workflow") or next((n for n, c in counts.items() if c), None)
    chosen = chosen if chosen in counts else next(iter(models), None)
    labels = {
        **{name: model.workflow.label for name, model in models.items()},
        **{name: tab.label for name, tab in OTHER_TABS.items() if name in counts},
    }
    context = {
        **admin.site.each_context(request),
        "title": VIEWS[view],
        "view": view,
        "views": list(VIEWS.items()),
        "tabs": [(name, label, counts[name]) for name, label in labels.items()],
        "chosen": chosen,
        "search": search_text(request),
        "saved_filters": saved_filters.saved_of(request.user),
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
    asked, ordering = sort_of(request, model)
    queryset = awaiting(request, model, form, view).order_by(*ordering)
    paginator = Paginator(queryset, PAGE_SIZE)
    if not any(request.GET.get(name) for name in form.fields):
        paginator.count = counts[chosen]  # unfiltered: the tab's count, not a second count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        form=form, page=page, groups=_by_state(workflow, _rows(request, model, page.object_list)),
        actions=_bulk_actions(workflow, request) if view == TODO else [],
        query=request.GET.urlencode(), page_query=query.urlencode(), sort=asked,
        sort_links=sort_links(request, asked), has_funds=bool(procedure_for(model).funds),
        saved_query=saved_filters.kept_query(request.GET.urlencode()),
    )  # fmt: skip
    return render(request, "admin/jingzhun/queue.html", context)


def standing_in_names(request, model, cases) -> dict[int, str]:
    """For the cases of a page that are in the queue only through a stand-in, the name of the
    absent person they are done for ("代 X 办理"): one query for the user's own, one for each
    absent person, whatever the page's length."""
    absent = request_standins(request)
    left = {case.pk for case in cases}
    if not absent or not left:
        return {}
    left -= set(_own_queue(request, model).filter(pk__in=left).values_list("pk", flat=True))
    names = {}
    for person, theirs in absent:
        if not left:
            break
        found = model._default_manager.awaiting(person, theirs).filter(pk__in=left)
        found = set(found.values_list("pk", flat=True))
        names.update(dict.fromkeys(found, name_of(person)))
        left -= found
    return names


def _rows(request, model, cases) -> list[dict]:
    """The page's rows, each saying whom it is done for when that is an absent person."""
    rows = queue_rows.rows(model, cases)
    names = standing_in_names(request, model, cases)
    for row in rows:
        row["on_behalf_of"] = names.get(row["case"].pk, "")
    return rows


def _by_state(workflow, rows) -> list[tuple[str, list[dict]]]:
    """The page's rows under their states, in the procedure's order of states, in the page's
    order within each."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["case"].state, []).append(row)
    return [
        (workflow.state_label(state), groups[state]) for state in workflow.states if state in groups
    ]


def _bulk(request, model, form):
    """One action with one comment on the selected cases, each checked and audited on its own;
    a decisive action is confirmed first (how many cases, what funds), the form acts once
    however often it is posted, and the result is shown after a redirect, so reloading it does
    not act again."""
    selected = request.POST.getlist("selected")
    action = request.POST.get("action", "")
    cases, missing = chosen_cases(request, model, form, selected)
    if not is_confirmed(request):
        changes = steps_needing_confirmation(model.workflow, action, cases)
        if changes:
            back = f"{reverse('admin:queue')}?{request.GET.urlencode()}"
            title = str(model.workflow.action_label(action))
            return confirmation_page(request, title=title, changes=changes, back=back)
    return once(request, lambda: _bulk_outcome(request, model, cases, action, missing))


def _bulk_outcome(request, model, cases, action, missing) -> Outcome:
    result = perform_bulk(cases, action, request.user, comment=request.POST.get("comment", ""))
    summary = {
        "action": str(model.workflow.action_label(action)),
        "workflow": model.workflow.name,
        "done": [f"{case}：{case.state_label}" for case, _entry in result.done],
        "refused": [(str(case), [str(r) for r in reasons]) for case, reasons in result.refused],
        "missing": missing,
    }
    return Outcome(reverse("admin:queue_bulk_result"), {BULK_RESULT: summary})


def chosen_cases(request, model, form, selected):
    """The cases of ``selected`` (ids) that are in the user's filtered queue, and how many ids
    matched no such case."""
    ids = bounded_ids(selected, model._meta.pk)  # a 25-digit id selects nothing, on any database
    own = filtered(request, _own_queue(request, model), form)
    cases = list(own.filter(pk__in=ids).order_by("state_since", "pk"))
    return cases, len({str(s) for s in selected}) - len(cases)


def act_on_many(request, model, form, selected, action: str, comment: str):
    """``action`` on the chosen cases, each through the engine; returns the engine's result and
    how many ids matched no case in the user's queue."""
    cases, missing = chosen_cases(request, model, form, selected)
    return perform_bulk(cases, action, request.user, comment=comment), missing


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
        *saved_filters.urls(wrap),
    ]
