"""Loaded by the admin's autodiscovery, so the people admin is registered on the site."""

from . import people  # noqa: F401
