"""What notifications may be about besides the engine's procedure cases: records an app runs on
a process of its own (a rectification problem on viewflow), whose chain entries the app announces
to the same listener. The app says, per entry, who is told what (``Told``) and how the states it
names read; the inbox, the header count and the sending are the same as for every case. An
engine case needs no registration: its procedure's workflow says all of it."""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from approvals.procedures import model_for


@dataclasses.dataclass(frozen=True)
class Told:
    """Some people told one thing of one entry: ``kind`` (``models.Kind``), in ``state``."""

    user_ids: frozenset[int]
    kind: str
    state: str
    detail: str = ""
    due_on: datetime.date | None = None


@dataclasses.dataclass(frozen=True)
class Subject:
    """A kind of record notifications are about: ``name`` is kept as the notification's
    workflow; ``told(record, entry)`` says who is told of an entry of the record's chain;
    ``state_label(state)`` is how a state it names reads."""

    model: type
    name: str
    told: Callable[[object, object], Iterable[Told]]
    state_label: Callable[[str], str]


_registry: dict[str, Subject] = {}


def register(subject: Subject) -> None:
    """Called from the app's ``ready()``."""
    _registry[subject.name] = subject


def of_model(model) -> Subject | None:
    return next((s for s in _registry.values() if s.model is model), None)


def name_of(record) -> str:
    """The name a notification about ``record`` keeps: its subject's, or its procedure's."""
    subject = of_model(type(record))
    return subject.name if subject else record.workflow.name


def state_label(name: str, state: str) -> str:
    """How ``state`` of the subject or procedure called ``name`` reads."""
    subject = _registry.get(name)
    return subject.state_label(state) if subject else model_for(name).workflow.state_label(state)
