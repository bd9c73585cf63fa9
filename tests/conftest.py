import contextlib
import os
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from approvals.database_roles import append_only_tables
from tests.factories import PolicyFactory, RegionFactory, RoleAssignmentFactory, child_region
from tests.helpers import run_worker

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))

# The property tests check what is computed, not how fast: each example touches the database,
# and on a busy 2-core machine one can take longer than Hypothesis's 200 ms default deadline,
# which it then reports as a flaky failure.
hypothesis_settings.register_profile("jingzhun", deadline=None)
hypothesis_settings.load_profile("jingzhun")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped, visibly, on SQLite; REQUIRE_POSTGRES makes them run."""
    if ON_POSTGRES:
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL")
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English does not leak into the next."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """The files a test keeps go to a folder of its own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


_audit_triggers_disabled = False


@pytest.fixture(scope="session", autouse=True)
def _restores_past_the_triggers():
    """A test with committed data first puts back the rows the migrations load, the policy
    versions' chains among them; over the same rows still there (the first time, or after a test
    that rolled back), which the triggers refuse to rewrite even unchanged. The restore disarms
    them for itself only, whichever fixture asks for it first (pytest-django's own, for the live
    server, come before this file's)."""
    if not ON_POSTGRES:
        yield
        return
    creation = connection.creation
    restore = creation.deserialize_db_from_string

    def past_the_triggers(data):
        _set_append_only_triggers("DISABLE")
        try:
            restore(data)
        finally:
            _set_append_only_triggers("ENABLE")

    creation.deserialize_db_from_string = past_the_triggers
    yield
    creation.deserialize_db_from_string = restore


@pytest.fixture(autouse=True)
def _audit_triggers_back_on(django_db_blocker):
    """Re-arm the audit trail's triggers if a concurrent test disarmed them for its clean-up."""
    global _audit_triggers_disabled
    if _audit_triggers_disabled:
        with django_db_blocker.unblock():
            _set_append_only_triggers("ENABLE")
        _audit_triggers_disabled = False


@pytest.fixture(autouse=True)
def _live_server_helper(_audit_triggers_back_on, _live_server_helper):
    """pytest-django's set-up of a live-server test, once the audit triggers are seen to: its
    restore of the migrations' rows would otherwise come first and be refused by the triggers
    when the test is the first with committed data (a browser test run on its own)."""
    yield


def _set_append_only_triggers(switch: str) -> None:
    with connection.cursor() as cursor:
        for table in sorted(append_only_tables()):
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} {switch} TRIGGER USER")


@pytest.fixture
def concurrent_db(django_db_serialized_rollback, transactional_db):
    """Committed data that other connections (threads) can see, on PostgreSQL.

    Clearing the database after such a test truncates every table, which the triggers of the
    append-only tables (the trail, the checkpoints) refuse; they are disarmed for that clean-up
    only and re-armed before the next test.
    The rows the migrations load (policies, poverty lines) are restored for the next test.
    """
    global _audit_triggers_disabled
    yield
    _set_append_only_triggers("DISABLE")
    _audit_triggers_disabled = True


@pytest.fixture
def county(db):
    """A county with two townships and three villages, and a neighbouring county."""
    province = RegionFactory(code="620000000000", name="甘肃省", level=1)
    prefecture = child_region(province, 1, "兰州市")
    county = child_region(prefecture, 2, "城关区")
    t1 = child_region(county, 1, "东岗镇")
    t2 = child_region(county, 2, "西湖镇")
    other_county = child_region(prefecture, 3, "七里河区")
    other_township = child_region(other_county, 1, "阿干镇")
    return SimpleNamespace(
        province=province,
        county=county,
        t1=t1,
        t2=t2,
        v11=child_region(t1, 1, "一村"),
        v12=child_region(t1, 2, "二村"),
        v21=child_region(t2, 1, "三村"),
        other_county=other_county,
        other_village=child_region(other_township, 1, "外村"),
    )


@pytest.fixture
def policy(db):
    return PolicyFactory(version="toy-2024", values={"notice_days": 5})


@pytest.fixture
def people(county, policy):
    """One person per role, each where that role sits."""

    def person(role, region, name):
        return RoleAssignmentFactory(user__username=name, role=role, region=region).user

    return SimpleNamespace(
        cadre=person("village_committee", county.v11, "cadre"),
        team=person("work_team", county.v11, "team"),
        reviewer=person("township_reviewer", county.t1, "reviewer"),
        reviewer2=person("township_reviewer", county.t2, "reviewer2"),
        office=person("county_office", county.county, "office"),
        approver=person("county_approver", county.county, "approver"),
        sector=person("sector_department", county.county, "sector"),
        auditor=person("auditor", county.county, "auditor"),
        outsider=person("township_reviewer", county.other_village.parent, "outsider"),
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` commits the steps taken inside it, then runs the tasks they
    queued, as the worker would next."""

    @contextlib.contextmanager
    def steps():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_worker()

    return steps
