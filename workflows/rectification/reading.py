"""Who may read a campaign's figures and outputs, and which of its problems they see.

Three kinds of reader, checked in this order:

- anyone whose read scope covers the campaign's county as a whole (auditors and the county's
  roles, or a role over a region above it) and the people of the campaign's rectification office
  see every problem;
- the people of a unit that leads or answers for some of its problems see those problems only,
  and only their own units' rows of the per-unit figures;
- anyone else gets a 404, as for any object outside one's jurisdiction: the campaign is not
  confirmed to exist.
"""

import dataclasses

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from admin_site.request_scope import read_prefixes
from roles.units import units_of

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


def covers_county(request, campaign: Campaign) -> bool:
    """Does the person's read scope hold the campaign's whole county?"""
    county = campaign.county
    return any(
        county.code.startswith(prefix) and len(prefix) <= len(county.prefix)
        for prefix in read_prefixes(request)
    )


def reading_or_404(request, pk) -> Reading:
    """The campaign ``pk`` as the person asking may read it (a 404 if they may not)."""
    campaign = get_object_or_404(Campaign.objects.select_related("county", "office"), pk=pk)
    everything = Problem.objects.filter(campaign=campaign)
    units = units_of(request.user)
    if covers_county(request, campaign) or units.filter(pk=campaign.office_id).exists():
        return Reading(campaign, everything, None)
    theirs = everything.filter(Q(units__in=units) | Q(lead_unit__in=units)).distinct()
    if not theirs.exists():
        raise Http404
    return Reading(campaign, Problem.objects.filter(pk__in=theirs.values("pk")), units)
