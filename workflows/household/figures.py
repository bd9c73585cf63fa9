"""Per-village figures: registered and exited people and the incidence of poverty, the basis of
village exit and listed supervision (挂牌督战)."""

import dataclasses
from decimal import Decimal

from django.db.models import Count, Q

from .choices import RegisterStatus
from .models import Member, VillagePopulation

POOR = [RegisterStatus.REGISTERED, RegisterStatus.RETURNED]


@dataclasses.dataclass
class VillageFigures:
    region_id: int
    registered_people: int
    exited_people: int
    rural_population: int | None

    @property
    def incidence(self) -> Decimal | None:
        """Registered poor people per hundred rural people, or None without a population."""
        if not self.rural_population:
            return None
        return (Decimal(100) * self.registered_people / self.rural_population).quantize(
            Decimal("0.01")
        )


def village_figures(regions, year: int) -> dict[int, VillageFigures]:
    """The figures of every village in ``regions`` (a queryset), in two queries."""
    counts = (
        Member.objects.filter(household__region__in=regions)
        .values("household__region")
        .annotate(
            registered=Count("pk", filter=Q(household__register_status__in=POOR)),
            exited=Count("pk", filter=Q(household__register_status=RegisterStatus.EXITED)),
        )
    )
    population = dict(
        VillagePopulation.objects.filter(region__in=regions, year=year).values_list(
            "region", "rural_population"
        )
    )
    figures = {
        region_id: VillageFigures(region_id, 0, 0, population.get(region_id))
        for region_id in regions.values_list("pk", flat=True)
    }
    for row in counts:
        figure = figures[row["household__region"]]
        figure.registered_people = row["registered"]
        figure.exited_people = row["exited"]
    return figures
