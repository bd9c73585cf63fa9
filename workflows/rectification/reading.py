"""Who may read a campaign's figures and outputs, and which of its problems they see.

A person acts for their unit: a role assignment that names a unit gives that unit's view, even
when its region is the whole county (a county department's people hold their role there). So:

- the people of the campaign's rectification office, and anyone holding a role over the
  campaign's county (or a region above it) that names no unit — auditors, the county office,
  approvers, administrators — see every problem;
- the people of a unit that leads or answers for some of its problems see those problems only,
  and only their own units' rows of the per-unit figures;
- anyone else gets a 404, as for any object outside one's jurisdiction: the campaign is not
  confirmed to exist.
"""

import dataclasses

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from roles.models import Unit

from . import scope
from .models import Campaign, Problem


@dataclasses.dataclass(frozen=True)
class Reading:
    """A campaign as one person may read it."""

    campaign: Campaign
    problems: QuerySet  # the problems they see
    units: QuerySet | None  # the units whose figures they see; None for every unit

    @property
    def whole(self) -> bool:
        return self.units is None


def reading_or_404(request, pk) -> Reading:
    """The campaign ``pk`` as the person asking may read it (a 404 if they may not), by the
    site's one rule of who reads what (``scope``)."""
    campaigns = scope.readable_campaigns(request, Campaign.objects.select_related("county"))
    campaign = get_object_or_404(campaigns, pk=pk)
    everything = Problem.objects.filter(campaign=campaign)
    units = scope.unit_ids(request)
    in_county = any(campaign.county.code.startswith(p) for p in scope.county_prefixes(request))
    if in_county or campaign.office_id in units:
        return Reading(campaign, everything, None)
    mine = scope.readable_problems(request, everything)
    return Reading(
        campaign, everything.filter(pk__in=mine.values("pk")), Unit.objects.filter(pk__in=units)
    )
