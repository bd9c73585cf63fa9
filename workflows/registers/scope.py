"""Who may import a register, and where: the villages a person's import roles cover.

The village committee imports its village, a township reviewer the township's villages, the
county office the county's. A row names its village by name within the importer's county (with
its township when two villages share a name) or by its 12-digit code; a village found but outside
the importer's roles is refused by name, so the person sees why.
"""

import dataclasses

from django.utils.translation import gettext as _

from roles.jurisdiction import covered_prefixes
from roles.models import Level, Region
from workflows.spreadsheets import normalise

IMPORT_ROLES = ("village_committee", "township_reviewer", "county_office")
COUNTY_DIGITS = 6
CODE_LENGTH = 12


class Unreadable(Exception):
    """A cell that cannot be read as its column asks; ``str()`` says why."""


def import_prefixes(user) -> list[str]:
    """The code prefixes of the regions where ``user`` holds an import role."""
    return sorted({p for role in IMPORT_ROLES for p in covered_prefixes(user, role)})


def may_import_somewhere(user) -> bool:
    return bool(import_prefixes(user))


@dataclasses.dataclass
class Villages:
    """The villages of the importer's counties, found by code or by name."""

    prefixes: list[str]
    by_code: dict[str, Region]
    by_name: dict[str, list[Region]]
    counties: dict[str, Region]

    def find(self, county, township, village) -> Region:
        """The village a row names; raises ``Unreadable`` with the reason it cannot be used."""
        name = normalise(village)
        if not name:
            raise Unreadable(_("请填写行政村"))
        if name.isdigit() and len(name) == CODE_LENGTH:
            found = self.by_code.get(name)
            if found is None:
                raise Unreadable(_("您所在的县没有区划代码为%(code)s的行政村") % {"code": name})
        else:
            found = self._by_name(normalise(county), normalise(township), name)
        if not any(found.code.startswith(p) for p in self.prefixes):
            raise Unreadable(_("%(village)s不在您的辖区内") % {"village": found.name})
        return found

    def _by_name(self, county: str, township: str, name: str) -> Region:
        candidates = self.by_name.get(name, [])
        if county:
            candidates = [v for v in candidates if normalise(v.parent.parent.name) == county]
            if not any(normalise(c.name) == county for c in self.counties.values()):
                raise Unreadable(_("“%(county)s”不是您所在的县") % {"county": county})
        if township:
            in_township = [v for v in candidates if normalise(v.parent.name) == township]
            if not in_township:
                raise Unreadable(
                    _("乡镇“%(township)s”没有名为“%(village)s”的行政村")
                    % {"township": township, "village": name}
                )
            candidates = in_township
        if not candidates:
            raise Unreadable(_("您所在的县没有名为“%(village)s”的行政村") % {"village": name})
        if len(candidates) > 1:
            raise Unreadable(
                _("有多个名为“%(village)s”的行政村，请填写乡镇或12位区划代码") % {"village": name}
            )
        return candidates[0]


def villages_for(user) -> Villages:
    """Every village of the counties where ``user`` holds an import role, in one query."""
    prefixes = import_prefixes(user)
    county_prefixes = sorted({p[:COUNTY_DIGITS] for p in prefixes})
    counties = {
        c.code[:COUNTY_DIGITS]: c
        for c in Region.objects.filter(
            level=Level.COUNTY, code__in=[p.ljust(CODE_LENGTH, "0") for p in county_prefixes]
        )
    }
    by_code, by_name = {}, {}
    villages = Region.objects.filter(level=Level.VILLAGE).select_related("parent__parent")
    for prefix in county_prefixes:
        for village in villages.filter(code__startswith=prefix):
            by_code[village.code] = village
            by_name.setdefault(normalise(village.name), []).append(village)
    return Villages(prefixes, by_code, by_name, counties)
