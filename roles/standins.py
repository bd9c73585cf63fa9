"""Stand-ins (代办): a person away names someone to act for them for a period.

The stand-in acts under the absent person's roles and regions on the days named, and on no other
day: a stand-in ends by itself, and can be revoked before. One link only: nobody acts for someone
who is themselves a stand-in or away on those days, nor for themselves, so authority is never
passed on twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.names import name_of

from .jurisdiction import jurisdiction_of, region_filter
from .models import Standin


def stands_in(standin, person, day: datetime.date | None = None) -> bool:
    """May ``standin`` act for ``person`` on ``day`` (today by default)?"""
    if standin is None or person is None or not standin.is_active or not person.is_active:
        return False
    return Standin.objects.in_force(day).filter(standin=standin, person=person).exists()


def absent_people(standin, day: datetime.date | None = None):
    """The people ``standin`` acts for on ``day``."""
    return get_user_model().objects.filter(
        is_active=True,
        standins_named__in=Standin.objects.in_force(day).filter(standin=standin),
    )


def standing_in_for(standin, day: datetime.date | None = None) -> list[tuple[object, dict]]:
    """The people ``standin`` acts for on ``day``, each with the roles and regions (as
    ``jurisdiction_of`` gives them) the stand-in acts under for them."""
    people = absent_people(standin, day).order_by("pk")
    return [(person, jurisdiction_of(person, day)) for person in people]


def choosable_standins(person, day: datetime.date | None = None):
    """Whom ``person`` may name: active people holding a role in force in a region ``person``
    may see (themselves excepted)."""
    prefixes = [p for ps in jurisdiction_of(person, day).values() for p in ps]
    from_roles = region_filter(prefixes, field="role_assignments__region")
    return (
        get_user_model()
        .objects.filter(from_roles, is_active=True)
        .exclude(pk=person.pk)
        .distinct()
        .order_by("username")
    )


def name_standin(person, standin, starts: datetime.date, ends: datetime.date) -> Standin:
    """Record that ``standin`` acts for ``person`` from ``starts`` to ``ends``; a
    ``ValidationError`` in Chinese, and nothing saved, when it may not be."""
    today = timezone.localdate()
    if standin.pk == person.pk:
        raise ValidationError(_("不能指定自己为代办人"))
    if ends < starts:
        raise ValidationError(_("结束日期不能早于开始日期"))
    if starts < today:
        raise ValidationError(_("开始日期不能早于今天"))
    with transaction.atomic():
        # Two people naming each other at once: one waits for the other's row, then sees it.
        users = get_user_model().objects.select_for_update().filter(pk__in=[person.pk, standin.pk])
        list(users.order_by("pk"))
        overlapping = Standin.objects.overlapping(starts, ends)
        if overlapping.filter(person=person).exists():
            raise ValidationError(_("您在这段时间已指定了代办人，请先撤销"))
        if overlapping.filter(person=standin).exists():
            raise ValidationError(
                _("%(name)s在这段时间自己也委托了他人代办，不能再代办") % {"name": name_of(standin)}
            )
        if overlapping.filter(standin=person).exists():
            raise ValidationError(_("您在这段时间正代他人办理，不能再委托他人代办"))
        return Standin.objects.create(person=person, standin=standin, starts=starts, ends=ends)


def revoke(standin: Standin) -> None:
    """End a stand-in now: from this moment the stand-in no longer acts for the person."""
    Standin.objects.filter(pk=standin.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
