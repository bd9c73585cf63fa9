"""The engine's clock: the current time, unless a backfill has set it.

Counties move years of paper records into the system; ``at()`` lets an import (or the demo seed)
take each recorded step at the moment it really happened, so notices, waiting times and the audit
trail carry their true dates. It is a context manager for code, never reachable from a request.
"""

import contextlib
import contextvars
import datetime

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "approvals_clock", default=None
)


def now() -> datetime.datetime:
    return _fixed.get() or timezone.now()


@contextlib.contextmanager
def at(moment: datetime.datetime):
    """Run the block as if it were ``moment``."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
