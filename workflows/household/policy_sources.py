"""Where each value of the seeded household versions comes from, and what they are called.

The national texts (国开办发〔2014〕24号, 厅字〔2016〕16号) set the procedures and the standard but
no notice length: the 7-day notices and the exclusion rules are the county defaults this system
ships, and the eight blocking situations are a province's list (湖南 2017, by the seed). They were
loaded as "national-2014/2016" and are renamed after ``migrate``
(``approvals.policy_versions.relabel_on_migrate``).
"""

from approvals.models import PolicyLevel
from approvals.policy_versions import Label, sourced

COUNTY, PROVINCE = PolicyLevel.COUNTY_DEFAULT, PolicyLevel.PROVINCIAL

IDENTIFICATION_NOTICE = sourced(
    COUNTY,
    "国开办发〔2014〕24号只规定“公示无异议后”，未规定天数；7天为地方通行做法"
    "（有的省为5天），县可按本省规定调整",
)
EXCLUSIONS = sourced(
    COUNTY,
    "“四类人员”等排除情形为地方规定，国家文件未列；“现任村干部”一项默认不启用，"
    "由有此规定的省在本省版本中开启",
)
EXIT_NOTICE = sourced(
    COUNTY, "厅字〔2016〕16号规定村内公示、公告退出，未规定天数；7天为地方通行做法"
)
EXIT_BLOCKERS = sourced(
    PROVINCE, "湖南省2017年“八种情形不得退出”（海南省扶贫办《脱贫攻坚动态》第091期转载）"
)

IDENTIFICATION_SOURCES = {
    "first_notice_days": IDENTIFICATION_NOTICE,
    "second_notice_days": IDENTIFICATION_NOTICE,
    "announcement_days": IDENTIFICATION_NOTICE,
    "exclusion_rules": EXCLUSIONS,
}

LABELS = [
    Label(
        "household_identification", "national-2014", "local-default-2014", IDENTIFICATION_SOURCES
    ),
    # The version migration 0005 makes where cases ran under the seeded one.
    Label(
        "household_identification",
        "local-default-2014-r1",
        "local-default-2014-r1",
        IDENTIFICATION_SOURCES,
    ),
    Label(
        "household_exit",
        "national-2016",
        "local-default-2016",
        {
            "village_notice_days": EXIT_NOTICE,
            "announcement_days": EXIT_NOTICE,
            "exit_blockers": EXIT_BLOCKERS,
        },
    ),
]
