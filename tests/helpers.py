"""Moving toy cases along for the tests."""

import datetime

import time_machine
from django.utils import timezone

from approvals import perform
from approvals.notices import close_due_notices


def to_review(case, people):
    perform(case, "submit", people.cadre)
    return case


def to_notice(case, people):
    to_review(case, people)
    perform(case, "approve", people.reviewer)
    return case


def after_notice(days=6, hours=0):
    """Travel past a notice period and let the timer close what is due."""
    with time_machine.travel(timezone.now() + datetime.timedelta(days=days, hours=hours)):
        return close_due_notices()
