"""Signed checkpoints: a case erased with its whole trail, or put back to an older copy, passes
every chain check; a checkpoint file taken before names it."""

import gzip
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import override_settings

from approvals import checkpoints, perform
from approvals.models import AuditEntry, Checkpoint
from tests.factories import CheckpointFactory, ToyCaseFactory
from tests.helpers import to_notice, to_review
from tests.test_audit import sql_update, verify, with_policies
from tests.toy.models import ToyCase


@pytest.fixture
def cases(county, people):
    """Two cases in review (two entries each) and one in its notice (three)."""
    made = [
        to_review(ToyCaseFactory(region=county.v11, creator=people.cadre), people) for _ in "ab"
    ]
    return [*made, to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)]


def take_checkpoint(path):
    out = io.StringIO()
    call_command("audit_checkpoint", "--out", str(path), stdout=out)
    return out.getvalue()


def verify_against(path):
    out = io.StringIO()
    try:
        call_command("verify_audit", "--checkpoint", str(path), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def erase(case):
    """The case and its whole trail deleted, as the database's owner could."""
    sql_update(
        "DELETE FROM approvals_auditentry WHERE content_type_id = %s AND object_id = %s",
        [ContentType.objects.get_for_model(case).pk, case.pk],
    )
    sql_update("DELETE FROM toy_toycase WHERE id = %s", [case.pk])


def test_a_checkpoint_records_every_chain_signed(cases, tmp_path):
    out = take_checkpoint(tmp_path / "cp.json.gz")
    row = Checkpoint.objects.get()
    policies = with_policies(0)  # a version's chain has one entry, its making
    assert (row.chains, row.entries) == (3 + policies, 7 + policies)
    assert f"{3 + policies} chains, {7 + policies} entries" in out and row.digest in out
    document = json.loads(gzip.decompress((tmp_path / "cp.json.gz").read_bytes()))
    assert document["signature"] == row.signature
    assert document["models"]["toy.toycase"]["counts"] == [2, 2, 3]


def test_cases_erased_with_their_trails_are_named(cases, tmp_path):
    take_checkpoint(tmp_path / "cp.json.gz")
    taken = checkpoints.read(tmp_path / "cp.json.gz").taken
    erase(cases[0])
    erase(cases[1])
    assert verify()[0] == 0  # every remaining chain is intact: only the checkpoint can tell
    code, out = verify_against(tmp_path / "cp.json.gz")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("BROKEN")] == [
        f"BROKEN toy.toycase#{case.pk}: in the checkpoint of {taken} with 2 entries, now missing "
        "(the record and its trail were removed)"
        for case in cases[:2]
    ]
    assert f"2 broken chain(s) among {with_policies(1)} cases" in out


def test_a_case_put_back_to_an_older_copy_is_named(cases, people, tmp_path):
    """An older copy of the row and its chain is intact and sealed; it is shorter than recorded,
    and once work goes on from it, its history differs from the one recorded."""
    case = cases[0]
    older = ToyCase.objects.filter(pk=case.pk).values(
        "state", "state_since", "audit_count", "audit_head", "audit_seal"
    )[0]
    perform(case, "approve", people.reviewer)
    take_checkpoint(tmp_path / "cp.json.gz")
    newest = AuditEntry.objects.for_object(case).last()
    sql_update("DELETE FROM approvals_auditentry WHERE id = %s", [newest.pk])
    ToyCase.objects.filter(pk=case.pk).update(**older)
    assert verify()[0] == 0
    code, out = verify_against(tmp_path / "cp.json.gz")
    assert code == 1
    assert f"toy.toycase#{case.pk}: has 2 entries but the checkpoint of " in out
    assert "recorded 3 (rolled back)" in out
    case.refresh_from_db()
    perform(case, "reject", people.reviewer, comment="重新审核")
    other = AuditEntry.objects.for_object(case).last()
    code, out = verify_against(tmp_path / "cp.json.gz")
    assert code == 1
    assert (
        f"BROKEN toy.toycase#{case.pk} entry 3 (id {other.pk}): is not the entry the checkpoint "
        f"of {checkpoints.read(tmp_path / 'cp.json.gz').taken} recorded (rewritten since)"
    ) in out


def test_work_after_a_checkpoint_verifies_against_it(cases, people, county, tmp_path):
    take_checkpoint(tmp_path / "cp.json.gz")
    perform(cases[0], "approve", people.reviewer)
    ToyCaseFactory(region=county.v12)
    code, out = verify_against(tmp_path / "cp.json.gz")
    assert code == 0, out
    assert (
        f"OK: {with_policies(4)} cases, every chain verified, none missing since the checkpoint"
        in out
    )


def test_an_altered_checkpoint_file_is_refused(cases, tmp_path):
    path = tmp_path / "cp.json.gz"
    take_checkpoint(path)
    document = json.loads(gzip.decompress(path.read_bytes()))
    document["models"]["toy.toycase"]["counts"][1] = 0  # hide a chain's entries
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(CommandError, match="do not match its digest"):
        verify_against(path)
    document["digest"], document["entries"] = "0" * 64, 5
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(CommandError, match="do not match its digest"):
        verify_against(path)


def test_a_checkpoint_under_a_key_not_configured_says_so(cases, tmp_path):
    take_checkpoint(tmp_path / "cp.json.gz")
    with (
        override_settings(AUDIT_HMAC_KEY="another-key"),
        pytest.raises(CommandError, match=r"signed with key \w+, which is not configured"),
    ):
        verify_against(tmp_path / "cp.json.gz")


def test_a_checkpoint_whose_row_was_removed_is_reported(cases, tmp_path):
    take_checkpoint(tmp_path / "cp.json.gz")
    sql_update("DELETE FROM approvals_checkpoint", [])
    code, out = verify_against(tmp_path / "cp.json.gz")
    assert code == 1 and "no longer among the system's checkpoints" in out


def test_checkpoints_are_append_only(cases):
    checkpoint = CheckpointFactory()
    with pytest.raises(TypeError):
        checkpoint.save()
    with pytest.raises(TypeError):
        Checkpoint.objects.all().delete()


def test_a_checkpoint_cannot_be_limited_to_a_region(cases, county, tmp_path):
    take_checkpoint(tmp_path / "cp.json.gz")
    with pytest.raises(CommandError, match="covers every region"):
        call_command("verify_audit", "--checkpoint", str(tmp_path / "cp.json.gz"), "--region", "62")
