"""代办设置: a person names who acts for them while they are away, and revokes it; they also see
whom they stand in for now. Everyone signed in has this page, about themselves only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import typed_input
from roles import standins
from roles.models import Standin
from roles.names import name_of

from .typed_fields import DayField


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return name_of(obj)


class StandinForm(forms.Form):
    standin = PersonChoice(label=gettext_lazy("代办人"), queryset=None)
    starts = DayField(label=gettext_lazy("开始日期"))
    ends = DayField(label=gettext_lazy("结束日期"))

    def __init__(self, data, *, person):
        super().__init__(data)
        self.person = person
        self.fields["standin"].queryset = standins.choosable_standins(person)

    def clean(self):
        """Name the stand-in here, under its lock, so that every refusal (oneself, a chain, an
        overlap) shows on the form like any other error and nothing is saved."""
        data = super().clean()
        if self.errors:
            return data
        try:
            self.named = standins.name_standin(
                self.person, data["standin"], data["starts"], data["ends"]
            )
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return data


def _revoke(request):
    """Revoke one of the person's own stand-ins in force or to come (another's is not found)."""
    chosen = typed_input.whole_number(
        request.POST.get("revoke", ""), *typed_input.column_range(Standin._meta.pk)
    )
    mine = Standin.objects.filter(
        person=request.user, revoked_at__isnull=True, ends__gte=timezone.localdate()
    )
    standin = mine.filter(pk=chosen).first() if chosen is not None else None
    if standin is None:
        messages.error(request, _("没有找到这项代办"))
    else:
        standins.revoke(standin)
        messages.success(request, _("已撤销%(name)s的代办") % {"name": name_of(standin.standin)})
    return redirect("admin:standins")


def standins_view(request):
    if request.method == "POST" and "revoke" in request.POST:
        return _revoke(request)
    form = StandinForm(request.POST if request.method == "POST" else None, person=request.user)
    if form.is_bound and form.is_valid():
        messages.success(
            request,
            _("已指定%(name)s在%(starts)s至%(ends)s代您办理")
            % {
                "name": name_of(form.named.standin),
                "starts": form.named.starts,
                "ends": form.named.ends,
            },
        )
        return redirect("admin:standins")
    today = timezone.localdate()
    context = {
        **admin.site.each_context(request),
        "title": _("代办设置"),
        "form": form,
        "named": [
            (item, name_of(item.standin))
            for item in Standin.objects.filter(person=request.user, ends__gte=today)
            .select_related("standin")
            .order_by("starts")
        ],
        "standing_in": [
            (item, name_of(item.person))
            for item in Standin.objects.in_force()
            .filter(standin=request.user)
            .select_related("person")
        ],
    }
    return render(request, "admin/jingzhun/standins.html", context)


def urls(wrap):
    return [path("standins/", wrap(standins_view), name="standins")]
