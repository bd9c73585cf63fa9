"""Acting once per form: every form that acts carries a one-time token, and a post whose token
was used before is shown what the first post did instead of acting again.

The token is recorded in the same transaction as the action: a second post of it (a double
click, a reload, a retry after a lost answer) waits on the first post's row, then finds the
token used and repeats the first post's messages and where it led. A post without a token (an
older page, a script) acts as it always did.

A token is kept for ``FORM_TOKEN_RETENTION_DAYS`` (``purge_tokens``): long past any double click,
reload or retry. A page posted again after that acts again, where the step still allows it.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from approvals import clock

from .models import FormSubmission

TOKEN_FIELD = "submission_token"


def token_of(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


class Outcome:
    """What a post did, as it can be told again: its messages, where it led, and what it left
    in the session for the page it led to."""

    def __init__(self, to: str, session: dict | None = None):
        self.to = to
        self.messages: list[tuple[int, str]] = []
        self.session = session or {}

    def add(self, level: int, text) -> None:
        self.messages.append((level, str(text)))

    def as_record(self) -> dict:
        return {"to": self.to, "messages": self.messages, "session": self.session}

    def respond(self, request, repeated=False):
        if repeated:
            messages.info(request, _("此表单已经提交过，没有再次办理；以下是第一次提交的结果。"))
        for level, text in self.messages:
            messages.add_message(request, level, text)
        request.session.update(self.session)
        return redirect(self.to)

    @classmethod
    def from_record(cls, record: dict) -> "Outcome":
        outcome = cls(record.get("to", "admin:index"), record.get("session"))
        outcome.messages = [tuple(m) for m in record.get("messages", [])]
        return outcome


def once(request, act):
    """Run ``act()`` (returning an ``Outcome``) unless this form's token was used before, and
    answer with its outcome, or with the first post's outcome on a repeat."""
    token = token_of(request)
    if token is None:
        return act().respond(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(
                    token=token, user=request.user, path=request.path[:500]
                )
        except IntegrityError:
            earlier = FormSubmission.objects.filter(token=token, user=request.user).first()
            if earlier is None:  # someone else's token: nothing of theirs is shown
                return act().respond(request)
            return Outcome.from_record(earlier.result).respond(request, repeated=True)
        outcome = act()
        submission.result = outcome.as_record()
        submission.save(update_fields=["result"])
    return outcome.respond(request)


def purge_tokens() -> int:
    """Delete the tokens of forms posted longer ago than the retention period; how many."""
    cutoff = clock.now() - datetime.timedelta(days=settings.FORM_TOKEN_RETENTION_DAYS)
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
