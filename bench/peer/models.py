"""The peer model: what a project gets from django-fsm-2 and django-fsm-log with no engine.

It mirrors the toy case's columns and its ``submit`` guards (django-fsm ``conditions``), so the
difference measured is the engine's work, not a narrower row.
"""

from django.db import models
from django_fsm import FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from roles.models import Region


def title_given(case) -> bool:
    return bool(case.title.strip())


def amount_positive(case) -> bool:
    return case.amount > 0


class PeerCase(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    state = FSMField(default="draft", db_index=True, max_length=64)
    title = models.CharField(max_length=100)
    amount = models.IntegerField(default=0)

    def __str__(self):
        return self.title

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state, source="draft", target="review", conditions=[title_given, amount_positive]
    )
    def submit(self, by=None, description=None):
        """Draft to review; django-fsm-log records ``by`` and ``description``."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source="review", target="draft")
    def return_for_revision(self, by=None, description=None):
        """Review back to draft, so the benchmark can repeat its rounds."""
