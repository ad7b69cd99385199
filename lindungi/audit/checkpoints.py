"""Signed checkpoints of the audit chain's head, kept outside the database (issue 12.7).

The keyed chain stops anyone without the key from rewriting rows unnoticed; it cannot show that
the newest rows were deleted (the shortened chain is still a valid chain). A checkpoint records
the head's id, hash and the number of rows up to it, signed with the chain key, appended to
settings.AUDIT_CHECKPOINT_FILE and written to the log. The worker makes one a day
(`jobs.periodic`, the duty `audit_checkpoint`) and `lindungi audit_checkpoint` one on demand;
`verify_audit` compares the chain with every checkpoint, so a deleted tail, a deleted row or a
re-hashed chain fails verification.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from lindungi.audit.chain import sign
from lindungi.audit.models import AuditEvent

logger = logging.getLogger("lindungi.audit.checkpoint")


def _signed_text(record: dict) -> str:
    fields = {key: record[key] for key in ("event_id", "hash", "rows", "written_at")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def write_checkpoint(*, path: Path | None = None) -> dict | None:
    """Append a signed checkpoint of the current head; None while the trail is empty."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is None:
        return None
    record = {
        "event_id": head["id"],
        "hash": head["hash"],
        "rows": AuditEvent.objects.filter(id__lte=head["id"]).count(),
        "written_at": timezone.now().isoformat(timespec="seconds"),
    }
    record["signature"] = sign(_signed_text(record))
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, sort_keys=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    # The log is the second copy: it usually goes to another machine.
    logger.warning("audit checkpoint %s", line)
    return record


@dataclass(frozen=True)
class CheckpointProblem:
    line: int
    event_id: int | None
    reason: str  # bad_signature, unreadable, row_missing, hash_differs, rows_differ


def read_checkpoints(path: Path | None = None) -> list[tuple[int, dict | None]]:
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    checkpoints: list[tuple[int, dict | None]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                checkpoints.append((number, json.loads(line)))
            except json.JSONDecodeError:
                checkpoints.append((number, None))
    return checkpoints


def verify_checkpoints(*, path: Path | None = None) -> tuple[int, list[CheckpointProblem]]:
    """(checkpoints checked, problems): each checkpoint must be signed with the chain key and
    its row must still be in the database with the same hash and the same number of rows up
    to it."""
    problems: list[CheckpointProblem] = []
    checkpoints = read_checkpoints(path)
    for number, record in checkpoints:
        try:
            event_id = int(record["event_id"])
            genuine = record["signature"] == sign(_signed_text(record))
        except (TypeError, KeyError, ValueError):
            problems.append(CheckpointProblem(number, None, "unreadable"))
            continue
        if not genuine:
            problems.append(CheckpointProblem(number, event_id, "bad_signature"))
            continue
        stored = AuditEvent.objects.filter(id=event_id).values_list("hash", flat=True).first()
        if stored is None:
            problems.append(CheckpointProblem(number, event_id, "row_missing"))
        elif stored != record["hash"]:
            problems.append(CheckpointProblem(number, event_id, "hash_differs"))
        elif AuditEvent.objects.filter(id__lte=event_id).count() != record["rows"]:
            problems.append(CheckpointProblem(number, event_id, "rows_differ"))
    return len(checkpoints), problems
