"""The role catalogue: every role a person can hold, with its label.

Roles are fixed by the procedures (DESIGN.md §5); who holds them where is data (RoleAssignment).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGE_COMMITTEE = "village_committee", _("村委会")
    WORK_TEAM = "work_team", _("驻村工作队")
    TOWNSHIP_REVIEWER = "township_reviewer", _("乡镇审核人")
    COUNTY_OFFICE = "county_office", _("县扶贫办")
    COUNTY_APPROVER = "county_approver", _("县级审批人")
    SECTOR_DEPARTMENT = "sector_department", _("行业部门")
    AUDITOR = "auditor", _("审计监督")
    COUNTY_ADMIN = "county_admin", _("县级系统管理员")
    SYSTEM = "system", _("系统")


# Roles that never take a step of a procedure, whatever it declares: auditors only read, and a
# county administrator manages people and their roles, not cases.
READ_ONLY_ROLES = frozenset({Role.AUDITOR, Role.COUNTY_ADMIN})


def permission_codename(role: str) -> str:
    """The django-guardian permission on a Region that stands for holding ``role`` there."""
    return f"act_as_{role}"


# Authority over people, lowest first: who may manage whose account. An administrator manages
# only people whose every role ranks strictly below their own; the county approver, the auditor
# and other county administrators stand level with a county administrator, the timer above all.
AUTHORITY = {
    Role.VILLAGE_COMMITTEE: 1,
    Role.WORK_TEAM: 1,
    Role.TOWNSHIP_REVIEWER: 2,
    Role.COUNTY_OFFICE: 3,
    Role.SECTOR_DEPARTMENT: 3,
    Role.COUNTY_APPROVER: 4,
    Role.AUDITOR: 4,
    Role.COUNTY_ADMIN: 4,
    Role.SYSTEM: 5,
}


def roles_at_or_above(role: str) -> frozenset[str]:
    """The roles with at least the authority of ``role``."""
    return frozenset(r for r, rank in AUTHORITY.items() if rank >= AUTHORITY[role])
