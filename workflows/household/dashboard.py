"""The households' panel of the dashboard (统计): each village's registered and exited people and
the incidence of poverty, from a county down (above a county the list would run to thousands of
villages)."""

from typing import NamedTuple

from django.db.models import Max
from django.utils import timezone

from approvals.procedures import Panel
from roles.models import Level, Region

from .figures import village_figures
from .models import VillagePopulation


class Village(NamedTuple):
    code: str
    name: str


def figures_year(request, area) -> int:
    """The year asked for in ``?year=``; without a sensible one, the latest with population data."""
    try:
        year = int(request.GET["year"])
    except (KeyError, ValueError):
        pass
    else:
        if 1949 <= year <= 2100:
            return year
    latest = area.filter(VillagePopulation.objects.all()).aggregate(year=Max("year"))["year"]
    return latest or timezone.localdate().year


def village_rows(area, year: int):
    """(village, figures) for each village under ``area``; None above a county."""
    if area.level < Level.COUNTY:
        return None
    villages = area.filter(Region.objects.filter(level=Level.VILLAGE), field="")
    figures = village_figures(villages, year)
    return [
        (Village(code, name), figures[pk])
        for pk, code, name in villages.order_by("code").values_list("pk", "code", "name")
    ]


def village_panel(request, area) -> Panel:
    year = figures_year(request, area)
    context = {"area": area, "year": year, "villages": village_rows(area, year)}
    return Panel("household/village_figures.html", context)
