"""The fixed lists a project record chooses from.

Which category list applies is policy data (``category_list``): the 2018 list of
国开办发〔2018〕10号, or the list used from 2021 on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConstructionNature(models.TextChoices):
    NEW = "new", _("新建")
    CONTINUED = "continued", _("续建")
    EXPANSION = "expansion", _("改扩建")


class AttachmentKind(models.TextChoices):
    MINUTES = "minutes", _("会议记录")
    PHOTO = "photo", _("照片")
    PLAN = "plan", _("设计方案")
    OTHER = "other", _("其他")


FUND_SOURCES = [
    ("funds_central", _("中央资金")),
    ("funds_provincial", _("省级资金")),
    ("funds_prefecture", _("市级资金")),
    ("funds_county", _("县级资金")),
    ("funds_self_raised", _("自筹资金")),
    ("funds_other", _("其他资金")),
]

CATEGORY_LISTS = {
    "2018": [
        ("industry", _("产业发展")),
        ("employment", _("就业扶贫")),
        ("infrastructure_water", _("基础设施（饮水）")),
        ("infrastructure_road", _("基础设施（道路）")),
        ("infrastructure_irrigation", _("基础设施（水利）")),
        ("infrastructure_education", _("基础设施（教育）")),
        ("infrastructure_health", _("基础设施（卫生）")),
        ("living_conditions", _("生活条件改善")),
        ("education", _("教育扶贫")),
        ("management_fee", _("项目管理费")),
    ],
    "2021": [
        ("industry", _("产业发展")),
        ("employment_2021", _("就业")),
        ("rural_construction", _("乡村建设行动")),
        ("three_guarantees", _("巩固三保障成果")),
        ("other", _("其他")),
    ],
}

ALL_CATEGORIES = list(dict([c for choices in CATEGORY_LISTS.values() for c in choices]).items())


def categories_for(policy) -> list[tuple[str, str]]:
    """The categories a project under ``policy`` may choose from."""
    key = policy.value("category_list", "2021") if policy else "2021"
    return CATEGORY_LISTS.get(str(key), CATEGORY_LISTS["2021"])
