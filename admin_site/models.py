"""What the site keeps for the people who work in it, beyond the procedures' own records:
saved queue filters and the forms already submitted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QueueFilter(models.Model):
    """A filter of the queue a person saved under a name: the page's query (procedure, view,
    filters, sort), replayed by following it. It reads only what the person may see then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="queue_filters",
    )
    name = models.CharField(_("名称"), max_length=50)
    query = models.CharField(_("筛选条件"), max_length=1000)
    created_at = models.DateTimeField(_("保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="queue_filter_name_per_user")
        ]

    def __str__(self):
        return self.name


class FormSubmission(models.Model):
    """A one-time token of a form that acts (a case's action, a bulk action), used once.

    The row is written in the transaction that acts, so a second post of the same form (a double
    click, a reload, a retry) waits for the first, finds the token used and is shown the first
    post's ``result`` instead of acting again."""

    token = models.UUIDField(_("表单令牌"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(_("提交地址"), max_length=500)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    result = models.JSONField(_("办理结果"), default=dict)

    class Meta:
        verbose_name = _("已提交的表单")
        verbose_name_plural = _("已提交的表单")

    def __str__(self):
        return str(self.token)
