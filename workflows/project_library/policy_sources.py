"""Where each value of the seeded project-library versions comes from, and what they are called.

The 10-day notices are a local copy of 2017 guidance ("原则上不少于10天"), the county appraisal step
a local practice; the category lists are national. Loaded as "national-2018/2021", the versions
are renamed after ``migrate`` (``approvals.policy_versions.relabel_on_migrate``).
"""

from approvals.models import PolicyLevel
from approvals.policy_versions import Label, sourced

COUNTY, NATIONAL = PolicyLevel.COUNTY_DEFAULT, PolicyLevel.NATIONAL

NOTICE = sourced(COUNTY, "项目公示“原则上不少于10天”（地方转发的2017年文件），县可调整")
NOTICE_SOURCES = {
    "village_notice_days": NOTICE,
    "township_notice_days": NOTICE,
    "county_notice_days": NOTICE,
    "completion_notice_days": NOTICE,
    "county_appraisal": sourced(COUNTY, "县级论证为地方做法（如安徽2024年），默认不设"),
}

LABELS = [
    Label(
        "project_library",
        "national-2018",
        "local-default-2018",
        {
            **NOTICE_SOURCES,
            "category_list": sourced(NATIONAL, "国开办发〔2018〕10号（2018年项目类别）"),
        },
    ),
    Label(
        "project_library",
        "national-2021",
        "local-default-2021",
        {
            **NOTICE_SOURCES,
            "category_list": sourced(NATIONAL, "2021年起的全国项目类别（未核对文号）"),
        },
    ),
]
