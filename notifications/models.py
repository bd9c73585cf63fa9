"""What a person is told (``Notification``, their inbox), what was sent where (``Delivery``),
and how they want to be told (``Preference``)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals import clock

from . import subjects


class Kind(models.TextChoices):
    TASK = "task", _("新的待办")
    RETURNED = "returned", _("事项被退回")
    OBJECTION = "objection", _("收到异议")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


# Sent at once whatever the person chose; the rest waits for the day's digest unless they asked
# for everything at once.
IMMEDIATE_KINDS = frozenset({Kind.RETURNED, Kind.OBJECTION})

MESSAGES = {
    Kind.TASK: _("“%(case)s”到了“%(state)s”，等您办理"),
    Kind.RETURNED: _("“%(case)s”被退回到“%(state)s”"),
    Kind.OBJECTION: _("“%(case)s”在“%(state)s”期间收到异议，等您处理"),
    Kind.DUE_SOON: _("“%(case)s”须在 %(due)s 前办理（“%(state)s”）"),
    Kind.OVERDUE: _("“%(case)s”已超过办理期限 %(due)s（“%(state)s”）"),
}


class Notification(models.Model):
    """One thing one person is told about one case. What it says is kept as it was when it
    was written (the case's name, the state, the due date), so the inbox reads no case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    workflow = models.CharField(_("流程"), max_length=64)
    state = models.CharField(_("环节"), max_length=64)
    case_label = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    # What it is about, so the same thing is never told twice (a step, or a state's due date).
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_told_once")
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.case_label}"

    @property
    def text(self) -> str:
        """What it says, in the reader's language."""
        return MESSAGES[self.kind] % {
            "case": self.case_label,
            "state": subjects.state_label(self.workflow, self.state),
            "due": self.due_on.isoformat() if self.due_on else "",
        }

    @property
    def url(self) -> str:
        """The case's page (its procedure's admin change page)."""
        meta = ContentType.objects.get_for_id(self.content_type_id).model_class()._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.object_id])


class Delivery(models.Model):
    """A notification sent on one channel; what has none on a channel is still to send there."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=16)
    sent_at = models.DateTimeField(_("发送时间"), default=clock.now)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.notification_id} · {self.channel}"


class Preference(models.Model):
    """How a person wants to be told besides the inbox. Without a row: by email, in a digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    by_email = models.BooleanField(_("电子邮件"), default=True)
    by_message = models.BooleanField(_("短信/微信"), default=False)
    message_address = models.CharField(
        _("短信/微信接收号"),
        max_length=64,
        blank=True,
        help_text=_("手机号或微信账号，由所接入的短信/微信服务使用"),
    )
    immediate = models.BooleanField(
        _("每条通知立即发送"),
        default=False,
        help_text=_("不勾选时每天汇总发送一次；退回和异议总是立即发送"),
    )

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user_id: int, saved: dict | None = None) -> "Preference":
        """The person's preference: ``saved`` (by user id) or the database's row, else the
        defaults (unsaved)."""
        if saved is not None:
            return saved.get(user_id) or cls(user_id=user_id)
        return cls.objects.filter(user_id=user_id).first() or cls(user_id=user_id)

    def channels(self) -> list[str]:
        """The channels chosen, by name (``notifications.channels``)."""
        return [
            name
            for name, chosen in (("email", self.by_email), ("message", self.by_message))
            if chosen
        ]

    def sends_at_once(self, kind: str) -> bool:
        return self.immediate or kind in IMMEDIATE_KINDS
