"""The demo county: regions and one user per role, for `make demo` and for trying things out.

宕昌县 (Tanchang county, Gansu) with three townships of three villages each. Every demo user's
password is ``demo``. Procedures add their cases through ``workflows/<procedure>/demo.py``.
"""

import datetime
import types

from django.contrib.auth import get_user_model

from approvals import notices, policy_versions
from approvals.models import Policy
from roles.models import AccountOwner, Level, Region, RoleAssignment

PASSWORD = "demo"
# The demo county's own supervision phone, superseding the national 12317 on its notices.
SUPERVISION_PHONE = "0939-5512317"
SUPERVISION_SOURCE = "宕昌县扶贫开发领导小组关于公布扶贫领域监督举报电话的通知（示范数据）"

TOWNSHIPS = [
    ("100", "城关镇", ["城关村", "东街村", "西街村"]),
    ("101", "哈达铺镇", ["哈达铺村", "上街村", "下街村"]),
    ("102", "理川镇", ["理川村", "南阳村", "杨家河村"]),
]


def _region(code, name, level, parent):
    region, _ = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return region


def _user(username, full_name, role=None, region=None, **flags):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        # A reserved domain: the demo's email goes to the worker's console (notifications).
        defaults={"first_name": full_name, "email": f"{username}@example.com", **flags},
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    if role:
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            region=region,
            defaults={"valid_from": datetime.date(2014, 1, 1)},
        )
    return user


def _supervision_phone(county) -> None:
    """The county's supervision phone (监督电话), a policy version of its own."""
    version = f"{county.name}-supervision"
    if Policy.objects.filter(workflow=notices.SUPERVISION, version=version).exists():
        return
    policy_versions.load(
        Policy(
            workflow=notices.SUPERVISION,
            version=version,
            region_prefix=county.prefix,
            effective_from=datetime.date(2016, 1, 1),
            values={notices.SUPERVISION_PHONE: SUPERVISION_PHONE},
            source=SUPERVISION_SOURCE,
            value_sources={
                notices.SUPERVISION_PHONE: policy_versions.sourced(
                    "county_default", SUPERVISION_SOURCE
                )
            },
        )
    )


def build_county():
    """Create (or find) the demo county and its people; safe to run again."""
    province = _region("620000000000", "甘肃省", Level.PROVINCE, None)
    prefecture = _region("621200000000", "陇南市", Level.PREFECTURE, province)
    county = _region("621223000000", "宕昌县", Level.COUNTY, prefecture)
    townships, villages = [], []
    for t_code, t_name, village_names in TOWNSHIPS:
        township = _region(f"621223{t_code}000", t_name, Level.TOWNSHIP, county)
        townships.append(township)
        for i, v_name in enumerate(village_names, start=1):
            villages.append(_region(f"621223{t_code}{i:03d}", v_name, Level.VILLAGE, township))

    people = types.SimpleNamespace(
        admin=_user("admin", "系统管理员", is_staff=True, is_superuser=True),
        cadre=_user("cadre", "村委会 王主任", "village_committee", villages[0]),
        team=_user("team", "驻村工作队 李队长", "work_team", villages[0]),
        cadre2=_user("cadre2", "村委会 赵主任", "village_committee", villages[3]),
        team2=_user("team2", "驻村工作队 孙队员", "work_team", villages[3]),
        reviewer=_user("reviewer", "城关镇 审核员", "township_reviewer", townships[0]),
        reviewer2=_user("reviewer2", "哈达铺镇 审核员", "township_reviewer", townships[1]),
        office=_user("office", "县扶贫办 干部", "county_office", county),
        approver=_user("approver", "县领导小组 审批人", "county_approver", county),
        sector=_user("sector", "县农业农村局 干部", "sector_department", county),
        auditor=_user("auditor", "县纪委监委 审计员", "auditor", county),
        countyadmin=_user("countyadmin", "县级系统管理员", "county_admin", county),
    )
    _supervision_phone(county)
    for person in vars(people).values():
        if not person.is_superuser:  # the county's accounts, as if its administrator made them
            AccountOwner.objects.get_or_create(user=person, defaults={"county": county})
    return types.SimpleNamespace(
        province=province, county=county, townships=townships, villages=villages, people=people
    )
