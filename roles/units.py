"""Who acts for a unit: the people whose role assignments in force name it.

A unit's people are found from role assignments, never from a separate member list, so an
expired or revoked assignment stops a person acting for their unit the day it ends.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .catalogue import READ_ONLY_ROLES
from .models import RoleAssignment, Unit


def members(unit: Unit, day: datetime.date | None = None) -> QuerySet:
    """The active people who act for ``unit`` on ``day`` (today by default)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__in=RoleAssignment.objects.valid_on(day).filter(unit=unit),
        )
        .distinct()
        .order_by("username")
    )


def heads(unit: Unit, day: datetime.date | None = None) -> QuerySet:
    """The people who head ``unit`` on ``day``: those told first when its work is late."""
    return members(unit, day).filter(
        role_assignments__in=RoleAssignment.objects.valid_on(day).filter(unit=unit, heads_unit=True)
    )


def units_of(user, day: datetime.date | None = None) -> QuerySet[Unit]:
    """The units ``user`` acts for on ``day``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    return Unit.objects.filter(
        members__in=RoleAssignment.objects.valid_on(day).filter(user=user)
    ).distinct()


def acts_for(user, unit: Unit, day: datetime.date | None = None) -> bool:
    """Does ``user`` act for ``unit`` on ``day``?"""
    return units_of(user, day).filter(pk=unit.pk).exists()


def acting_assignments(user, day: datetime.date | None = None) -> QuerySet[RoleAssignment]:
    """The assignments in force through which ``user`` acts for a unit: read-only roles
    (auditors, administrators) read a unit's work but never do it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return RoleAssignment.objects.none()
    return (
        RoleAssignment.objects.valid_on(day)
        .filter(user=user, unit__isnull=False)
        .exclude(role__in=READ_ONLY_ROLES)
    )


def acting_role(user, unit: Unit, day: datetime.date | None = None) -> str | None:
    """The role in which ``user`` does ``unit``'s work on ``day``, or None if they do not."""
    return (
        acting_assignments(user, day)
        .filter(unit=unit)
        .order_by("role")
        .values_list("role", flat=True)
        .first()
    )
