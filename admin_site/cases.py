"""The page of a case: its record, where it stands in its procedure, what the user may do now
(and why not, for what they may not), its notice and objections, and its audited history.

Every action button posts to ``act_view``, which goes through ``approvals.perform``; record edits
go through ``approvals.record_edit`` (``audited.py``), and the figures the procedure fixes in the
current state are shown read-only. Nothing here writes a state or an audit entry itself.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from approvals import open_case, perform, typed_input
from approvals.decisions import may_open, may_read
from approvals.diffs import parent_link
from approvals.exceptions import Refusal
from approvals.models import Objection
from approvals.notices import objections_of, running_notice
from roles.names import name_of

from . import approval_form, claiming, files, typed
from .audited import AuditedEdits, edit_refusals
from .confirmation import confirmation_page, is_confirmed, steps_needing_confirmation
from .request_scope import is_read_only, read_jurisdiction, request_jurisdiction, write_roles
from .scoped_admin import ScopedAdmin
from .submissions import Outcome, once
from .timeline import action_label, timeline
from .uploads import refused_uploads


def action_inputs(case, action: str, values, files) -> dict:
    """The values entered with an action, as the action's data: text in normal form, an
    objection's id only when it can be one, and files themselves for the engine to check.
    ``values`` are the typed values by name (a form's POST, or an API request's JSON, where a
    checkbox is ``true``), ``files`` the uploads by name. The inputs are those of the action out
    of the case's current state."""
    data = {}
    objection = typed_input.whole_number(
        str(values.get("objection", "")), *typed_input.column_range(Objection._meta.pk)
    )
    if objection is not None:
        data["objection"] = objection
    transition = case.workflow.transition(action, case.state)
    for field in transition.inputs if transition else ():
        if field.kind == "checkbox":
            data[field.name] = values.get(field.name) in ("on", True)
        elif field.kind == "file":
            # The file itself: the engine checks and keeps it once it knows the step may happen.
            if files.get(field.name):
                data[field.name] = files[field.name]
        else:
            typed = values.get(field.name, "")
            typed = "" if typed is None or isinstance(typed, dict | list) else str(typed)
            data[field.name] = typed_input.prose(typed, multiline=field.kind == "textarea")
    return data


def input_forms(actions, entered: dict) -> list[dict]:
    """The forms of the actions that take inputs, each filled with what was typed into it last
    (a refused step, a session that ended) and nothing else."""
    forms = []
    for action in actions:
        if not action.inputs or action.resolves_objection:
            continue
        mine = entered if entered.get("action") == action.name else {}
        forms.append(
            {
                "action": action,
                "fields": [(field, mine.get(field.name, "")) for field in action.inputs],
                "comment": mine.get("comment", ""),
            }
        )
    return forms


