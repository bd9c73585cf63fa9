"""Who reads which campaigns and problems on the site.

A person reads through each of their role assignments in force: one that names a unit reads the
problems that unit answers for (responsible or leading) and, for a rectification office, its
campaigns' problems; one without a unit reads every problem of the counties its region covers
(auditors, county leaders). So a unit never sees another unit's problem, whatever the region of
its people's role.
"""

from django.db.models import Q

from roles.jurisdiction import outermost, region_filter
from roles.models import RoleAssignment

from .models import Campaign, Problem


def _assignments(request):
    if not hasattr(request, "_rectification_assignments"):
        request._rectification_assignments = list(
            RoleAssignment.objects.valid_on().filter(user=request.user).select_related("region")
        )
    return request._rectification_assignments


def unit_ids(request) -> set[int]:
    """The units the person reads for, through assignments that name one."""
    return {a.unit_id for a in _assignments(request) if a.unit_id}


def county_prefixes(request) -> list[str]:
    """Code prefixes read whole, through assignments that name no unit ("" for a superuser)."""
    if request.user.is_superuser:
        return [""]
    return outermost(a.region.prefix for a in _assignments(request) if not a.unit_id)


def problems_filter(request) -> Q:
    units = unit_ids(request)
    answered = Problem.units.through.objects.filter(unit__in=units).values("problem")
    return (
        region_filter(county_prefixes(request), "region")
        | Q(lead_unit__in=units)
        | Q(campaign__office__in=units)
        | Q(pk__in=answered)
    )


def readable_problems(request, queryset=None):
    queryset = Problem.objects.all() if queryset is None else queryset
    return queryset.filter(problems_filter(request))


def readable_campaigns(request, queryset=None):
    queryset = Campaign.objects.all() if queryset is None else queryset
    with_problems = readable_problems(request).values("campaign")
    return queryset.filter(
        region_filter(county_prefixes(request), "county")
        | Q(office__in=unit_ids(request))
        | Q(pk__in=with_problems)
    )
