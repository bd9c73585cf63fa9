"""The inbox (收件箱): a person's own notifications, newest first, marked read when followed to
their case, one by one or all at once, and their sending preferences. Everyone signed in to the
site has one; nobody sees another's (every query is filtered by the person asking)."""

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from admin_site.request_scope import only_audits
from approvals import clock, typed_input

from .models import Notification, Preference

PAGE_SIZE = 50


def inbox_view(request):
    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("收件箱"),
        "page": page,
    }
    return render(request, "notifications/inbox.html", context)


def open_view(request, pk):
    """A notification followed from the inbox is read: marked so (except for someone who only
    audits, who writes nothing), then its case's page."""
    note = get_object_or_404(Notification, user=request.user, pk=pk)
    if note.read_at is None and not only_audits(request):
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=clock.now())
    return redirect(note.url)


@require_POST
def mark_read_view(request):
    """Mark the chosen notifications read (``notification``: ids), or all of them (``all``)."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    if not request.POST.get("all"):
        chosen = [typed_input.code(v) for v in request.POST.getlist("notification")]
        unread = unread.filter(pk__in=[int(v) for v in chosen if v.isdigit()])
    marked = unread.update(read_at=clock.now())
    if marked:
        messages.success(request, _("已将 %(count)d 条通知标为已读") % {"count": marked})
    else:
        messages.info(request, _("没有需要标为已读的通知"))
    return redirect("admin:inbox")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["by_email", "by_message", "message_address", "immediate"]

    def clean_message_address(self):
        return typed_input.code(self.cleaned_data["message_address"])

    def clean(self):
        data = super().clean()
        if data.get("by_message") and not data.get("message_address"):
            self.add_error("message_address", gettext_lazy("选择短信/微信时请填写接收号"))
        return data


def preferences_view(request):
    preference = Preference.of(request.user.pk)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("通知偏好已保存"))
        return redirect("admin:inbox_preferences")
    context = {
        **admin.site.each_context(request),
        "title": _("通知偏好"),
        "form": form,
        "has_email": bool(request.user.email),
    }
    return render(request, "notifications/preferences.html", context)


def urls(wrap):
    return [
        path("inbox/", wrap(inbox_view), name="inbox"),
        path("inbox/read/", wrap(mark_read_view), name="inbox_read"),
        path("inbox/<int:pk>/", wrap(open_view), name="inbox_open"),
        path("inbox/preferences/", wrap(preferences_view), name="inbox_preferences"),
    ]
