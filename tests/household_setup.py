"""A household ready for the tests of both procedures."""

from decimal import Decimal

from tests.factories import (
    GuaranteeCheckFactory,
    HouseholdFactory,
    IncomeAssessmentFactory,
    MemberFactory,
)


def family(village, helper, size=4, **household):
    """A household of ``size`` that qualifies in 2019 (2,000 a head, unsafe housing) and meets
    the exit standard in 2020 (5,000 a head, every guarantee met)."""
    home = HouseholdFactory(region=village, helper=helper, **household)
    MemberFactory(household=home, relation="head")
    MemberFactory.create_batch(size - 1, household=home, relation="child")
    IncomeAssessmentFactory(
        household=home, year=2019, wage_income=Decimal(2000 * size), business_income=0
    )
    GuaranteeCheckFactory(household=home, year=2019, safe_housing=False)
    IncomeAssessmentFactory(
        household=home, year=2020, wage_income=Decimal(5000 * size), business_income=0
    )
    GuaranteeCheckFactory(household=home, year=2020)
    return home
