"""The system actor that timers act as (closing notices whose period has run out)."""

from django.conf import settings
from django.contrib.auth import get_user_model


def system_user():
    """The account timers act as: it has no usable password and cannot log in."""
    user_model = get_user_model()
    user, created = user_model._default_manager.get_or_create(
        username=settings.APPROVALS_SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_user(user) -> bool:
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and user.get_username() == settings.APPROVALS_SYSTEM_USERNAME
        and not user.has_usable_password()
    )
