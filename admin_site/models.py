"""What the site keeps for the people who work in it, beyond the procedures' own records."""

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
