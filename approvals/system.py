"""The system actor that timers act as (closing notices whose period has run out).

The account is made by a migration (``0005_timer_account``) with no usable password, inactive, so
it never signs in. Its name is reserved: no other account may be created or renamed to anything
that reads the same (whatever the case, full-width letters or surrounding spaces), so no impostor
can stand in for the timer nor take its name before it exists.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RESERVED_USERNAME = _("该用户名为系统保留，请换一个")


def system_user():
    """The account timers act as."""
    return get_user_model()._default_manager.get(username=settings.APPROVALS_SYSTEM_USERNAME)


def is_system_user(user) -> bool:
    """Is ``user`` the timers' account: its exact name, no way to sign in, no powers?"""
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and user.get_username() == settings.APPROVALS_SYSTEM_USERNAME
        and not user.has_usable_password()
        and not user.is_active
        and not user.is_staff
        and not user.is_superuser
    )


def _comparable(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def is_reserved_username(username: str) -> bool:
    """Does ``username`` read as the timers' account name?"""
    return _comparable(username or "") == _comparable(settings.APPROVALS_SYSTEM_USERNAME)


def validate_unreserved_username(username: str) -> None:
    """A validator for username fields: the timers' name is refused with a reason."""
    if is_reserved_username(username):
        raise ValidationError(RESERVED_USERNAME, code="reserved")


def refuse_reserved_username(sender, instance, **kwargs):
    """pre_save of users: whatever the code path, only the timers' account bears its name."""
    if not is_system_user(instance):
        validate_unreserved_username(instance.get_username())
