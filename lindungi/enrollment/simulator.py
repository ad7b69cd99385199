"""A stand-in for the insurer, for demos and tests: answers a submission file deterministically.

Most people are accepted with unique KPJ numbers; about 1% are rejected with the reasons the
insurer really gives. The same file and seed always give the same answer.
"""

import csv
import hashlib
import io
import random

from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput

REJECTION_REASONS = (
    "Terdaftar sebagai peserta penerima upah (PU)",
    "NIK tidak ditemukan di Dukcapil",
    "Data tidak sesuai dengan Dukcapil",
)
RESPONSE_COLUMNS = ("NIK", "KPJ", "STATUS", "ALASAN", "TANGGAL_EFEKTIF", "NOMOR_BATCH")


def simulate_response(content: bytes, *, seed: int = 0, rejection_rate: float = 0.01) -> bytes:
    """The insurer's response CSV to a submission CSV (as written by `write_batch_csv`)."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    if not reader.fieldnames or "NIK" not in reader.fieldnames:
        raise InvalidInput(_("This is not a submission file."), code="file_invalid")
    rows = list(reader)
    batch = rows[0].get("NOMOR_BATCH", "") if rows else ""
    # The batch number is mixed in so two batches never receive the same KPJ numbers.
    digest = hashlib.sha256(f"{batch}:{seed}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    next_kpj = rng.randrange(10_000_000_000, 80_000_000_000)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RESPONSE_COLUMNS)
    for row in rows:
        if rng.random() < rejection_rate:
            reason = REJECTION_REASONS[rng.randrange(len(REJECTION_REASONS))]
            writer.writerow((row["NIK"], "", "DITOLAK", reason, row["TANGGAL_MULAI"], batch))
            continue
        next_kpj += rng.randrange(1, 40)
        # One KPJ for life: a person the file says already holds one keeps it.
        kpj = row.get("KPJ") or f"{next_kpj:011d}"
        writer.writerow((row["NIK"], kpj, "DITERIMA", "", row["TANGGAL_MULAI"], batch))
    return out.getvalue().encode("utf-8")
