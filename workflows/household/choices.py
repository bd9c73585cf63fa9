"""The fixed lists a household record chooses from (建档立卡 terms)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PovertyAttribute(models.TextChoices):
    GENERAL = "general", _("一般贫困户")
    DIBAO = "dibao", _("低保贫困户")
    TEKUN = "tekun", _("特困供养贫困户")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    LAND = "land", _("缺土地")
    WATER = "water", _("缺水")
    SKILLS = "skills", _("缺技术")
    LABOUR = "labour", _("缺劳力")
    CAPITAL = "capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    MOTIVATION = "motivation", _("自身发展动力不足")


class RegisterStatus(models.TextChoices):
    NOT_REGISTERED = "not_registered", _("未识别")
    REGISTERED = "registered", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    RETURNED = "returned", _("返贫")


class MonitoringStatus(models.TextChoices):
    """Where a household stands in monitoring against return to poverty (防返贫监测), kept by
    the inclusion and elimination procedures' steps."""

    NOT_MONITORED = "not_monitored", _("未纳入")
    MONITORED = "monitored", _("监测中")
    ELIMINATED = "eliminated", _("已消除")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙辈")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    LONG_TERM_ILLNESS = "long_term_illness", _("长期慢性病")
    SERIOUS_ILLNESS = "serious_illness", _("患有大病")
    DISABLED = "disabled", _("残疾")


class Education(models.TextChoices):
    NONE = "none", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专及以上")
    PRESCHOOL = "preschool", _("学龄前儿童")


class LabourSkill(models.TextChoices):
    SKILLED = "skilled", _("技能劳动力")
    ORDINARY = "ordinary", _("普通劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    NONE = "none", _("丧失劳动力")
    NOT_APPLICABLE = "not_applicable", _("无劳动力")


class StudentStatus(models.TextChoices):
    NOT_STUDENT = "not_student", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    COMPULSORY = "compulsory", _("义务教育")
    HIGH_SCHOOL = "high_school", _("高中（含中职）")
    HIGHER = "higher", _("高等教育")


# 两不愁三保障 and safe drinking water: the field on GuaranteeCheck and the words for a gap.
GUARANTEES = [
    ("food_clothing", _("吃穿“两不愁”未解决")),
    ("compulsory_education", _("义务教育未保障")),
    ("medical_insurance", _("基本医疗未保障")),
    ("safe_housing", _("住房安全未保障")),
    ("safe_water", _("饮水安全未保障")),
]

# 四类人员 and local red lines: the household fact each rule reads, and the words for a hit.
EXCLUSION_RULES = [
    ("public_payroll", _("家庭成员中有财政供养人员")),
    ("town_flat", _("在城镇购买商品房")),
    ("car", _("拥有小汽车或非生产经营性车辆")),
    ("business", _("家庭成员中有人注册公司或经营企业")),
    ("village_official", _("家庭成员中有现任村干部")),
]

# Rules a policy version must switch on to apply: a sitting village cadre in the household is in
# neither the national text nor the seed texts, so only a province whose rule says so applies it.
EXCLUSION_RULES_OFF_BY_DEFAULT = frozenset({"village_official"})

# The eight situations in which a household may not exit this year (湖南 2017, by the seed).
EXIT_BLOCKERS = [
    ("food_clothing", _("吃穿“两不愁”未解决")),
    ("safe_water", _("饮水安全未保障")),
    ("compulsory_education", _("义务教育未保障")),
    ("medical_insurance", _("基本医疗未保障")),
    ("safe_housing", _("住房安全未保障")),
    ("no_policy_effect", _("享受帮扶政策但当年未见明显成效")),
    ("newly_included", _("当年回头看新纳入")),
    ("dibao_below_line", _("低保兜底且当地低保标准未超过扶贫标准")),
]


# Blocking situations no work can close within the year: a household newly included this year, or
# supported under 低保兜底 where this year's local 低保 line does not exceed the poverty line.
EXIT_BLOCKERS_FOR_THE_YEAR = frozenset({"newly_included", "dibao_below_line"})


class AssessmentClass(models.TextChoices):
    """The pre-exit classes of the seed (宕昌 2018): A and B are the year's pre-exit households."""

    A = "A", _("A类：收入和各项考核指标全部达标")
    B = "B", _("B类：收入达标，仍有短板且年内能够补齐")
    C = "C", _("C类：今年确实还无法脱贫")
