import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from approvals import audit
from approvals.database_roles import append_only_tables
from approvals.keys import fingerprint
from approvals.models import AuditEntry, Checkpoint, Policy
from tests.factories import ToyCaseFactory
from tests.helpers import to_notice
from tests.toy.models import ToyCase


@pytest.fixture
def trail(county, people):
    """A case with three entries: create, submit, approve."""
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    return case


def verify(*options):
    out = io.StringIO()
    try:
        call_command("verify_audit", *options, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def with_policies(cases: int) -> int:
    """How many chains a whole verification checks with ``cases`` cases: the policy versions'
    (each keeps a chain) too."""
    return cases + Policy.objects.count()


def sql_update(sql, params):
    """Change the audit tables behind the engine's back, as their owner could.

    On PostgreSQL the owner disarms the trigger first; the test's transaction re-arms it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks block the ALTER
            for table in sorted(append_only_tables()):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def test_an_untouched_trail_verifies(trail):
    code, out = verify()
    assert code == 0
    assert f"OK: {with_policies(1)} cases" in out


def test_entries_chain_by_hmac(trail):
    entries = list(AuditEntry.objects.for_object(trail))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ""
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert trail.audit_count == 3 and trail.audit_head == entries[-1].hash


def test_the_model_refuses_update_and_delete(trail):
    entry = AuditEntry.objects.for_object(trail).first()
    entry.comment = "改过"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_an_edited_entry_is_caught(trail):
    entry = AuditEntry.objects.for_object(trail)[1]
    sql_update("UPDATE approvals_auditentry SET comment = %s WHERE id = %s", ["伪造", entry.pk])
    code, out = verify()
    assert code == 1
    assert f"toy.toycase#{trail.pk} entry 2 (id {entry.pk}): content was changed" in out


def test_a_case_with_a_trail_cannot_be_deleted(trail):
    """Django would delete a generic relation's rows with their object: the trail refuses."""
    with pytest.raises(ProtectedError):
        trail.delete()
    with pytest.raises(ProtectedError):
        ToyCase.objects.filter(pk=trail.pk).delete()
    assert ToyCase.objects.filter(pk=trail.pk).exists()
    assert list(trail.audit_entries.values_list("seq", flat=True)) == [1, 2, 3]


def test_a_deleted_entry_is_caught(trail):
    entry = AuditEntry.objects.for_object(trail)[1]
    sql_update("DELETE FROM approvals_auditentry WHERE id = %s", [entry.pk])
    code, out = verify()
    assert code == 1
    assert "entry 3" in out and "missing or moved" in out


def test_reordered_entries_are_caught(trail):
    first, second = AuditEntry.objects.for_object(trail)[1:3]
    sql_update("UPDATE approvals_auditentry SET seq = 99 WHERE id = %s", [first.pk])
    sql_update("UPDATE approvals_auditentry SET seq = 2 WHERE id = %s", [second.pk])
    sql_update("UPDATE approvals_auditentry SET seq = 3 WHERE id = %s", [first.pk])
    code, out = verify()
    assert code == 1
    assert "entry 2" in out and "does not follow" in out


def test_a_cut_off_tail_is_caught(trail):
    last = AuditEntry.objects.for_object(trail).last()
    sql_update("DELETE FROM approvals_auditentry WHERE id = %s", [last.pk])
    code, out = verify()
    assert code == 1
    assert "the head records 3 entries but 2 chain up to it" in out


def test_a_rewound_head_is_caught(trail):
    """Deleting the tail and pointing the head at the new last entry needs the key to seal it."""
    entries = list(AuditEntry.objects.for_object(trail))
    ToyCase.objects.filter(pk=trail.pk).update(audit_count=2, audit_head=entries[1].hash)
    code, out = verify()
    assert code == 1
    assert "the chain head was changed" in out


def test_a_case_made_outside_the_engine_is_reported(county):
    ToyCase.objects.create(region=county.v11, title="后台录入", amount=1)
    code, out = verify()
    assert code == 1
    assert "has no audit trail" in out


def test_verify_can_be_limited_to_a_region(trail, county):
    out = io.StringIO()
    call_command("verify_audit", "--region", county.t2.prefix, stdout=out)
    assert "OK: 0 cases" in out.getvalue()
    call_command("verify_audit", "--region", county.t1.prefix, stdout=out)
    assert "OK: 1 cases" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE approvals_auditentry SET comment = 'x'",
        "DELETE FROM approvals_auditentry",
        "TRUNCATE approvals_auditentry",
    ],
)
def test_raw_sql_cannot_change_the_trail_on_postgresql(concurrent_db, trail, sql):
    before = AuditEntry.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.count() == before
    code, out = verify()
    assert code == 0, out


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE approvals_checkpoint SET entries = 0",
        "DELETE FROM approvals_checkpoint",
        "TRUNCATE approvals_checkpoint",
    ],
)
def test_raw_sql_cannot_change_a_checkpoint_on_postgresql(concurrent_db, trail, sql):
    call_command("audit_checkpoint", stdout=io.StringIO())
    before = list(Checkpoint.objects.values_list("entries", flat=True))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(Checkpoint.objects.values_list("entries", flat=True)) == before


def stored_entry(**fields):
    """An entry as the trail keeps it, with fixed values (no database needed)."""
    return AuditEntry(
        object_id=7,
        seq=2,
        workflow="toy",
        action="approve",
        from_state="review",
        to_state="notice",
        actor_id=3,
        actor_role="township_reviewer",
        comment="同意",
        data={"amount": "1.50"},
        created_at=datetime.datetime(2024, 3, 1, 8, 30, tzinfo=datetime.UTC),
        prev_hash="ab" * 32,
        key_id=fingerprint(b"test-audit-key"),
        **fields,
    )


def test_the_hashed_form_of_an_entry_stays_the_one_stored_entries_were_signed_in():
    """Entries already in the trail were hashed in this exact form under the key: any change to
    it (a field's name, the order, the separators, the escaping) leaves every one of them
    reported as changed. A national policy version's entry covers its missing region as ""."""
    entry = stored_entry()
    assert audit.canonical(entry, "toy.toycase", "620102001001") == (
        '{"action":"approve","actor":3,"actor_role":"township_reviewer","comment":"同意",'
        '"created_at":"2024-03-01T08:30:00+00:00","data":{"amount":"1.50"},'
        '"from_state":"review","object":["toy.toycase","7"],"region":"620102001001","seq":2,'
        '"to_state":"notice","workflow":"toy"}'
    )
    assert audit.entry_hash(entry, "toy.toycase", "620102001001") == (
        "d013f2fe9191a9819faa888ec92f2c13bb5fbea9331b080e34db23041e06d0c7"
    )
    assert '"object":["approvals.policy","7"],"region":"",' in audit.canonical(
        entry, "approvals.policy", audit.region_code(None)
    )


def test_an_entry_keeps_decimals_and_dates_as_the_json_column_reads_them_back(trail, people):
    entry = audit.append(
        trail,
        action="note",
        from_state=trail.state,
        to_state=trail.state,
        actor=people.reviewer,
        actor_role="township_reviewer",
        data={"amount": Decimal("1.50"), "on": datetime.date(2024, 3, 1)},
    )
    trail.save(update_fields=audit.HEAD_FIELDS)
    entry.refresh_from_db()
    assert (entry.comment, entry.data) == ("", {"amount": "1.50", "on": "2024-03-01"})
    assert audit.verify_record(trail) is None
