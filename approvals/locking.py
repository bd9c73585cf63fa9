"""Taking the row lock on a case before changing it.

On PostgreSQL ``SELECT … FOR UPDATE`` makes a second actor wait for the first and then see the
state the first one left; everywhere, the save is an UPDATE conditioned on the state read here
(django-fsm-2's ConcurrentTransitionMixin), so a stale copy can never overwrite a newer state.
"""

from django.utils.translation import gettext as _

from .exceptions import ConflictError


def lock_fresh(case):
    """The case re-read from the database under a row lock; call inside a transaction."""
    model = type(case)
    fresh = (
        model._base_manager.select_for_update(of=("self",))
        .select_related("region", "policy")
        .get(pk=case.pk)
    )
    if fresh.state != case.state:
        raise ConflictError(
            _("该记录已被他人处理，当前状态为“%(state)s”，请刷新后重试")
            % {"state": fresh.state_label}
        )
    return fresh
