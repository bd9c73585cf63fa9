"""接口令牌: the page where a person creates tokens for their phone or another system, sees
them, and revokes them.

A new token's key is shown once, on the page after it was created (kept in the session for that
one page, so reloading shows it no more).
"""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from admin_site.typed_fields import LineField

from .models import ApiToken

NEW_KEY = "jingzhun_new_api_key"
MAX_DAYS = 365


class TokenForm(forms.Form):
    name = LineField(label=gettext_lazy("名称"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("有效天数"), min_value=1, max_value=MAX_DAYS, initial=90
    )


def own_account(view):
    """A view of the person's own sign-in (like changing one's password): open to everyone who
    works here, auditors included, for their own tokens only."""
    view.own_account = True
    return view


@own_account
def tokens_view(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = ApiToken.issue(
            request.user, form.cleaned_data["name"], form.cleaned_data["days"]
        )
        request.session[NEW_KEY] = {"name": token.name, "key": key}
        return redirect("admin:api_tokens")
    context = {
        **admin.site.each_context(request),
        "title": _("接口令牌"),
        "form": form,
        "new": request.session.pop(NEW_KEY, None),
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "admin/jingzhun/api_tokens.html", context)


@own_account
@require_POST
def revoke_view(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token.revoke()
    messages.success(request, _("已撤销令牌“%(token)s”") % {"token": token})
    return redirect("admin:api_tokens")


def urls(wrap):
    return [
        path("tokens/", wrap(tokens_view), name="api_tokens"),
        path("tokens/<int:pk>/revoke/", wrap(revoke_view), name="api_token_revoke"),
    ]
