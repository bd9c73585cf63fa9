"""审计检查: the auditor's inspector. Search the audit trail and the security log in one's
jurisdiction, read one object's timeline, verify chains (one object, or a whole region with
progress), and export what was found as CSV that Excel opens. Read-only: GET only."""

from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from approvals import audit, typed_input
from approvals.models import AuditEntry, SecurityEvent, WorkflowCase
from approvals.notices import objections_of
from approvals.procedures import workflow_models
from approvals.spec import ENGINE_ACTION_LABELS
from roles.models import Region
from roles.names import name_of, person_name

from .context import may_inspect
from .exports import Code, CsvRows
from .filters import RegionFilterField
from .request_scope import in_read_scope, read_filter, read_prefixes, readable
from .timeline import ROLE_LABELS, action_label, timeline
from .typed_fields import LineField

PAGE_SIZE = 50
CSV_CHUNK = 2000


def _inspector(view):
    """Only those who may inspect, only GET: an inspector changes nothing."""

    @require_GET
    def checked(request, *args, **kwargs):
        if not may_inspect(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    return checked


class AuditSearch(forms.Form):
    region = RegionFilterField(label=gettext_lazy("区划"), required=False)
    workflow = forms.ChoiceField(label=gettext_lazy("流程"), required=False)
    actor = LineField(label=gettext_lazy("操作人（姓名或用户名）"), required=False, max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("角色"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("新状态"), required=False)
    since = forms.DateField(label=gettext_lazy("起始日期"), required=False)
    until = forms.DateField(label=gettext_lazy("截止日期"), required=False)

    def __init__(self, data, request):
        super().__init__(data)
        self.fields["region"].bind(request)
        self.fields["workflow"].choices = [("", _("全部")), *_chain_labels().items()]
        self.fields["role"].choices = [("", _("全部")), *ROLE_LABELS.items()]
        # Procedures share action and state names with different meanings ("审核通过" of a
        # project and of a household): each choice names its procedure.
        workflows = [model.workflow for model in workflow_models().values()]
        actions = {
            **ENGINE_ACTION_LABELS,
            **{
                f"{w.name}{SEPARATOR}{t.name}": f"{w.label}：{t.label}"
                for w in workflows
                for t in w.transitions
            },
        }
        states = {
            f"{w.name}{SEPARATOR}{s.name}": f"{w.label}：{s.label}"
            for w in workflows
            for s in w.states.values()
        }
        self.fields["action"].choices = [("", _("全部")), *actions.items()]
        self.fields["state"].choices = [("", _("全部")), *states.items()]

    def entries(self, request):
        if not self.is_valid():
            return AuditEntry.objects.none()
        data = self.cleaned_data
        entries = AuditEntry.objects.filter(self._scope(request, data))
        if data["region"]:
            entries = entries.filter(region__code__startswith=data["region"].prefix)
        if data["workflow"]:
            entries = entries.filter(workflow=data["workflow"])
        for field, column in (("action", "action"), ("state", "to_state")):
            if data[field]:
                workflow, _sep, name = data[field].rpartition(SEPARATOR)
                entries = entries.filter(**{column: name})
                if workflow:
                    entries = entries.filter(workflow=workflow)
        if data["role"]:
            entries = entries.filter(actor_role=data["role"])
        if data["actor"]:
            entries = entries.filter(people_named(data["actor"], "actor"))
        return _between(entries, data).order_by("-created_at", "-pk")

    @staticmethod
    def _scope(request, data) -> Q:
        """Entries in the reader's area, and entries in no region (a policy version's), which
        everyone who may inspect reads. The second is asked for only when the search can find
        such entries: an OR with it keeps the database from using the region index, and a
        search of one procedure's trails in a county would read the whole table."""
        scope = read_filter(request)
        regionless = _regionless_chains()
        if not data["region"] and (not data["workflow"] or data["workflow"] in regionless):
            scope |= Q(region__isnull=True, workflow__in=regionless)
        return scope


# Between a procedure's name and an action's or a state's in the search's choices.
SEPARATOR = ":"


def people_named(text: str, field: str) -> Q:
    """The people ``text`` names: by username, or by a part of their name."""
    return (
        Q(**{f"{field}__username": text})
        | Q(**{f"{field}__first_name__contains": text})
        | Q(**{f"{field}__last_name__contains": text})
    )


def _regionless_chains() -> list[str]:
    """The chains whose records belong to no region (policy versions)."""
    return [
        name
        for name, model in audit.chained_models().items()
        if not any(field.name == "region" for field in model._meta.concrete_fields)
    ]


def _between(queryset, data):
    """Rows created between the form's ``since`` and ``until`` dates, each bound optional."""
    if data["since"]:
        queryset = queryset.filter(created_at__date__gte=data["since"])
    if data["until"]:
        queryset = queryset.filter(created_at__date__lte=data["until"])
    return queryset


def _chain_labels() -> dict[str, str]:
    """Every kind of trail by the name its entries carry: procedures, then other records."""
    chains = sorted(
        audit.chained_models().items(), key=lambda item: not issubclass(item[1], WorkflowCase)
    )
    return {name: model.chain_verbose_name() for name, model in chains}


def _labels(entry, models):
    model = models.get(entry.workflow)
    if model is None:
        return action_label(None, entry.action), entry.from_state, entry.to_state
    workflow = model.workflow
    return (
        action_label(workflow, entry.action, entry.from_state),
        workflow.state_label(entry.from_state) if entry.from_state else "",
        workflow.state_label(entry.to_state),
    )


def labelled(entries):
    """Each entry with what a person reads of it: its action, states, role and kind of trail."""
    models = workflow_models()
    kinds = _chain_labels()
    for entry in entries:
        action, from_state, to_state = _labels(entry, models)
        yield (
            entry,
            {
                "entry": entry,
                "actor": name_of(entry.actor),
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "role": ROLE_LABELS.get(entry.actor_role, entry.actor_role),
                "procedure": kinds.get(entry.workflow, entry.workflow),
            },
        )


@_inspector
def search_view(request):
    form = AuditSearch(request.GET or {}, request)
    entries = form.entries(request).select_related("actor", "region")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            **labels,
            "url": reverse("admin:inspector_object", args=[entry.content_type_id, entry.object_id]),
        }
        for entry, labels in labelled(page.object_list)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": _("审计检查"),
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "admin/jingzhun/inspector.html", context)


