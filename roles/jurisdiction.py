"""Jurisdiction questions: may this user act as a role here, and where does a role reach.

A role held over a region covers that region and every region below it. Every answer is one
indexed query on role assignments (ancestors come from the code; subtrees are code prefixes);
nothing loads permission lists into Python.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Region, RoleAssignment, ancestor_codes


def roles_held(
    user, region: Region, roles: Iterable[str], day: datetime.date | None = None
) -> list[str]:
    """The roles among ``roles`` that ``user`` holds over ``region``, in the order given."""
    wanted = list(roles)
    if not wanted or user is None or not user.is_authenticated or not user.is_active:
        return []
    held = set(
        RoleAssignment.objects.valid_on(day)
        .filter(user=user, role__in=wanted, region__code__in=ancestor_codes(region.code))
        .values_list("role", flat=True)
    )
    return [role for role in wanted if role in held]


def may_act(user, role: str, region: Region, day: datetime.date | None = None) -> bool:
    """May ``user`` act as ``role`` on an object in ``region``?"""
    return bool(roles_held(user, region, [role], day))


def jurisdiction_of(user, day: datetime.date | None = None) -> dict[str, list[str]]:
    """Every role ``user`` holds on ``day``, with the code prefixes of the subtrees it covers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    rows = (
        RoleAssignment.objects.valid_on(day)
        .filter(user=user)
        .values_list("role", "region__code", "region__level")
    )
    by_role: dict[str, set[str]] = {}
    for role, code, level in rows:
        by_role.setdefault(role, set()).add(Region(code=code, level=level).prefix)
    return {role: outermost(prefixes) for role, prefixes in by_role.items()}


def outermost(prefixes: Iterable[str]) -> list[str]:
    """Drop prefixes that another one already covers."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes)):  # sorted, so a covering prefix comes before what it covers
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def covered_prefixes(user, role: str, day: datetime.date | None = None) -> list[str]:
    """The code prefixes of the subtrees where ``user`` holds ``role``, without overlaps."""
    return jurisdiction_of(user, day).get(role, [])


def region_filter(prefixes: Iterable[str], field: str = "region") -> Q:
    """A filter matching objects whose ``field`` region lies under one of ``prefixes``.

    ``field=""`` filters regions themselves. With no prefixes it matches nothing, so a user
    without a role sees an empty list.
    """
    lookup = f"{field}__code__startswith" if field else "code__startswith"
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{lookup: prefix})
    return q


def regions_covered(user, role: str, day: datetime.date | None = None) -> QuerySet[Region]:
    """Every region where ``user`` may act as ``role``: a county role covers its villages."""
    return Region.objects.filter(region_filter(covered_prefixes(user, role, day), field=""))
