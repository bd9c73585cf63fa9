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

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from roles.models import RoleAssignment, ancestor_codes
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


def reads_whole_county(user, campaign: Campaign) -> bool:
    """Does ``user`` hold, for no unit, a role over the campaign's county or a region above it?"""
    if user.is_superuser:
        return True
    return (
        RoleAssignment.objects.valid_on()
        .filter(user=user, unit__isnull=True, region__code__in=ancestor_codes(campaign.county.code))
        .exists()
    )


def reading_or_404(request, pk) -> Reading:
    """The campaign ``pk`` as the person asking may read it (a 404 if they may not)."""
    campaign = get_object_or_404(Campaign.objects.select_related("county", "office"), pk=pk)
    everything = Problem.objects.filter(campaign=campaign)
    units = units_of(request.user)
    if reads_whole_county(request.user, campaign) or units.filter(pk=campaign.office_id).exists():
        return Reading(campaign, everything, None)
    theirs = everything.filter(Q(units__in=units) | Q(lead_unit__in=units)).distinct()
    if not theirs.exists():
        raise Http404
    return Reading(campaign, Problem.objects.filter(pk__in=theirs.values("pk")), units)
