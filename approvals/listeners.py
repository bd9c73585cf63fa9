"""What other apps learn of the steps the engine takes, once they are committed.

An app that reacts to steps (notifications) registers a listener here from its ``ready()``; the
engine announces each step it records (``perform``, the batch path, an objection filed, a case
opened), as does a service running records on a process of its own (rectification problems on
viewflow), and the listeners are called after the transaction commits, with the case or record
as it now is and the step's audit entry. A listener never runs for a step that was rolled back,
and one that fails is logged and cannot undo or block the step, nor stop the other listeners.
The engine knows nothing of who listens: the dependency points from the listener to the engine.
"""

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable

from django.db import transaction

from .models import AuditEntry, ChainedRecord, WorkflowCase

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Step:
    """A committed step: the case (or chained record) after it, and the entry that records it."""

    case: WorkflowCase | ChainedRecord
    entry: AuditEntry


# Listeners by name, in the order they were registered; each takes a list of ``Step``.
_listeners: dict[str, Callable[[list[Step]], None]] = {}


def register(name: str, listener: Callable[[list[Step]], None]) -> None:
    """Call ``listener`` with the steps of every committed transaction (registering twice
    replaces)."""
    _listeners[name] = listener


def announce(steps: Iterable[tuple[ChainedRecord, AuditEntry]]) -> None:
    """Hand ``steps`` (case, entry) to every listener once the current transaction commits."""
    committed = [Step(case, entry) for case, entry in steps]
    if committed and _listeners:
        transaction.on_commit(functools.partial(_deliver, committed))


def _deliver(steps: list[Step]) -> None:
    for name, listener in _listeners.items():
        try:
            listener(steps)
        except Exception:
            logger.exception("Step listener %s failed; the steps stand", name)
