"""The audit key: a wrong key is reported as one finding, not as every chain tampered with; keys
rotate, each entry naming the key that signed it, and retired keys still verify old entries."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from approvals import keys, perform, policy_versions
from approvals.keys import fingerprint
from approvals.models import AuditEntry
from tests.conftest import ON_POSTGRES
from tests.factories import ToyCaseFactory
from tests.helpers import to_review
from tests.test_audit import sql_update, verify

OLD_KEY = "test-audit-key"  # tests/settings.py
NEW_KEY = "the-key-after-rotation"


def key_id(key):
    return fingerprint(key.encode())


@pytest.fixture
def cases(county, people):
    """Two cases with trails signed by the test key."""
    return [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people) for _ in "ab"
    ]


def test_entries_name_the_key_that_signed_them(cases):
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {key_id(OLD_KEY)}


@override_settings(AUDIT_HMAC_KEY="test-audit-kye")
def test_a_mistyped_key_is_reported_once_with_its_fingerprint(cases):
    code, out = verify("--workflow", "toy")
    assert code == 1
    assert "content was changed" not in out and "chain head was changed" not in out
    lines = [line for line in out.splitlines() if line.startswith("BROKEN")]
    assert lines == [
        f"BROKEN entries signed with key {key_id(OLD_KEY)}, which is not configured "
        f"(configured: current {key_id('test-audit-kye')}, retired (none)): 2 chain(s) not "
        f"verified, e.g. toy.toycase#{cases[0].pk}, toy.toycase#{cases[1].pk}"
    ]


@pytest.mark.parametrize("chains", [3, 4])
def test_a_key_not_configured_names_three_of_its_chains(county, people, chains):
    made = [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
        for _ in range(chains)
    ]
    with override_settings(AUDIT_HMAC_KEY=NEW_KEY):
        code, out = verify("--workflow", "toy")
    assert code == 1
    examples = ", ".join(f"toy.toycase#{case.pk}" for case in made[:3])
    more = " …" if chains > 3 else ""
    assert out.splitlines()[0].endswith(f"{chains} chain(s) not verified, e.g. {examples}{more}")
    assert out.splitlines()[1] == f"{chains} broken chain(s) among {chains} cases"


def test_after_a_rotation_old_entries_verify_with_the_retired_key(cases, people):
    with override_settings(AUDIT_HMAC_KEY=NEW_KEY, AUDIT_HMAC_KEYS_RETIRED=[OLD_KEY]):
        perform(cases[0], "approve", people.reviewer)
        assert AuditEntry.objects.for_object(cases[0]).last().key_id == key_id(NEW_KEY)
        assert AuditEntry.objects.for_object(cases[1]).last().key_id == key_id(OLD_KEY)
        code, out = verify()
        assert code == 0, out
        assert f"(audit keys: current {key_id(NEW_KEY)}, retired {key_id(OLD_KEY)})" in out
    # Without the retired key, the entries it signed are unverified (and said to be), no more.
    with override_settings(AUDIT_HMAC_KEY=NEW_KEY):
        code, out = verify("--workflow", "toy")
    assert code == 1
    assert f"entries signed with key {key_id(OLD_KEY)}, which is not configured" in out
    assert "2 chain(s) not verified" in out
    assert "BROKEN toy.toycase" not in out


def test_tampering_is_still_caught_under_a_retired_key(cases):
    entry = AuditEntry.objects.for_object(cases[1])[1]
    sql_update("UPDATE approvals_auditentry SET comment = %s WHERE id = %s", ["伪造", entry.pk])
    with override_settings(AUDIT_HMAC_KEY=NEW_KEY, AUDIT_HMAC_KEYS_RETIRED=[OLD_KEY]):
        code, out = verify()
    assert code == 1
    assert f"toy.toycase#{cases[1].pk} entry 2 (id {entry.pk}): content was changed" in out


def test_an_entry_moved_to_an_unknown_key_does_not_pass(cases):
    entry = AuditEntry.objects.for_object(cases[0])[1]
    sql_update("UPDATE approvals_auditentry SET key_id = %s WHERE id = %s", ["00000000", entry.pk])
    code, out = verify()
    assert code == 1
    assert "entries signed with key 00000000, which is not configured" in out


def test_entries_written_before_the_key_column_keep_verifying(
    request, django_db_serialized_rollback, transactional_db, county, people
):
    """The column is added filled with the id of the key configured then, which signed them."""
    if ON_POSTGRES:
        request.getfixturevalue("concurrent_db")  # disarms the trail's trigger to clear it after
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    # Entries in no region (the policy versions') came with 0008; before it they cannot be kept,
    # so they go, with the chain heads 0008 added, and the versions' chains begin again after.
    sql_update("DELETE FROM approvals_auditentry WHERE region_id IS NULL", [])
    executor = MigrationExecutor(connection)
    executor.migrate([("approvals", "0003_queue_and_inspector_indexes")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to today's schema for what follows
    policy_versions.start_chains()
    assert set(AuditEntry.objects.for_object(case).values_list("key_id", flat=True)) == {
        key_id(OLD_KEY)
    }
    assert verify()[0] == 0


def test_signing_with_a_key_not_configured_names_the_key():
    with pytest.raises(KeyError) as missing:
        keys.mac("00000000", "head")
    assert missing.value.args == ("00000000",)
