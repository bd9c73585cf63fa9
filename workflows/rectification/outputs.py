"""The campaign's figures page and its two downloads, as pages of the admin site.

``urls(wrap)`` gives the admin site its URLs: ``campaign_figures`` (the page, whose content is
``rectification/figures_fragment.html`` for a campaign page to include), ``campaign_ledger``
(the 清零台账) and ``campaign_monthly`` (the monthly report, ``?month=YYYY-MM``, this month by
default). Who may read a campaign, and which of its problems, is ``reading``.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exports
from .figures import campaign_figures
from .monthly import BadMonth, parse_month
from .reading import reading_or_404


def figures(request, pk):
    reading = reading_or_404(request, pk)
    context = {
        **admin.site.each_context(request),
        "title": _("%(campaign)s · 整改进度") % {"campaign": reading.campaign.title},
        "reading": reading,
        "campaign": reading.campaign,
        "figures": campaign_figures(reading),
        "month": f"{timezone.localdate():%Y-%m}",
    }
    return TemplateResponse(request, "rectification/campaign_figures.html", context)


def ledger(request, pk):
    return exports.ledger(reading_or_404(request, pk))


def monthly(request, pk):
    reading = reading_or_404(request, pk)
    try:
        first = parse_month(request.GET.get("month") or f"{timezone.localdate():%Y-%m}")
    except BadMonth as exc:
        messages.error(request, str(exc))
        return redirect("admin:campaign_figures", pk=reading.campaign.pk)
    return exports.monthly_report(reading, first)


def urls(wrap):
    return [
        path("campaigns/<int:pk>/figures/", wrap(figures), name="campaign_figures"),
        path("campaigns/<int:pk>/ledger.xlsx", wrap(ledger), name="campaign_ledger"),
        path("campaigns/<int:pk>/monthly.xlsx", wrap(monthly), name="campaign_monthly"),
    ]
