"""Sending notifications on the channels people chose, in the background and after commit.

New notifications are saved in one INSERT (what someone was told already is skipped); returns
and objections, and everything for people who asked for it, are queued at once as a ``deliver``
task per person and channel; the rest waits for the day's digest (``send_digests``). A task sends
one message with what is still unsent and unread, records a ``Delivery`` per notification, and
on failure logs it and queues itself again later, ``MAX_ATTEMPTS`` times in all. Nothing here
runs inside a step's transaction, so a send can neither block nor undo one.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .channels import channels
from .models import Delivery, Notification, Preference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# The wait before a retry, times the number of attempts made.
RETRY_AFTER = datetime.timedelta(minutes=10)


# Notifications saved and looked up per statement: well within every database's parameter limit.
BATCH_SIZE = 500


def store(notes: list[Notification]) -> None:
    """Save ``notes`` and queue what is to be sent at once."""
    for start in range(0, len(notes), BATCH_SIZE):
        _store_batch(notes[start : start + BATCH_SIZE])


def _store_batch(notes: list[Notification]) -> None:
    users, keys = {n.user_id for n in notes}, {n.key for n in notes}
    same = Notification.objects.filter(user_id__in=users, key__in=keys)
    with transaction.atomic():
        told = set(same.values_list("user_id", "key"))
        Notification.objects.bulk_create(notes, ignore_conflicts=True)
        preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=users)}
        at_once = defaultdict(list)
        for pk, user_id, key, kind in same.values_list("pk", "user_id", "key", "kind"):
            preference = Preference.of(user_id, preferences)
            if (user_id, key) not in told and preference.sends_at_once(kind):
                for channel in preference.channels():
                    at_once[user_id, channel].append(pk)
        for (user_id, channel), pks in at_once.items():
            deliver.enqueue(user_id, channel, pks)


def queue_digests() -> int:
    """Queue one message per person and channel with everything still unsent and unread."""
    pending = defaultdict(list)
    unread = Notification.objects.filter(read_at__isnull=True).values_list("pk", "user_id")
    preferences = {p.user_id: p for p in Preference.objects.all()}
    sent = set(
        Delivery.objects.filter(notification__read_at__isnull=True).values_list(
            "notification_id", "channel"
        )
    )
    for pk, user_id in unread.order_by("user_id", "pk"):
        for channel in Preference.of(user_id, preferences).channels():
            if (pk, channel) not in sent:
                pending[user_id, channel].append(pk)
    for (user_id, channel), pks in pending.items():
        deliver.enqueue(user_id, channel, pks)
    return len(pending)


@task()
def deliver(user_id: int, channel: str, notification_ids: list[int], attempt: int = 1) -> int:
    """Send the person one message on ``channel`` with those of the notifications still unsent
    there and unread; how many it carried."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, user=user, read_at__isnull=True)
        .exclude(deliveries__channel=channel)
        .order_by("created_at", "pk")
    )
    way = channels()[channel]
    address = way.address(user, Preference.of(user_id))
    if not pending or not address:
        return 0
    subject, body = compose(pending)
    try:
        way.send(address, subject, body)
    except Exception:
        _retry_or_give_up(user_id, channel, notification_ids, attempt)
        raise  # the worker records the failure with its traceback
    Delivery.objects.bulk_create(
        [Delivery(notification=n, channel=channel) for n in pending], ignore_conflicts=True
    )
    return len(pending)


def _retry_or_give_up(user_id, channel, notification_ids, attempt) -> None:
    if attempt >= MAX_ATTEMPTS:
        logger.error(
            "Sending %d notifications to user %s by %s failed %d times; giving up "
            "(they stay in the inbox)",
            len(notification_ids),
            user_id,
            channel,
            attempt,
            exc_info=True,
        )
        return
    logger.warning(
        "Sending %d notifications to user %s by %s failed (attempt %d of %d); retrying later",
        len(notification_ids),
        user_id,
        channel,
        attempt,
        MAX_ATTEMPTS,
        exc_info=True,
    )
    deliver.using(run_after=timezone.now() + RETRY_AFTER * attempt).enqueue(
        user_id, channel, notification_ids, attempt + 1
    )


def compose(notes: list[Notification]) -> tuple[str, str]:
    """The subject and body of one message carrying ``notes``, in the site's language."""
    base = getattr(settings, "NOTIFICATION_SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        if len(notes) == 1:
            subject = f"{notes[0].get_kind_display()}：{notes[0].case_label}"
        else:
            subject = _("您有 %(count)d 条新通知") % {"count": len(notes)}
        lines = []
        for n in notes:
            lines.append(f"· {n.text}")
            if n.detail:
                lines.append(f"  {_('说明')}：{n.detail}")
            lines.append(f"  {base}{n.url}")
        lines += ["", _("请登录系统查看和办理。")]
    return subject, "\n".join(lines)
