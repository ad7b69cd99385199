"""Benchmark: import generated candidate CSVs next to a floor measured in the same run.

    .venv/bin/python bench/registry_import.py [--postgres] [--rows 100000,1000000]

For each size: generate the CSV (`lindungi generate_candidates` when it exists, else the small
inline generator below), insert the same rows into registry_person with no validation at all
(plain executemany on SQLite, COPY on PostgreSQL: the floor), empty the table, then run the real
`import_candidates` and a second import of the same file (which must change nothing).
Targets (issue #3): 1,000,000 rows <= 20 s and within 3x of the floor, peak RSS < 500 MB;
100,000 rows <= 3 s.
"""

import csv
import gc
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, measure, print_table, setup_django


def parse() -> tuple[bool, list[int]]:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rows", default="100000,1000000")
    args = parser.parse_args()
    return args.postgres, [int(value) for value in args.rows.split(",")]


def generate(path: Path, count: int, *, seed: int = 7) -> str:
    """Write `count` candidate rows; return which generator made them."""
    command = [str(ROOT / ".venv" / "bin" / "lindungi"), "generate_candidates"]
    help_run = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    if help_run.returncode == 0:
        subprocess.run(
            [*command, "--count", str(count), "--seed", str(seed), str(path)], check=True
        )
        return "generate_candidates"
    _inline_generate(path, count, seed=seed)
    return "inline"


def _inline_generate(path: Path, count: int, *, seed: int) -> None:
    """Valid NTT candidates with ~3% defects (damaged NIKs, bad desil, repeats)."""
    from lindungi.regions.models import Village

    rng = random.Random(seed)
    villages = list(
        Village.objects.filter(code__startswith="53.").values_list("code", "district__code_nik")
    )
    names = ["Yohanes", "Maria", "Agustinus", "Yuliana", "Petrus", "Fransiska", "Simon", "Ana"]
    family = ["Bere", "Nahak", "Seran", "Tefa", "Lake", "Bria", "Mau", "Kase", "Ndun", "Lede"]
    jobs = ["Petani", "Nelayan", "Penenun", "Peternak", "Ojek", "Buruh Harian", "Pedagang Kecil"]
    serial: dict[str, int] = {}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR",
             "KODE_DESA", "ALAMAT", "PEKERJAAN", "DESIL", "NO_HP"]
        )  # fmt: skip
        previous = None
        for index in range(count):
            village, prefix = rng.choice(villages)
            sex = rng.choice("LP")
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
            key = f"{prefix}{born:%d%m%y}{sex}"
            serial[key] = serial.get(key, 0) + 1
            day = born.day + (40 if sex == "P" else 0)
            nik = f"{prefix}{day:02d}{born:%m%y}{serial[key]:04d}"
            row = [
                nik,
                f"{prefix}{rng.randrange(10**10):010d}",
                f"{rng.choice(names)} {rng.choice(family)} {rng.choice(family)}",
                sex,
                "Kupang",
                born.strftime("%d/%m/%Y") if index % 3 else born.isoformat(),
                village,
                f"RT {rng.randint(1, 20):03d} RW {rng.randint(1, 9):03d}",
                rng.choice(jobs),
                str(rng.choice((1, 1, 2, 2, 3, 4, 5))),
                f"08{rng.randrange(10**10):010d}",
            ]
            defect = rng.random()
            if defect < 0.01:
                row[0] = f"{nik[0]}.{nik[1:6]}E+15"  # damaged by Excel
            elif defect < 0.02:
                row[9] = "11"
            elif defect < 0.03 and previous:
                row = previous  # an identical repeat
            writer.writerow(row)
            previous = row


DESIL_TEXT = {str(number): number for number in range(1, 11)} | {"": None}


