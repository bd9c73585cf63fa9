"""An import of a register file: its file, who imports it, and how far it has got."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.models import Region


class ImportJob(models.Model):
    """One file on its way in: checked (the dry run) in the background, confirmed by its
    importer, imported in the background with its progress counted; resumed after a failure by
    running it again (units already in are found unchanged and skipped). The row outlives its
    file: the audit entries of what it imported cite its SHA-256."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("农户台账")
        PROJECTS = "projects", _("项目库台账")

    class Status(models.TextChoices):
        CHECKING = "checking", _("试导入中")
        CHECKED = "checked", _("待确认")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("台账"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="register_imports",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("导入人所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="registers/imports/", max_length=300, blank=True)
    # When the file was deleted, its retention over (``retention``); the job keeps its SHA-256.
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    confirmed = models.BooleanField(_("已确认导入"), default=False)
    total = models.PositiveIntegerField(_("待写入"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    changed_count = models.PositiveIntegerField(_("更正"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_rows = models.PositiveIntegerField(_("有错误的行"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    notes = models.JSONField(_("提示"), default=list, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)
