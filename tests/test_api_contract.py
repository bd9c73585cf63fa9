"""The API against its own OpenAPI schema (schemathesis): for a signed-in cadre, reviewer and
auditor, every operation answers what the schema says — never a 500, every status documented,
every body in its documented shape — for requests the schema allows and for ones it does not.
A few examples per operation keep the run short; the cases, households and notices they read
are those of a small county with work in its queues.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from admin_site.api.models import ApiToken
from tests.factories import ToyCaseFactory
from tests.helpers import to_notice, to_review
from tests.household_setup import family

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}


@pytest.fixture(autouse=True)
def _one_connection():
    """The requests go through the site's WSGI handler, which closes the database connection
    after each; the test's data lives in the test's transaction on that connection, so it stays
    open (as Django's test client keeps it)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def operations():
    return [result.ok() for result in schema.get_all_operations()]


def exercise(operation, mode, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("person", ["cadre", "reviewer", "auditor"])
def test_every_operation_answers_as_its_schema_says(county, people, person):
    ToyCaseFactory(region=county.v11, creator=people.cadre)
    to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    family(county.v11, people.team)
    key = ApiToken.issue(getattr(people, person), "contract", 1)[1]
    checked = 0
    for operation in operations():
        for mode in EXAMPLES:
            cache.clear()
            exercise(operation, mode, {"Authorization": f"Token {key}"})
            checked += 1
    assert checked >= 2 * 10
