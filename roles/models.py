"""The region tree and role assignments.

A region's 12-digit statistical code starts with the significant digits of every region above it
(2 province, 4 prefecture, 6 county, 9 township, 12 village), so a subtree is a prefix query on an
indexed column and the ancestors of a region are computed from its code without touching the
database.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm

from .catalogue import Role, permission_codename


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    PREFECTURE = 2, _("市州")
    COUNTY = 3, _("县")
    TOWNSHIP = 4, _("乡镇")
    VILLAGE = 5, _("行政村")


# How many leading digits of the code identify a region of each level.
SIGNIFICANT_DIGITS = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def ancestor_codes(code: str) -> list[str]:
    """The codes of a region and of every region above it, from the province down."""
    return list(dict.fromkeys(code[:n].ljust(12, "0") for n in SIGNIFICANT_DIGITS.values()))


class Region(models.Model):
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("区划代码必须是12位数字"))],
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        permissions = [(permission_codename(r.value), r.label) for r in Role]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        """The leading digits every region in this subtree shares."""
        return self.code[: SIGNIFICANT_DIGITS[self.level]]

    def clean(self):
        if self.parent is not None:
            if self.level != self.parent.level + 1:
                raise ValidationError({"level": _("级别必须比上级低一级")})
            if not self.code.startswith(self.parent.prefix):
                raise ValidationError({"code": _("区划代码必须以上级区划代码开头")})
        elif self.level != Level.PROVINCE:
            raise ValidationError({"parent": _("只有省级区划可以没有上级")})
        if self.level != Level.VILLAGE and set(self.code[SIGNIFICANT_DIGITS[self.level] :]) - {"0"}:
            raise ValidationError({"code": _("该级别区划代码的末尾各位必须为0")})

    def subtree(self):
        """This region and every region below it."""
        return Region.objects.filter(code__startswith=self.prefix)

    def ancestors(self):
        """This region and every region above it, from the province down."""
        return Region.objects.filter(code__in=ancestor_codes(self.code))


class RegionUserObjectPermission(UserObjectPermissionBase):
    """django-guardian permissions on regions, with a real foreign key (no generic scan)."""

    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("用户区划权限")
        verbose_name_plural = _("用户区划权限")


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("用户组区划权限")
        verbose_name_plural = _("用户组区划权限")


class UnitKind(models.TextChoices):
    COUNTY_DEPARTMENT = "county_department", _("县直部门")
    TOWNSHIP = "township", _("乡镇")
    OFFICE = "office", _("整改办")


class Unit(models.Model):
    """An organisation people act for: a county department, a township, a rectification office.

    A unit belongs to a region (its county, or the township it is); its people are the role
    assignments that name it, so who acts for a unit keeps every rule of jurisdiction: the role,
    the region and the dates of the assignment.
    """

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类别"), max_length=32, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="units"
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_in_region")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.region_id and self.region.level not in (Level.COUNTY, Level.TOWNSHIP):
            raise ValidationError({"region": _("单位只能属于县或乡镇")})
        township = self.region_id and self.region.level == Level.TOWNSHIP
        if self.kind == UnitKind.TOWNSHIP and self.region_id and not township:
            raise ValidationError({"region": _("乡镇单位必须属于一个乡镇")})


class RoleAssignmentQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None):
        """Assignments in force on ``day`` (today by default): expired ones grant nothing."""
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )


class RoleAssignment(models.Model):
    """A person holds a role over a region (and everything below it) for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("生效日期"), default=timezone.localdate)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    # The unit this person acts for in this role, if any; its head is told when its work is late.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    heads_unit = models.BooleanField(_("单位负责人"), default=False)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            sync_region_permission(self.user, self.role, self.region)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            sync_region_permission(self.user, self.role, self.region)
        return result

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("失效日期不能早于生效日期")})
        if self.unit_id and self.region_id and self.unit.region_id != self.region_id:
            raise ValidationError({"unit": _("只能在单位所属区划任命该单位的人员")})
        if self.heads_unit and not self.unit_id:
            raise ValidationError({"heads_unit": _("单位负责人必须属于一个单位")})


class StandinQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None):
        """Stand-ins covering ``day`` (today by default) and not revoked: one ends by itself."""
        day = day or timezone.localdate()
        return self.filter(starts__lte=day, ends__gte=day, revoked_at__isnull=True)

    def overlapping(self, starts: datetime.date, ends: datetime.date):
        """Stand-ins not revoked whose period shares a day with ``starts``–``ends``."""
        return self.filter(starts__lte=ends, ends__gte=starts, revoked_at__isnull=True)


class Standin(models.Model):
    """A person away names someone to act for them (代办) for a period: the stand-in acts under
    the absent person's roles and regions on those days only (``roles.standins``)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被代办人"),
        on_delete=models.CASCADE,
        related_name="standins_named",
    )
    standin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办人"),
        on_delete=models.CASCADE,
        related_name="standing_in",
    )
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("结束日期"))
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = StandinQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办")
        verbose_name_plural = _("代办")
        indexes = [
            models.Index(fields=["standin", "ends"]),
            models.Index(fields=["person", "ends"]),
        ]

    def __str__(self):
        return f"{self.standin} → {self.person} {self.starts}–{self.ends}"


class AccountOwner(models.Model):
    """The county an account belongs to: the one whose administrator created it (for accounts
    older than this record, the county all their role assignments lie in). Only that county's
    administrators may manage the account; one without an owner is the superusers' alone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="account_owner",
    )
    county = models.ForeignKey(
        Region,
        verbose_name=_("所属县"),
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        limit_choices_to={"level": Level.COUNTY},
    )

    class Meta:
        verbose_name = _("账号归属")
        verbose_name_plural = _("账号归属")

    def __str__(self):
        return f"{self.user} · {self.county}"

    def clean(self):
        if self.county_id and self.county.level != Level.COUNTY:
            raise ValidationError({"county": _("账号只能归属于县级区划")})


def sync_region_permission(user, role: str, region: Region) -> None:
    """Make the guardian permission for (user, role, region) mirror the assignments in force today.

    The engine checks RoleAssignment with its dates, so an expired assignment grants nothing even
    before this runs; the mirror is what ``user.has_perm("roles.act_as_…", region)`` answers.
    """
    perm = f"roles.{permission_codename(role)}"
    in_force = (
        RoleAssignment.objects.valid_on().filter(user=user, role=role, region=region).exists()
    )
    if in_force:
        assign_perm(perm, user, region)
    else:
        remove_perm(perm, user, region)