class CaseAdmin(AuditedEdits, ScopedAdmin):
    """A procedure's case: scoped, opened and edited through the engine, never deleted."""

    change_form_template = "admin/jingzhun/case_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        shown = [*super().get_readonly_fields(request, obj)]
        if obj is None:
            return [*shown, *(f for f in self.model.engine_fields if f != "region")]
        fixed = obj.fixed_figures()
        return [*shown, *self.model.engine_fields, *(fixed.fields if fixed else ())]

    def get_inlines(self, request, obj):
        """Rows the procedure fixes in the current state (e.g. approved targets) are only shown."""
        inlines = super().get_inlines(request, obj)
        fixed = obj.fixed_figures() if obj else None
        if fixed is None:
            return inlines
        return [
            type(inline.__name__, (inline,), {"read_only": True})
            if parent_link(inline.model, self.model).remote_field.get_accessor_name()
            in fixed.related
            else inline
            for inline in inlines
        ]

    def roles_that_write(self):
        """A case's region is chosen when it is opened, by those who may open one."""
        return self.model.workflow.creators()

    def has_add_permission(self, request):
        if not getattr(self, "addable", True):
            return False
        return bool(may_open(self.model, request.user, jurisdiction=request_jurisdiction(request)))

    def has_view_permission(self, request, obj=None):
        jurisdiction = read_jurisdiction(request)
        return bool(may_read(obj or self.model, request.user, jurisdiction=jurisdiction))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return bool(write_roles(request))
        return not edit_refusals(request, obj)

    def save_model(self, request, obj, form, change):
        """A new case is opened through the engine; an edit is saved with its related rows in
        ``save_related``, as one audited correction."""
        if not change:
            open_case(obj, request.user)

    def save_related(self, request, form, formsets, change):
        if change:
            self.save_edit(request, form, formsets)
        else:
            super().save_related(request, form, formsets, change)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_act"
        act = self.admin_site.admin_view(self.act_view)
        download = self.admin_site.admin_view(self.file_view)
        printable = self.admin_site.admin_view(self.approval_form_view)
        return [
            path("<path:object_id>/act/", act, name=name),
            path(
                "<path:object_id>/claim/",
                self.admin_site.admin_view(self.claim_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_claim",
            ),
            path(
                "<path:object_id>/file/<str:sha256>/",
                download,
                name=f"{self.opts.app_label}_{self.opts.model_name}_file",
            ),
            path(
                "<path:object_id>/approval-form.pdf",
                printable,
                name=f"{self.opts.app_label}_{self.opts.model_name}_approval_form",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        notice = running_notice(case)
        # Someone who only reads is offered no actions (the engine refuses them all).
        actions, on_behalf_of = [], None
        if not is_read_only(request):
            actions, on_behalf_of = claiming.actions_for(request, case)
        entered = typed.take(request, request.path) if request.method == "GET" and case else {}
        context = {
            "case": case,
            "flow": [
                {"name": s.name, "label": s.label, "current": s.name == case.state}
                for s in case.workflow.states.values()
            ],
            "actions": actions,
            "input_forms": input_forms(actions, entered),
            "ending": ending_actions(case, actions),
            # The shared comment of the actions without inputs, as typed last.
            "typed_comment": ""
            if entered.get("action") in _with_inputs(actions)
            else entered.get("comment", ""),
            "on_behalf_of": on_behalf_of,
            "on_behalf_of_name": name_of(on_behalf_of),
            "claim": {} if is_read_only(request) else claiming.claim_box(request, case, self.opts),
            "notice": notice,
            "notice_days_left": notice and notice.days_left(timezone.now()),
            "objections": objections_of(case, request.user),
            "timeline": timeline(case),
            "act_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_act", args=[case.pk]
            ),
            "approval_form_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_approval_form",
                args=[case.pk],
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def file_view(self, request, object_id, sha256):
        """A file kept by a step of the case, for anyone who may read the case."""
        return files.download(request, self.get_object(request, object_id), sha256)

    def approval_form_view(self, request, object_id):
        """The case's approval form (审批表) as a PDF, for anyone who may read the case."""
        case = self.get_object(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        response = HttpResponse(approval_form.render(case), content_type="application/pdf")
        name = f"{_('%(procedure)s审批表') % {'procedure': case.workflow.label}}-{case.pk}.pdf"
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response

    def claim_view(self, request, object_id):
        """认领, 放回 or 指派 the case through ``approvals.claims``."""
        case = self.get_object(request, object_id)  # outside the jurisdiction: 404 first
        return claiming.claim_view(request, case, self.opts)

    def act_view(self, request, object_id):
        """Take one action on the case through the engine and come back to its page; a decisive
        step is confirmed on a page of its own first, and a form posted twice acts once."""
        case = self.get_object(request, object_id)  # outside the jurisdiction: 404 first
        page = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[case.pk])
        if request.method != "POST":
            return redirect(page)  # e.g. back from signing in: the case, with what was typed
        action = request.POST.get("action", "")
        absent = claiming.absent_person(request)
        if not is_confirmed(request):
            changes = steps_needing_confirmation(case.workflow, action, [case])
            if changes:
                title = action_label(case.workflow, action, case.state)
                return confirmation_page(
                    request, title=title, changes=changes, back=page, on_behalf_of=absent
                )
        return once(request, lambda: self._act(request, case, action, page, absent))

    def _act(self, request, case, action, page, absent) -> Outcome:
        outcome = Outcome(page)
        # An upload dropped on arrival stands for itself, so the engine names the size limit.
        uploads = {**request.FILES.dict(), **refused_uploads(request)}
        data = action_inputs(case, action, request.POST, uploads)
        from_state = case.state
        comment = request.POST.get("comment", "")
        try:
            perform(case, action, request.user, comment=comment, data=data, on_behalf_of=absent)
        except Refusal as exc:
            for reason in exc.reasons:
                outcome.add(messages.ERROR, reason)
            outcome.session = typed.kept_for(page, request)  # nothing typed is lost
        else:
            done = {
                "action": action_label(case.workflow, action, from_state),
                "state": case.state_label,
                "person": name_of(absent),
            }
            if absent is None:
                outcome.add(messages.SUCCESS, _("已办理“%(action)s”，当前状态：%(state)s") % done)
            else:
                outcome.add(
                    messages.SUCCESS,
                    _("已代%(person)s办理“%(action)s”，当前状态：%(state)s") % done,
                )
        return outcome


def ending_actions(case, actions) -> set[str]:
    """The actions that would end the case, whose buttons are set apart."""
    workflow = case.workflow
    return {
        action.name
        for action in actions
        if (transition := workflow.transition(action.name, case.state))
        and workflow.ends_case(transition)
    }


def _with_inputs(actions) -> set[str]:
    return {action.name for action in actions if action.inputs}
