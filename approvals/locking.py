"""Taking the row lock on a case before changing it.

On PostgreSQL ``SELECT … FOR UPDATE`` makes a second actor wait for the first and then see the
state the first one left; everywhere, the engine's UPDATE is conditioned on the state read here,
so a stale copy can never overwrite a newer state. The same read answers which of the candidate
roles the actor holds in the case's region, so a step costs one round trip less.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import ConflictError, Reason
from .statements import read_locked


def lock_fresh(case, user=None, roles=()):
    """The case re-read under a row lock, and which of ``roles`` ``user`` holds over its region.

    Call inside a transaction.
    """
    return read_locked(case, user, list(roles), timezone.localdate())


def ensure_unchanged(case, fresh):
    """Refuse to go on if someone else moved the case since the caller read it."""
    if fresh.state != case.state:
        raise ConflictError(
            Reason(
                "moved_meanwhile",
                _("该记录已被他人处理，当前状态为“%(state)s”，请刷新后重试"),
                state=fresh.state_label,
            )
        )
