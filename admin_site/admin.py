"""Loaded by the admin's autodiscovery, so the people and units admins are registered."""

from . import people, units  # noqa: F401
