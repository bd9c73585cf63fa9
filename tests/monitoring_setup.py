"""Households under monitoring and their eliminations walked along the main road, for the tests
of monitoring."""

import datetime

from approvals import clock
from tests.factories import GuaranteeCheckFactory, IncomeAssessmentFactory, MonitoringCaseFactory
from tests.household_setup import family
from workflows import roads
from workflows.monitoring.demo import ELIMINATION_ROAD, ROAD


def walk(case, people, until):
    """An elimination ``case`` moved along its main road to ``until``, its last step a day ago."""
    took = roads.backdated(case.workflow, ELIMINATION_ROAD, until, case.policy, False)
    with clock.at(clock.now() - took):
        return roads.advance(case, people, ELIMINATION_ROAD, until)


def monitored(county, people, months_ago=8, year_data=True):
    """A household included through the whole inclusion ``months_ago`` months ago, with data
    for 2021 that meets the elimination standard (7,000 a head, every guarantee met)."""
    home = family(county.v11, people.team)
    with clock.at(clock.now() - datetime.timedelta(days=30 * months_ago + 20)):
        roads.advance(MonitoringCaseFactory(household=home, opener=people.cadre), people, ROAD,
                      "monitored")  # fmt: skip
    if year_data:
        IncomeAssessmentFactory(household=home, year=2021, wage_income=28000, business_income=0)
        GuaranteeCheckFactory(household=home, year=2021)
    home.refresh_from_db()
    return home