def floor(path: Path, *, postgres: bool) -> int:
    """The same rows straight into registry_person: no validation, no staging, no history."""
    from django.db import connection, transaction
    from django.utils import timezone

    columns = (
        "nik, kk_number, full_name, name_normalised, sex, birth_place, birth_date, village_id, "
        "regency_id, address, occupation, phone, desil, poverty_label, source_edition, "
        "created_at, updated_at"
    )
    from lindungi.regions.models import Village

    now = timezone.now()
    seen: set[str] = set()  # the unique index would refuse a repeat
    villages = {}
    for code in Village.objects.values_list("code", flat=True):
        villages[code] = villages[code.replace(".", "")] = code

    def rows():
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            next(reader)
            for cells in reader:
                nik, born, village, desil = cells[0], cells[5], villages.get(cells[6]), cells[9]
                # Only what the table itself would refuse is skipped; nothing else is checked.
                if len(nik) != 16 or nik in seen or village is None or len(born) != 10:
                    continue
                if desil not in DESIL_TEXT or cells[3] not in ("L", "P"):
                    continue
                if born[2] == "/":
                    born = f"{born[6:]}-{born[3:5]}-{born[:2]}"
                try:
                    date.fromisoformat(born)  # PostgreSQL refuses 31 February
                except ValueError:
                    continue
                seen.add(nik)
                yield (
                    nik, cells[1][:16], cells[2][:150], cells[2].upper()[:150], cells[3],
                    cells[4][:100], born, village, village[:5], cells[7][:300], cells[8][:100],
                    cells[10][:20], DESIL_TEXT[desil], "unknown", "", now, now,
                )  # fmt: skip

    inserted = 0
    with transaction.atomic():
        if postgres:
            statement = f"COPY registry_person ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in rows():
                    copy.write_row(row)
                    inserted += 1
        else:
            connection.ensure_connection()
            cursor = connection.connection.cursor()
            marks = ", ".join("?" for _ in range(17))
            cursor.executemany(
                f"INSERT INTO registry_person ({columns}) VALUES ({marks})",  # noqa: S608
                rows(),
            )
            inserted = cursor.rowcount
    return inserted


def empty_registry() -> None:
    """Back to an empty registry. TRUNCATE on PostgreSQL: DELETE would leave a million dead
    rows in the indexes and slow the next run down for reasons that are not its own."""
    from django.db import connection

    tables = (
        "registry_duplicatecandidate",
        "registry_personversion",
        "registry_rejectedrow",
        "registry_person",
        "registry_candidateimport",
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute("VACUUM")


def main() -> None:
    postgres, sizes = parse()
    vendor = setup_django("registry_import", postgres=postgres)
    from django.conf import settings
    from django.db import connection

    from lindungi.regions.services import load_regions
    from lindungi.registry.importing import import_candidates

    load_regions(province_codes=["53"])
    results = []
    for count in sizes:
        path = Path(settings.VAR_DIR) / f"candidates_{count}.csv"
        generator = generate(path, count)
        empty_registry()
        gc.collect()
        with measure() as floor_run:
            inserted = floor(path, postgres=postgres)
        empty_registry()
        # Each import runs in a fresh connection, as a command or a job would.
        connection.close()
        gc.collect()
        with measure() as first:
            result = import_candidates(file=path, file_name=path.name, source="bench")
        connection.close()
        gc.collect()
        with measure() as again:
            repeat = import_candidates(file=path, file_name=path.name, source="bench")
        assert repeat.rows_accepted == repeat.rows_updated == 0, "re-import changed something"
        for label, run, rows in (
            ("floor (no validation)", floor_run, inserted),
            ("import_candidates", first, result.rows_read),
            ("same file again", again, repeat.rows_read),
        ):
            results.append(
                {
                    "database": vendor,
                    "rows": count,
                    "run": label,
                    "seconds": run.seconds,
                    "rows/s": int(rows / run.seconds) if run.seconds else 0,
                    "x floor": run.seconds / floor_run.seconds,
                    "peak RSS MB": run.peak_rss_mb,
                }
            )
        print(
            f"{count:,} rows ({generator}): accepted {result.rows_accepted:,}, "
            f"unchanged {result.rows_unchanged:,}, rejected {result.rows_rejected:,} "
            f"{result.reason_counts}; flagged {result.duplicates_flagged:,}",
            flush=True,
        )
    print_table(f"Candidate import ({vendor})", results)


if __name__ == "__main__":
    main()
