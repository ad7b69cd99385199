"""Issue 12.7: a re-hashed chain and a deleted tail fail verification. The chain is keyed
(the key is outside the database) and signed checkpoints of its head are compared."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lindungi.audit.chain import compute_hash
from lindungi.audit.checkpoints import verify_checkpoints, write_checkpoint
from lindungi.audit.models import AuditEvent
from lindungi.audit.selectors import verify_chain
from lindungi.audit.services import record_event

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list) -> None:
    """Change rows behind the ORM's back, as someone with direct database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")
            cursor.execute(sql, params)


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


def _events(user, count=4):
    return [record_event(action=f"test.{n}", summary={"n": n}, user=user) for n in range(count)]


def _fields(event) -> dict:
    return {
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "source": event.source,
        "source_reference": event.source_reference,
    }


def _plain_sha256(previous_hash: str, event) -> str:
    """The unkeyed hash the chain used before issue 12: anyone could recompute it."""
    fields = _fields(event)
    payload = json.dumps(
        [previous_hash, fields["occurred_at"].isoformat(timespec="microseconds"),
         *[fields[name] for name in list(fields)[1:]]],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _rehash_from(events, start: int, hasher) -> None:
    """Rewrite every hash from `start` on, as an attacker who changed a row would."""
    previous = events[start - 1].hash if start else "0" * 64
    for event in events[start:]:
        event.refresh_from_db()
        new_hash = hasher(previous, event)
        _tamper(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
            [previous, new_hash, event.pk],
        )
        previous = new_hash


def test_rows_are_hashed_with_the_key_not_plain_sha256(province_officer):
    (event,) = _events(province_officer, 1)
    assert event.hash != _plain_sha256(event.previous_hash, event)
    assert event.hash == compute_hash(previous_hash=event.previous_hash, **_fields(event))


def test_a_changed_and_rehashed_chain_fails_without_the_key(province_officer):
    events = _events(province_officer)
    _tamper(
        "UPDATE audit_auditevent SET changes = %s WHERE id = %s",
        ['{"summary": {"n": 999}}', events[1].pk],
    )
    _rehash_from(events, 1, _plain_sha256)
    report = verify_chain()
    assert not report.intact
    assert (report.first_break.event_id, report.first_break.reason) == (
        events[1].pk,
        "hash_mismatch",
    )
    with pytest.raises(CommandError, match="hash_mismatch"):
        call_command("verify_audit")


def test_a_deleted_tail_fails_against_a_checkpoint(province_officer, checkpoint_file):
    events = _events(province_officer)
    write_checkpoint()
    call_command("verify_audit")  # intact
    _tamper("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk])
    assert verify_chain().intact  # the shortened chain is still a chain...
    checked, problems = verify_checkpoints()
    assert checked == 1
    assert [(p.event_id, p.reason) for p in problems] == [(events[-1].pk, "row_missing")]
    with pytest.raises(CommandError, match="row_missing"):  # ...but not the checkpointed one
        call_command("verify_audit")


def test_a_chain_rehashed_with_the_key_fails_against_a_checkpoint(
    province_officer, checkpoint_file
):
    """Even someone holding the key cannot rewrite history that a checkpoint has seen."""
    events = _events(province_officer)
    write_checkpoint()
    _tamper(
        "UPDATE audit_auditevent SET changes = %s WHERE id = %s",
        ['{"summary": {"n": 999}}', events[1].pk],
    )

    def keyed(previous, event):
        return compute_hash(previous_hash=previous, **_fields(event))

    _rehash_from(events, 1, keyed)
    assert verify_chain().intact
    _checked, problems = verify_checkpoints()
    assert [p.reason for p in problems] == ["hash_differs"]


def test_a_deleted_row_in_the_middle_fails_against_a_checkpoint(province_officer, checkpoint_file):
    events = _events(province_officer)
    write_checkpoint()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _checked, problems = verify_checkpoints()
    assert [p.reason for p in problems] == ["rows_differ"]


def test_a_forged_checkpoint_is_reported(province_officer, checkpoint_file):
    events = _events(province_officer)
    record = write_checkpoint()
    forged = {**record, "event_id": events[0].pk, "hash": events[0].hash, "rows": 1}
    with checkpoint_file.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
        handle.write("not json\n")
    _checked, problems = verify_checkpoints()
    assert [(p.line, p.reason) for p in problems] == [(2, "bad_signature"), (3, "unreadable")]


def test_checkpoint_command_writes_a_signed_line_and_logs_it(
    province_officer, checkpoint_file, caplog
):
    _events(province_officer, 2)
    call_command("audit_checkpoint")
    (line,) = checkpoint_file.read_text().splitlines()
    record = json.loads(line)
    assert record["event_id"] == AuditEvent.objects.order_by("-id").first().pk
    assert record["rows"] == AuditEvent.objects.count()
    assert len(record["signature"]) == 64
    assert any("audit checkpoint" in message for message in caplog.messages)
