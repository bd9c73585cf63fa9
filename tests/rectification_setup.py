"""A county ready for rectification campaigns: its townships, units, their people and a campaign.

``county_with_units()`` builds it; ``open_item()`` registers a problem through the service, so
its trail and its round on viewflow are real.
"""

import dataclasses

from roles.models import Level, Region, Unit, UnitKind
from tests.factories import (
    CampaignFactory,
    RegionFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
    child_region,
)
from workflows.rectification import process
from workflows.rectification.choices import Tier


@dataclasses.dataclass
class County:
    county: Region
    townships: list[Region]
    office: Unit  # 县整改办: registers, closes, re-opens
    education: Unit  # two people: its head and a clerk (tasks wait to be claimed)
    health: Unit  # one person: tasks are assigned to them at once
    housing: Unit  # one person
    township: Unit  # 城关镇, one person
    people: dict  # unit name -> list of users, the head first
    auditor: object
    campaign: object

    @property
    def departments(self) -> list[Unit]:
        return [self.education, self.health, self.housing]

    def person(self, unit: Unit, index: int = 0):
        """The ``index``-th person of ``unit`` (0: its head)."""
        return self.people[unit.name][index]

    @property
    def office_clerk(self):
        return self.person(self.office)


def _member(unit: Unit, role: str, name: str, head: bool = False):
    user = UserFactory(username=name)
    RoleAssignmentFactory(user=user, role=role, region=unit.region, unit=unit, heads_unit=head)
    return user


def county_with_units(prefix: str = "62") -> County:
    """A county (under a province of code ``prefix``) with two townships, three county
    departments, a township unit and the rectification office, each with its people."""
    province = RegionFactory(code=f"{prefix}0000000000", name="甘肃省", level=Level.PROVINCE)
    prefecture = child_region(province, 11, "定西市")
    county = child_region(prefecture, 22, "渭源县")
    townships = [child_region(county, 1, "城关镇"), child_region(county, 2, "会川镇")]
    office = UnitFactory(name="县整改办", kind=UnitKind.OFFICE, region=county)
    education = UnitFactory(name="县教育局", region=county)
    health = UnitFactory(name="县卫健局", region=county)
    housing = UnitFactory(name="县住建局", region=county)
    township = UnitFactory(name="城关镇人民政府", kind=UnitKind.TOWNSHIP, region=townships[0])
    tag = prefix
    people = {
        office.name: [_member(office, "county_office", f"office{tag}", head=True)],
        education.name: [
            _member(education, "sector_department", f"edu_head{tag}", head=True),
            _member(education, "sector_department", f"edu_clerk{tag}"),
        ],
        health.name: [_member(health, "sector_department", f"health{tag}", head=True)],
        housing.name: [_member(housing, "sector_department", f"housing{tag}", head=True)],
        township.name: [_member(township, "township_reviewer", f"town{tag}", head=True)],
    }
    auditor = UserFactory(username=f"auditor{tag}")
    RoleAssignmentFactory(user=auditor, role="auditor", region=county)
    campaign = CampaignFactory(county=county, office=office, title="中央巡视反馈问题整改")
    return County(
        county=county,
        townships=townships,
        office=office,
        education=education,
        health=health,
        housing=housing,
        township=township,
        people=people,
        auditor=auditor,
        campaign=campaign,
    )


def open_item(setup: County, number: int = 1, *, units=None, lead_unit=None, **fields):
    """A problem of the setup's campaign, registered by its office and fanned out (by default
    to the education and health bureaus, education leading)."""
    units = units if units is not None else [setup.education, setup.health]
    defaults = {
        "area": "教育扶贫",
        "description": f"控辍保学工作不扎实（第{number}项）",
        "tier": Tier.BY_DATE,
        "deadline_working_days": 20,
        "measures": "逐户排查，建立台账",
    }
    return process.open_problem(
        setup.campaign,
        actor=setup.office_clerk,
        number=number,
        lead_unit=lead_unit or units[0],
        units=units,
        **{**defaults, **fields},
    )
