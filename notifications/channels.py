"""The ways a notification leaves the site besides the inbox, behind one small interface.

A channel has a ``name``, says where it reaches a person (``address``; None when it cannot) and
``send``s one message there, raising when it could not (the sender retries and logs). Two are
configured: ``email`` (Django's email framework: the console backend in development, SMTP or a
provider's backend through ``EMAIL_BACKEND`` in production) and ``message``, the SMS/WeChat
channel, whose class is named by the ``NOTIFICATION_MESSAGE_CHANNEL`` setting. Out of the box
that is ``ConsoleMessageChannel``, which delivers nothing and says so in the log; to send real
SMS or WeChat messages, write a subclass of ``Channel`` calling the provider's API in ``send``
and name it in that setting (docs/operations.md).
"""

import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Channel:
    """One way of sending: subclass it and implement ``address`` and ``send``."""

    name = ""
    label = ""

    def address(self, user, preference) -> str | None:
        """Where this channel reaches ``user``, or None."""
        raise NotImplementedError

    def send(self, address: str, subject: str, body: str) -> None:
        """Send one message; raise if it was not accepted."""
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"
    label = _("电子邮件")

    def address(self, user, preference):
        return user.email or None

    def send(self, address, subject, body):
        send_mail(subject, body, None, [address], fail_silently=False)


class ConsoleMessageChannel(Channel):
    """The SMS/WeChat channel when no provider is plugged in: it writes each message to the log
    as what it is, a console channel that delivered nothing."""

    name = "message"
    label = _("短信/微信")

    def address(self, user, preference):
        return preference.message_address or None

    def send(self, address, subject, body):
        logger.info(
            "Console message channel (no SMS/WeChat provider configured; nothing was delivered)"
            " to %s: %s\n%s",
            address,
            subject,
            body,
        )


@functools.cache
def _message_channel_class(path: str) -> type[Channel]:
    return import_string(path)


def channels() -> dict[str, Channel]:
    """The configured channels by name."""
    message = _message_channel_class(settings.NOTIFICATION_MESSAGE_CHANNEL)
    return {"email": EmailChannel(), "message": message()}
