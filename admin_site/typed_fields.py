"""Form fields that put what people type in normal form (``approvals.typed_input``) before it is
checked, and the admin mixin that gives every form the admin builds from a model such fields:
text in normal form, whole numbers held to their column's range, selected ids that can be ids.

``JingzhunAdminSite.register`` mixes ``TypedInputAdmin`` into every ModelAdmin on the site, and
the mixin into each of its inlines, so a new model or inline gets it without asking.
"""

import functools

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models

from approvals import typed_input


def multiline_prose(value: str) -> str:
    return typed_input.prose(value, multiline=True)


class NormalForm:
    """A CharField mixin: the typed value is put in normal form before it is validated."""

    normal_form = staticmethod(typed_input.prose)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.normal_form(value)
        return super().to_python(value)


class LineField(NormalForm, forms.CharField):
    """One line of words: no control character at all."""


class TextField(NormalForm, forms.CharField):
    """Multi-line text: newlines and tabs kept, other control characters removed."""

    normal_form = staticmethod(multiline_prose)
    widget = forms.Textarea


class CodeField(NormalForm, forms.CharField):
    """An identifier or number (a phone number, a region code): digits of any width are ASCII."""

    normal_form = staticmethod(typed_input.code)


class DayField(NormalForm, forms.DateField):
    """A date picked from the browser's calendar, or typed as digits (of any width) and
    separators: ２０２６-１２-０３ is 2026-12-03."""

    normal_form = staticmethod(typed_input.code)
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@functools.cache
def normal_form_class(field_class, multiline: bool):
    """``field_class`` (a CharField or a subclass) putting its value in normal form."""
    normal_form = multiline_prose if multiline else typed_input.prose
    attrs = {"normal_form": staticmethod(normal_form)}
    return type(field_class.__name__, (NormalForm, field_class), attrs)


def bounded_ids(values, pk) -> list[str]:
    """The ``values`` sent as ids of rows whose key is ``pk`` that can be such ids, as digits."""
    if not isinstance(pk, models.IntegerField):
        return list(values)
    id_range = typed_input.column_range(pk)
    ids = (typed_input.whole_number(value, *id_range) for value in values)
    return [str(pk) for pk in ids if pk is not None]


class BoundedChoices:
    """An autocomplete that shows as chosen only what can be an id of its rows: Django's looks
    up whatever was sent to show the choice again, and a value such as "1e400" would then fail
    the page instead of the field."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(remote.field_name)
        return super().optgroups(name, bounded_ids(value, key), attr)


class BoundedAutocompleteSelect(BoundedChoices, AutocompleteSelect):
    pass


class BoundedAutocompleteSelectMultiple(BoundedChoices, AutocompleteSelectMultiple):
    pass


class TypedInputAdmin:
    """For a ModelAdmin or an inline: every form field built from a model field takes typed input
    in normal form, and every whole number is held to its column (a 20-digit figure is a form
    error, never a database error)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.IntegerField) and not db_field.choices:
            low, high = typed_input.column_range(db_field)
            kwargs["min_value"] = max(low, kwargs.get("min_value", low))
            kwargs["max_value"] = min(high, kwargs.get("max_value", high))
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.CharField) and not isinstance(field, NormalForm):
            multiline = isinstance(db_field, models.TextField)
            kwargs["form_class"] = normal_form_class(type(field), multiline)
            field = super().formfield_for_dbfield(db_field, request, **kwargs)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = BoundedAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BoundedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        return [
            type(inline.__name__, (TypedInputAdmin, inline), {})
            for inline in super().get_inlines(request, obj)
        ]

    def response_action(self, request, queryset):
        """An action on the rows selected: a value that cannot be an id selects nothing (SQLite
        fails on an id past 64 bits)."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        kept = bounded_ids(selected, self.model._meta.pk)
        if kept != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, kept)
        return super().response_action(request, queryset)
