"""What other apps learn of the steps the engine takes, once they are committed.

An app that reacts to steps (notifications) registers a listener here from its ``ready()``; the
engine announces each step it records (``perform``, the batch path, an objection filed, a case
opened), as does a service running records on a process of its own (rectification problems on
viewflow), and the listeners are called after the transaction commits, with the case or record
as it now is and the step's audit entry. A listener never runs for a step that was rolled back,
and one that fails is logged and cannot undo or block the step, nor stop the other listeners.
The engine knows nothing of who listens: the dependency points from the listener to the engine.

A listener that only queues work for later (a row for a background worker) may instead be
registered ``with_step``: it is called inside the step's transaction, so its row commits with the
step or not at all (a transactional outbox). The worker, reading committed rows, still sees it
only once the step has committed, and the step pays no second commit — on PostgreSQL and SQLite a
commit waits for the disk, the largest single cost of a step. Such a listener must do nothing but
write its row: should that write fail, the step fails with it.
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
    """A step: the case (or chained record) after it, and the entry that records it."""

    case: WorkflowCase | ChainedRecord
    entry: AuditEntry


# Listeners by name, in the order they were registered; each takes a list of ``Step``.
_listeners: dict[str, Callable[[list[Step]], None]] = {}
# Those called inside the step's transaction (``with_step``), by name likewise.
_with_step: dict[str, Callable[[list[Step]], None]] = {}


def register(name: str, listener: Callable[[list[Step]], None], *, with_step=False) -> None:
    """Call ``listener`` with the steps of every committed transaction, or, ``with_step``, with
    the steps in the transaction that takes them (registering a name again replaces it)."""
    _listeners.pop(name, None)
    _with_step.pop(name, None)
    (_with_step if with_step else _listeners)[name] = listener


def announce(steps: Iterable[tuple[ChainedRecord, AuditEntry]]) -> None:
    """Hand ``steps`` (case, entry) to the ``with_step`` listeners now, and to every other
    listener once the current transaction commits."""
    recorded = [Step(case, entry) for case, entry in steps]
    if not recorded:
        return
    for listener in _with_step.values():
        listener(recorded)
    if _listeners:
        transaction.on_commit(functools.partial(_deliver, recorded))


def _deliver(steps: list[Step]) -> None:
    for name, listener in _listeners.items():
        try:
            listener(steps)
        except Exception:
            logger.exception("Step listener %s failed; the steps stand", name)