def _case_or_404(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model not in audit.chained_models().values():
        raise Http404
    case = model._base_manager.filter(pk=object_id).first()
    # A record in no region (a policy version) is read by everyone who may inspect.
    if case is None or (case.region is not None and not in_read_scope(request, case.region)):
        raise Http404
    return case


@_inspector
def object_view(request, content_type_id, object_id):
    case = _case_or_404(request, content_type_id, object_id)
    rows = timeline(case)
    problem = audit.verify_record(case)
    findings = audit.Findings()  # a key not configured reads as such, not as tampering
    context = {
        **admin.site.each_context(request),
        "title": _("办理记录：%(case)s") % {"case": case},
        "case": case,
        "kind": case.chain_verbose_name(),
        "rows": rows,
        "objections": objections_of(case),
        "problem": "; ".join(findings.report([problem])) if problem else None,
        "head": (case.audit_count, case.audit_head),
    }
    return render(request, "admin/jingzhun/inspector_object.html", context)


def verified_region(request, code: str):
    """The region a verification covers, from its code (None for the reader's whole scope);
    a region outside the reader's scope is a 404."""
    code = typed_input.code(code)
    region = Region.objects.filter(code=code).first() if code else None
    if region is not None and not in_read_scope(request, region):
        raise Http404
    return region


def verify_chains(request, region, findings, on_object):
    """Verify every chain under ``region`` (the reader's scope when None): yields a line for
    each problem found, and None after each part of the scope, a point to report progress at."""
    for prefix in [region.prefix] if region else read_prefixes(request):
        yield from findings.lines(
            audit.verify(audit.chained_models().values(), prefix, on_object=on_object)
        )
        yield None


def verdict(checked: int, findings) -> str:
    if findings.problems:
        return _("核验完成：%(count)d 件，%(problems)d 条链条有问题") % {
            "count": checked,
            "problems": findings.problems,
        }
    return _("核验完成：%(count)d 件，全部链条完好") % {"count": checked}


@_inspector
def verify_view(request):
    """Verify every chain under a region, streaming progress so a long run shows it is alive."""
    region = verified_region(request, request.GET.get("region", ""))
    title = _("链条核验：%(region)s") % {"region": region.name if region else _("全部辖区")}

    def stream():
        yield f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        yield "</head><body><h1>" + escape(title) + "</h1><ul>"
        checked = 0
        findings = audit.Findings()

        def tick():
            nonlocal checked
            checked += 1

        for line in verify_chains(request, region, findings, tick):
            if line is None:
                yield "<li>" + escape(_("已核验 %(count)d 件") % {"count": checked}) + "</li>"
            else:
                yield f"<li class='problem'>{escape(line)}</li>"
        for line in findings.key_lines():
            yield f"<li class='problem'>{escape(line)}</li>"
        yield f"</ul><p id='verdict'>{escape(verdict(checked, findings))}</p></body></html>"

    return StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")


class SecuritySearch(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False)
    user = LineField(label=gettext_lazy("用户（姓名或用户名）"), required=False, max_length=150)
    since = forms.DateField(label=gettext_lazy("起始日期"), required=False)
    until = forms.DateField(label=gettext_lazy("截止日期"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("全部")), *SecurityEvent.Kind.choices]


@_inspector
def security_view(request):
    form = SecuritySearch(request.GET or {})
    events = readable(SecurityEvent.objects.select_related("user", "region"), request)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["user"]:
            events = events.filter(people_named(data["user"], "user"))
        events = _between(events, data)
    page = Paginator(events.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    models, kinds = workflow_models(), _chain_labels()
    context = {
        **admin.site.each_context(request),
        "title": _("拒绝记录"),
        "form": form,
        "page": page,
        "rows": [_security_row(event, models, kinds) for event in page.object_list],
    }
    return render(request, "admin/jingzhun/inspector_security.html", context)


# The security log's entries for the site's own pages (an auditor's refused write).
SITE_PAGES = gettext_lazy("管理页面")
SITE_PAGE_WRITE = gettext_lazy("提交或修改")


def _security_row(event, models, kinds) -> dict:
    """A refusal as people read it: the procedure and action by their labels, the person by
    name."""
    model = models.get(event.workflow)
    if model is not None:
        action = model.workflow.action_label(event.action)
    elif event.workflow in kinds:
        action = action_label(None, event.action)
    else:
        action = SITE_PAGE_WRITE
    return {
        "event": event,
        "user": name_of(event.user),
        "procedure": kinds.get(event.workflow, SITE_PAGES),
        "action": action,
    }


CSV_COLUMNS = [
    ("created_at", gettext_lazy("时间")),
    ("workflow", gettext_lazy("流程")),
    ("object_id", gettext_lazy("对象编号")),
    ("seq", gettext_lazy("序号")),
    ("action", gettext_lazy("操作")),
    ("from_state", gettext_lazy("原状态")),
    ("to_state", gettext_lazy("新状态")),
    ("actor__username", gettext_lazy("操作人")),
    ("actor__first_name", None),
    ("actor__last_name", None),
    ("actor_role", gettext_lazy("角色")),
    ("region__code", gettext_lazy("区划代码")),
    ("region__name", gettext_lazy("区划")),
    ("comment", gettext_lazy("意见")),
    ("hash", gettext_lazy("校验值")),
]


@_inspector
def export_view(request):
    """The search's entries as CSV, streamed row by row: a million rows never sit in memory.
    UTF-8 with a byte-order mark, so Excel reads the Chinese correctly."""
    entries = AuditSearch(request.GET or {}, request).entries(request)
    rows = entries.values_list(*[field for field, _label in CSV_COLUMNS]).iterator(CSV_CHUNK)
    zone = timezone.get_current_timezone()
    writer = CsvRows()
    models, kinds = workflow_models(), _chain_labels()

    def stream():
        yield "\ufeff" + writer.row([str(label) for _field, label in CSV_COLUMNS if label])
        for row in rows:
            yield writer.row(_csv_row(row, zone, models, kinds))

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''audit-{stamp}.csv"
    return response


def _csv_row(row, zone, models, kinds) -> list:
    """A CSV line as people read it: the procedure, action, states and role by their labels,
    the person by name, the region code kept as text."""
    (when, workflow, object_id, seq, action, from_state, to_state,
     username, first_name, last_name, role, code, *rest) = row  # fmt: skip
    entry = SimpleNamespace(
        workflow=workflow, action=action, from_state=from_state, to_state=to_state
    )
    action, from_state, to_state = _labels(entry, models)
    return [
        when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        kinds.get(workflow, workflow),
        object_id,
        seq,
        action,
        from_state,
        to_state,
        person_name(username, first_name, last_name),
        ROLE_LABELS.get(role, role),
        Code(code) if code else "",
        *rest,
    ]


def urls(wrap):
    return [
        path("inspector/", wrap(search_view), name="inspector"),
        path(
            "inspector/object/<int:content_type_id>/<int:object_id>/",
            wrap(object_view),
            name="inspector_object",
        ),
        path("inspector/verify/", wrap(verify_view), name="inspector_verify"),
        path("inspector/security/", wrap(security_view), name="inspector_security"),
        path("inspector/export.csv", wrap(export_view), name="inspector_export"),
    ]
