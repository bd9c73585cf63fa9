"""Where a signed-in person may read and where they may write, from their role assignments.

Two scopes, never mixed:

- the **read scope** covers every role held (auditors and county administrators included): lists,
  pages, ledgers and the dashboard are filtered to it, and an object outside it is a 404, never a
  403 that would confirm it exists;
- the **write scope** covers only the roles that may change things (``write_roles``: every role
  but the read-only ones and the timer's). Change and add permissions, object saving and every
  choice a form offers use it, so holding a read-only role over a county never widens where one
  may write.
"""

from django.http import Http404

from roles.catalogue import READ_ONLY_ROLES, Role
from roles.jurisdiction import jurisdiction_of, outermost, region_filter
from roles.models import Level, Region
from roles.standins import standing_in_for


def request_jurisdiction(request) -> dict[str, list[str]]:
    """The user's roles in force today with their prefixes, read once per request."""
    if not hasattr(request, "_jingzhun_jurisdiction"):
        request._jingzhun_jurisdiction = jurisdiction_of(request.user)
    return request._jingzhun_jurisdiction


def request_standins(request) -> list[tuple[object, dict]]:
    """The absent people the user stands in for today, each with their roles and prefixes
    (``roles.standins.standing_in_for``), read once per request."""
    if not hasattr(request, "_jingzhun_standins"):
        request._jingzhun_standins = standing_in_for(request.user)
    return request._jingzhun_standins


# --- read scope ------------------------------------------------------------------------------


def read_jurisdiction(request) -> dict[str, list[str]]:
    """What the user may read: their own roles, and today those of each absent person they
    stand in for (``roles.standins``), so a stand-in opens the cases they act on. Writing stays
    with the user's own roles; a stand-in's steps go through ``perform(on_behalf_of=…)``."""
    if not hasattr(request, "_jingzhun_read_jurisdiction"):
        merged = {role: list(ps) for role, ps in request_jurisdiction(request).items()}
        for _person, theirs in request_standins(request):
            for role, prefixes in theirs.items():
                merged[role] = outermost([*merged.get(role, []), *prefixes])
        request._jingzhun_read_jurisdiction = merged
    return request._jingzhun_read_jurisdiction


def read_prefixes(request) -> list[str]:
    """Code prefixes of every region the user may look at ("" for a superuser: everywhere)."""
    if request.user.is_superuser:
        return [""]
    return outermost(p for ps in read_jurisdiction(request).values() for p in ps)


def read_filter(request, field: str = "region"):
    """A filter for what the user may see; ``field`` names the region ("" for regions)."""
    return region_filter(read_prefixes(request), field)


def readable(queryset, request, field: str = "region"):
    """``queryset`` limited to what the user may see; ``field`` names the region (or "" for a
    queryset of regions)."""
    return queryset.filter(read_filter(request, field))


def in_read_scope(request, region) -> bool:
    return any(region.code.startswith(prefix) for prefix in read_prefixes(request))


def get_readable_or_404(queryset, request, field: str = "region", **lookup):
    try:
        return readable(queryset, request, field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def has_any_role(request) -> bool:
    return request.user.is_superuser or bool(request_jurisdiction(request))


# Those who work in one village: their menu lists their cases, not the site's reference pages.
VILLAGE_ROLES = {Role.VILLAGE_COMMITTEE, Role.WORK_TEAM}


def sees_reference_pages(request) -> bool:
    """Whether the menu lists reference pages (policy versions, poverty lines, regions): for
    everyone with a role beyond a village's; the pages themselves stay readable by all."""
    return request.user.is_superuser or bool(set(request_jurisdiction(request)) - VILLAGE_ROLES)


def filter_regions(request):
    """The regions a filter offers: the townships in scope, or — for someone whose scope is one
    township or less — its villages. Short whatever the user's level, so the form stays cheap."""
    townships = readable(Region.objects.filter(level=Level.TOWNSHIP), request, "").order_by("code")
    if len(townships[:2]) > 1:
        return townships
    return readable(Region.objects.filter(level=Level.VILLAGE), request, "").order_by("code")


# --- write scope -----------------------------------------------------------------------------


def write_roles(request) -> dict[str, list[str]]:
    """The roles the user may change things as, with their prefixes (read-only roles and the
    timer's excluded)."""
    return {
        role: prefixes
        for role, prefixes in request_jurisdiction(request).items()
        if role not in READ_ONLY_ROLES and role != Role.SYSTEM
    }


def is_read_only(request) -> bool:
    """Holds roles, but none that may change anything (an auditor, say)."""
    return (
        bool(request_jurisdiction(request))
        and not write_roles(request)
        and not request.user.is_superuser
    )


def write_prefixes(request, roles=None) -> list[str]:
    """Code prefixes of the regions where the user may write, as any writing role or as one of
    ``roles`` ("" for a superuser: everywhere)."""
    if request.user.is_superuser:
        return [""]
    held = write_roles(request)
    wanted = held if roles is None else [r for r in roles if r in held]
    return outermost(p for role in wanted for p in held[role])


def only_audits(request) -> bool:
    """Every role the person holds is auditor: they may read the admin and write nothing in it.
    (A county administrator acts on no case but manages people; someone who is also an acting
    role anywhere has their writes limited by that role's scope instead.)"""
    held = request_jurisdiction(request)
    return bool(held) and set(held) == {Role.AUDITOR} and not request.user.is_superuser


def write_filter(request, field: str = "region", roles=None):
    """A filter for where the user may write; ``field`` names the region ("" for regions)."""
    return region_filter(write_prefixes(request, roles), field)


def in_write_scope(request, region, roles=None) -> bool:
    return any(region.code.startswith(prefix) for prefix in write_prefixes(request, roles))
