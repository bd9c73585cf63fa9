"""A case's own fields are bound to its chain: a row moved behind the engine's back is reported
by verify_audit and by the inspector, field by field."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from approvals import perform
from approvals.models import AuditEntry
from tests.factories import PolicyFactory, ToyCaseFactory
from tests.helpers import to_notice
from tests.test_audit import verify
from tests.toy.models import ToyCase

BACKDATED = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def case(county, people):
    """A case in its notice: created, submitted, approved."""
    return to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)


def moved(case, county, field):
    """The field of ``case`` changed by one UPDATE, and how verification must report it."""
    entered = AuditEntry.objects.for_object(case).last().created_at.isoformat()
    changes = {
        "state": ({"state": "done"}, "state is done but the trail's last entry leads to notice"),
        "region": (
            {"region": county.v12},
            f"region is {county.v12.code} but the trail's last entry is in {county.v11.code}",
        ),
        "policy": (
            {"policy": PolicyFactory(version="toy-2099")},
            "policy is toy-2099 but the trail opened under toy-2024",
        ),
        "state_since": (
            {"state_since": BACKDATED},
            f"state_since is {BACKDATED.isoformat()} but the trail entered that state at {entered}",
        ),
    }
    values, message = changes[field]
    ToyCase.objects.filter(pk=case.pk).update(**values)
    return f"toy.toycase#{case.pk}: {message}"


FIELDS = ["state", "region", "policy", "state_since"]


@pytest.mark.parametrize("field", FIELDS)
def test_verify_audit_reports_a_field_moved_outside_the_engine(case, county, field):
    message = moved(case, county, field)
    code, out = verify()
    assert code == 1
    assert f"BROKEN {message}" in out


@pytest.mark.parametrize("field", FIELDS)
def test_the_inspector_reports_a_field_moved_outside_the_engine(
    client, people, case, county, field
):
    message = moved(case, county, field)
    client.force_login(people.auditor)
    ct = ContentType.objects.get_for_model(ToyCase)
    page = client.get(reverse("admin:inspector_object", args=[ct.pk, case.pk])).content.decode()
    assert "链条核验未通过" in page
    assert message.replace("'", "&#x27;") in page
    stream = client.get(reverse("admin:inspector_verify"), {"region": county.county.code})
    body = b"".join(stream.streaming_content).decode()
    assert message.replace("'", "&#x27;") in body and "1 条链条有问题" in body


def test_the_opening_entry_records_the_policy_the_case_is_pinned_to(case):
    assert AuditEntry.objects.for_object(case).first().data["policy"] == "toy-2024"


def test_a_case_moved_back_and_forth_by_the_engine_stays_bound(county, people):
    """Back to an earlier state and on again: the state was entered by the newest move."""
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    perform(case, "submit", people.cadre)
    perform(case, "return_for_revision", people.reviewer, comment="补材料")
    perform(case, "submit", people.cadre)
    code, out = verify()
    assert code == 0, out
