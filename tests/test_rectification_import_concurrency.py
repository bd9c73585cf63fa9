"""Two imports of the same problem list into one campaign at the same instant (PostgreSQL, real
threads): the campaign's row lock makes the second wait for the first, so each problem is opened
once, neither import fails or deadlocks, and the second finds every row already imported."""

import pytest

from approvals import audit
from tests.factories import CampaignFactory
from tests.helpers import race
from tests.rectification_setup import county_with_units
from tests.test_rectification_import import row, xlsx
from workflows.rectification import importing
from workflows.rectification.models import Problem

pytestmark = pytest.mark.postgres

TRIALS = 5


def test_two_imports_into_one_campaign_at_once_open_each_problem_once(concurrent_db):
    setup = county_with_units()
    content = xlsx(row(1), row(2), row(3))
    for trial in range(TRIALS):
        campaign = CampaignFactory(county=setup.county, office=setup.office, title=f"检查{trial}")

        def run(_i, campaign=campaign):
            return importing.import_problems(campaign, content, actor=setup.office_clerk)

        reports = race(run, 2)
        assert all(isinstance(r, importing.Report) and r.ok for r in reports), reports
        assert sorted(len(r.imported) for r in reports) == [0, 3]
        assert sorted(len(r.unchanged) for r in reports) == [0, 3]
        assert sorted(campaign.problems.values_list("number", flat=True)) == [1, 2, 3]
    assert not any(audit.verify([Problem]))
