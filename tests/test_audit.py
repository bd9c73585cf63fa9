import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from approvals import audit, perform
from approvals.database_roles import append_only_tables
from approvals.keys import fingerprint
from approvals.models import AuditEntry, Checkpoint, Policy
from tests.factories import ToyCaseFactory
from tests.helpers import to_notice, to_review
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


def fails_naming(line) -> bool:
    """Whether verify_audit exits 1 with ``line`` among the chains it reports broken."""
    code, out = verify()
    return code == 1 and f"BROKEN {line}" in out.splitlines()


def row(case, *fields):
    """The stored values of ``fields`` of ``case``'s row (its chain head by default)."""
    return ToyCase.objects.filter(pk=case.pk).values(*(fields or audit.HEAD_FIELDS))[0]


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
    third = AuditEntry.objects.for_object(trail).last()
    assert fails_naming(
        f"toy.toycase#{trail.pk} entry 3 (id {third.pk}): expected entry 2 here: "
        "an entry is missing or moved"
    )


def test_reordered_entries_are_caught(trail):
    first, second = AuditEntry.objects.for_object(trail)[1:3]
    sql_update("UPDATE approvals_auditentry SET seq = 99 WHERE id = %s", [first.pk])
    sql_update("UPDATE approvals_auditentry SET seq = 2 WHERE id = %s", [second.pk])
    sql_update("UPDATE approvals_auditentry SET seq = 3 WHERE id = %s", [first.pk])
    assert fails_naming(
        f"toy.toycase#{trail.pk} entry 2 (id {second.pk}): does not follow the entry "
        "before it (reordered or removed)"
    )


def test_a_cut_off_tail_is_caught(trail):
    last = AuditEntry.objects.for_object(trail).last()
    sql_update("DELETE FROM approvals_auditentry WHERE id = %s", [last.pk])
    assert fails_naming(
        f"toy.toycase#{trail.pk}: the head records 3 entries but 2 chain up to it "
        "(the newest entries were removed)"
    )


def test_a_rewound_head_is_caught(trail):
    """Deleting the tail and pointing the head at the new last entry needs the key to seal it."""
    entries = list(AuditEntry.objects.for_object(trail))
    ToyCase.objects.filter(pk=trail.pk).update(audit_count=2, audit_head=entries[1].hash)
    assert fails_naming(f"toy.toycase#{trail.pk}: the chain head was changed")


@pytest.mark.parametrize(
    "cleared",
    [{"audit_seal": ""}, {"audit_count": 0, "audit_head": "", "audit_seal": ""}],
    ids=["seal", "whole-head"],
)
def test_a_cleared_head_is_reported_changed_not_as_a_case_without_a_trail(trail, cleared):
    """The chain is there: the head over it was taken away, which no engine step does."""
    ToyCase.objects.filter(pk=trail.pk).update(**cleared)
    assert fails_naming(f"toy.toycase#{trail.pk}: the chain head was changed")


def test_a_head_put_back_to_an_older_copy_is_named(county, people):
    """A real head of the case, sealed when it had two entries, over its three."""
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    older = row(case)
    perform(case, "approve", people.reviewer)
    ToyCase.objects.filter(pk=case.pk).update(**older)
    assert fails_naming(
        f"toy.toycase#{case.pk}: the head records 2 entries but 3 chain up to it "
        "(the record was put back to an older copy)"
    )


def test_a_replaced_newest_entry_under_its_old_head_is_named(county, people):
    """The newest entry removed and the case moved on another way: the head sealed over the
    removed entry, put back, counts as many entries but ends in another one."""
    case = to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    in_review = row(case, "state", "state_since", *audit.HEAD_FIELDS)
    perform(case, "approve", people.reviewer)
    approved = row(case)
    removed = AuditEntry.objects.for_object(case).last()
    sql_update("DELETE FROM approvals_auditentry WHERE id = %s", [removed.pk])
    ToyCase.objects.filter(pk=case.pk).update(**in_review)
    case.refresh_from_db()
    perform(case, "reject", people.reviewer, comment="不符合条件")
    ToyCase.objects.filter(pk=case.pk).update(**approved)
    assert fails_naming(
        f"toy.toycase#{case.pk}: the head records 3 entries and 3 chain up to it, but its "
        "newest is another entry (the newest entry was replaced)"
    )


def test_a_case_made_outside_the_engine_is_reported(county):
    made = ToyCase.objects.create(region=county.v11, title="后台录入", amount=1)
    assert fails_naming(f"toy.toycase#{made.pk}: has no audit trail (made outside the engine)")


def test_entries_whose_case_was_deleted_are_reported(county, people):
    """Entries left by a row deleted behind the engine's back, before the next case's and after
    the last one's: each such chain is named, and counted."""
    gone, _kept, last = (
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people) for _ in range(3)
    )
    sql_update("DELETE FROM toy_toycase WHERE id IN (%s, %s)", [gone.pk, last.pk])
    code, out = verify("--workflow", "toy")
    assert code == 1
    assert out.splitlines() == [
        f"BROKEN toy.toycase#{gone.pk}: entries for an object that does not exist",
        f"BROKEN toy.toycase#{last.pk}: entries for an object that does not exist",
        "2 broken chain(s) among 1 cases",
    ]


def test_verify_without_a_region_checks_every_region(trail, county):
    """``verify`` as code calls it, with no region prefix: every case, wherever it is."""
    ToyCaseFactory(region=county.v12)
    entry = AuditEntry.objects.for_object(trail)[1]
    sql_update("UPDATE approvals_auditentry SET comment = %s WHERE id = %s", ["伪造", entry.pk])
    assert [str(problem) for problem in audit.verify([ToyCase])] == [
        f"toy.toycase#{trail.pk} entry 2 (id {entry.pk}): content was changed"
    ]


def test_a_checkpoint_is_not_verified_under_a_region(trail):
    with pytest.raises(ValueError, match=r"^a checkpoint covers every region: verify against it"):
        next(audit.verify([ToyCase], "62", checkpoint=object()))


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


@pytest.mark.postgres
def test_entries_are_verified_in_chain_order_whatever_plan_the_database_picks(trail):
    """On a big table PostgreSQL may sort entries rather than read them by the chain's index:
    entries stored out of order (an entry's row rewritten lands after the others) still verify."""
    first = AuditEntry.objects.for_object(trail).first()
    sql_update("UPDATE approvals_auditentry SET comment = comment WHERE id = %s", [first.pk])
    with connection.cursor() as cursor:
        for scan in ("indexscan", "indexonlyscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
    code, out = verify()
    assert code == 0, out


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
