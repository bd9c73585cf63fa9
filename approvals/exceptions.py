"""What the engine raises when it refuses, and the reasons it gives.

Every refusal is a ``Refusal``: ``PermissionDenied``, ``TransitionNotAllowed`` or ``ConflictError``;
when one is raised nothing has changed. Each reason is a ``Reason`` — a stable code, a message
(the Chinese source string, marked for translation) and its parameters, in the style of Django's
``ValidationError`` — rendered when it is read, in the reader's language. ``exc.reasons`` is the
list of them as the refused person reads them (DESIGN.md §4: rendered in the language active when
they were refused); ``exc.details`` the reasons themselves, which the security log keeps as
records (``Reason.as_record``) so that an auditor reads them in their own language whatever
language the refused person used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext

# A reason given as words alone (a guard written before reasons had codes).
TEXT = "text"
# What a list of words is joined with when a reason is rendered.
LIST_SEPARATOR = "、"


def _source(text) -> str:
    """The message id behind a lazily translated string (``gettext_lazy``), or the text itself."""
    if isinstance(text, Promise) and getattr(text, "_args", None):
        return str(text._args[0])
    return str(text)


def _param_record(value) -> Any:
    """A parameter as the log keeps it: translatable words by their message id, so they can be
    rendered in another language; numbers and plain text as they are."""
    if isinstance(value, Promise):
        return {"msgid": _source(value)}
    if isinstance(value, Reason):
        return {"reason": value.as_record()}
    if isinstance(value, list | tuple):
        return {"words": [_param_record(v) for v in value]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _rendered(value) -> Any:
    """A kept parameter in the active language."""
    if isinstance(value, dict) and "msgid" in value:
        return gettext(value["msgid"])
    if isinstance(value, dict) and "words" in value:
        return LIST_SEPARATOR.join(str(_rendered(v)) for v in value["words"])
    if isinstance(value, dict) and "reason" in value:
        return str(Reason.from_record(value["reason"]))
    if isinstance(value, Promise | Reason):
        return str(value)
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(_rendered(v)) for v in value)
    return value


class Reason:
    """One reason a step is refused: ``code`` for programs, ``message`` (with ``%(name)s``
    placeholders) and ``params`` for people. ``str()`` renders it in the active language.

    A parameter may be plain text or a number, a lazily translated label, another reason (a
    phrase with parameters of its own), or a list of those (rendered joined by "、")."""

    def __init__(self, code: str, message, **params):
        self.code = code
        self.message = message
        self.params = params

    @classmethod
    def of(cls, reason: Reason | str) -> Reason:
        """``reason`` as a Reason: words alone get the code ``text``."""
        return reason if isinstance(reason, Reason) else cls(TEXT, reason)

    def __str__(self) -> str:
        text = gettext(_source(self.message))
        if not self.params:
            return text
        return text % {name: _rendered(value) for name, value in self.params.items()}

    def __repr__(self):
        return f"<Reason {self.code}: {self}>"

    def __eq__(self, other):
        if not isinstance(other, Reason):
            return NotImplemented
        return self.as_record() == other.as_record()

    def __hash__(self):
        return hash((self.code, _source(self.message)))

    def as_record(self) -> dict:
        """What the security log keeps: the code, the message id and the parameters."""
        return {
            "code": self.code,
            "message": _source(self.message),
            "params": {name: _param_record(value) for name, value in self.params.items()},
        }

    @classmethod
    def from_record(cls, record: dict) -> Reason:
        return cls(record.get("code", TEXT), record.get("message", ""), **record.get("params", {}))


class Refusal(Exception):
    """An action or edit refused, with its reasons; nothing has changed."""

    def __init__(self, reasons: Iterable[Reason | str]):
        self.details = [Reason.of(r) for r in reasons]
        # As the refused person reads them: in the language active when they were refused.
        self.reasons = [str(r) for r in self.details]
        super().__init__(*self.reasons)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.details]

    def __str__(self):
        return "；".join(self.reasons)


class PermissionDenied(Refusal, DjangoPermissionDenied):
    """The user does not hold a role that may take this action in the object's region."""


class TransitionNotAllowed(Refusal):
    """The action is not available now; ``reasons`` says why in words a cadre understands."""


class ConflictError(Refusal):
    """The object changed under the caller (someone else acted first); reload and try again."""

    def __init__(self, reason: Reason | str):
        super().__init__([reason])
