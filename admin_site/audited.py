"""Admin pages of records that keep an audit chain: the record and its inline rows are saved
together through ``approvals.edits`` as one audited edit (or one audited creation), with each
old and new value, and only by someone the record lets edit it now.

A refused edit (a notice running, approved figures, a conflict) changes nothing and says why on
the same page; an edit that changes nothing writes no entry and says so (没有修改).
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from approvals import edits
from approvals.decisions import may_edit
from approvals.diffs import ADDED, CHANGED, DELETED, parent_link
from approvals.exceptions import ConflictError, TransitionNotAllowed

from .scoped_admin import ScopedAdmin
from .timeline import timeline

REFUSED, UNCHANGED = "refused", "unchanged"


def edit_refusals(request, obj) -> list[str]:
    """Why the user may not edit ``obj`` now, asked once per request (the admin asks for every
    inline and button)."""
    asked = request.__dict__.setdefault("_jingzhun_edit_refusals", {})
    key = (type(obj), obj.pk)
    if key not in asked:
        asked[key] = may_edit(obj, request.user).reasons
    return asked[key]


def row_edits(formsets) -> list[edits.RowEdit]:
    """What the inline forms changed, unsaved, in the order Django's own saving follows."""
    rows = []
    for formset in formsets:
        formset.save(commit=False)
        rows += [edits.RowEdit(obj, DELETED) for obj in formset.deleted_objects]
        rows += [edits.RowEdit(obj, CHANGED) for obj, _fields in formset.changed_objects]
        rows += [edits.RowEdit(obj, ADDED) for obj in formset.new_objects]
    return rows


def changed_fields(form) -> list[str]:
    """The record's own fields the form changed (the edit compares them with the database)."""
    names = {f.name for f in form.instance._meta.concrete_fields}
    return [name for name in form.changed_data if name in names]


class AuditedEdits:
    """Saving an existing record's form and inlines as one ``approvals.record_edit``."""

    def save_edit(self, request, form, formsets):
        try:
            entry = edits.record_edit(
                form.instance, request.user, changed_fields(form), row_edits(formsets)
            )
        # A permission refused is the admin's 403; what the record refuses is said on the page.
        except (TransitionNotAllowed, ConflictError) as exc:
            transaction.set_rollback(True)
            request._jingzhun_edit = REFUSED
            for reason in exc.reasons:
                messages.error(request, reason)
            return
        if entry is None:
            request._jingzhun_edit = UNCHANGED
            messages.info(request, _("没有修改"))

    def log_change(self, request, obj, message):
        if getattr(request, "_jingzhun_edit", None) is None:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if getattr(request, "_jingzhun_edit", None) is not None:
            return redirect(request.path)
        return super().response_change(request, obj)


def fixed_reason(record, fixed) -> str:
    """What the page says of the figures ``fixed`` holds: the kinds of row, and how to change
    them instead."""
    labels = [str(getattr(record, accessor).model._meta.verbose_name) for accessor in fixed.related]
    return str(fixed.reason) % {"fields": "、".join(labels)}


def rows_read_only(formset, fixed, accessor):
    """``formset`` with the rows ``fixed`` holds only shown: their values cannot be posted."""

    class Held(formset):
        def _construct_form(self, i, **kwargs):
            form = super()._construct_form(i, **kwargs)
            if form.instance.pk is not None and fixed.holds(accessor, form.instance):
                for field in form.fields.values():
                    field.disabled = True
            return form

    return Held


class RecordAdmin(AuditedEdits, ScopedAdmin):
    """A record with a chain that runs no procedure (a household): created and edited through
    ``approvals.edits``, its history shown under the form. Related rows the record fixes now
    (``fixed_figures()``: a household's decided years) are only shown, with the reason."""

    change_form_template = "admin/jingzhun/record_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fixed = [*super().get_readonly_fields(request, obj)]
        return [*fixed, *self.model.engine_fields] if obj else fixed

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.may_write(request)
        return not edit_refusals(request, obj)

    def get_formsets_with_inlines(self, request, obj=None):
        fixed = obj.fixed_figures() if obj is not None else None
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if fixed is not None:
                link = parent_link(inline.model, self.model)
                formset = rows_read_only(formset, fixed, link.remote_field.get_accessor_name())
            yield formset, inline

    def save_model(self, request, obj, form, change):
        """Saved with its inline rows in ``save_related``, as one audited creation or edit."""

    def save_related(self, request, form, formsets, change):
        if change:
            self.save_edit(request, form, formsets)
        else:
            edits.create_record(form.instance, request.user, row_edits(formsets))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        fixed = record.fixed_figures()
        context = {
            "record": record,
            "kind": record.chain_verbose_name(),
            "timeline": timeline(record),
            "edit_refusals": edit_refusals(request, record),
            "fixed_reason": fixed_reason(record, fixed) if fixed else "",
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)
