"""The system actor that timers act as (closing notices whose period has run out)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password


def system_user():
    """The account timers act as: it has no usable password and cannot log in."""
    user, _created = get_user_model()._default_manager.get_or_create(
        username=settings.APPROVALS_SYSTEM_USERNAME,
        defaults={"is_active": False, "password": make_password(None)},  # unusable from the start
    )
    return user


def is_system_user(user) -> bool:
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and user.get_username() == settings.APPROVALS_SYSTEM_USERNAME
        and not user.has_usable_password()
    )
