"""What a signed-in person may see and do in the admin, from their role assignments.

Everything a user sees is filtered to the regions their roles cover (any role, auditors
included); an object outside them is a 404, never a 403 that would confirm it exists. Acting roles
(every role but auditor) may change things; auditors only read.
"""

from django.http import Http404

from roles.catalogue import READ_ONLY_ROLES, Role
from roles.scope import jurisdiction, region_filter


def held_roles(request) -> dict[str, list[str]]:
    """The user's roles in force today with their prefixes, read once per request."""
    if not hasattr(request, "_jingzhun_jurisdiction"):
        request._jingzhun_jurisdiction = jurisdiction(request.user)
    return request._jingzhun_jurisdiction


def visible_prefixes(request) -> list[str]:
    """Code prefixes of every region the user may look at ("" for a superuser: everywhere)."""
    if request.user.is_superuser:
        return [""]
    prefixes = sorted({p for ps in held_roles(request).values() for p in ps})
    return [p for p in prefixes if not any(p != k and p.startswith(k) for k in prefixes)]


def acting_roles(request) -> dict[str, list[str]]:
    """The roles the user may act under, with their prefixes (auditors and the timer excluded)."""
    return {
        role: prefixes
        for role, prefixes in held_roles(request).items()
        if role not in READ_ONLY_ROLES and role != Role.SYSTEM
    }


def is_auditor_only(request) -> bool:
    held = held_roles(request)
    return bool(held) and not acting_roles(request) and not request.user.is_superuser


def only_audits(request) -> bool:
    """Every role the person holds is auditor: they may read the admin and write nothing in it.
    (A county administrator acts on no case but manages people; someone who is also an acting
    role anywhere has their writes limited by that role's scope instead.)"""
    held = held_roles(request)
    return bool(held) and set(held) == {Role.AUDITOR} and not request.user.is_superuser


def has_any_role(request) -> bool:
    return request.user.is_superuser or bool(held_roles(request))


def region_filter_for(request, field: str = "region"):
    """A filter for what the user may see; ``field`` names the region ("" for regions)."""
    return region_filter(visible_prefixes(request), field)


def scoped(queryset, request, field: str = "region"):
    """``queryset`` limited to what the user may see; ``field`` names the region (or "" for a
    queryset of regions)."""
    return queryset.filter(region_filter_for(request, field))


def in_scope(request, region) -> bool:
    return any(region.code.startswith(prefix) for prefix in visible_prefixes(request))


def get_in_scope_or_404(queryset, request, field: str = "region", **lookup):
    try:
        return scoped(queryset, request, field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def filter_regions(request):
    """The regions a filter offers: the townships in scope, or — for someone whose scope is one
    township or less — its villages. Short whatever the user's level, so the form stays cheap."""
    from roles.models import Level, Region

    townships = scoped(Region.objects.filter(level=Level.TOWNSHIP), request, "").order_by("code")
    if len(townships[:2]) > 1:
        return townships
    return scoped(Region.objects.filter(level=Level.VILLAGE), request, "").order_by("code")
