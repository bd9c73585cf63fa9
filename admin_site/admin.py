"""Loaded by the admin's autodiscovery, so the people and units admins are registered.

The background tasks' results are not an admin page: they are in English only and show raw
arguments; the page that started a task (an import) shows its progress and its outcome, and
operators read failures in the worker's log (docs/operations.md)."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from . import people, units  # noqa: F401

admin.site.unregister(DBTaskResult)
