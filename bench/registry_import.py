"""Benchmark: import generated candidate CSVs next to a floor measured in the same run.

    .venv/bin/python bench/registry_import.py [--postgres] [--rows 100000,1000000] [--profile]

For each size: generate the CSV (`lindungi generate_candidates` when it exists, else the small
inline generator below), insert the same rows into registry_person with no validation at all
(plain executemany on SQLite, COPY on PostgreSQL: the floor), empty the table, then run the real
`import_candidates` and a second import of the same file (which must change nothing).

The floor reads the CSV with the csv module and writes into the real, indexed registry_person
in one transaction on a fresh connection with the import's own connection settings: the import
has to read the file and maintain the same indexes, so both belong in the floor. It is printed
in parts (reading alone; the same insert into a copy of the table without its secondary indexes)
so a slow floor shows where its time goes. `--profile` adds the import's time per phase and its
slowest statements (timing wrappers cost a little; leave it off for the headline figures).
Targets (issue #3): 1,000,000 rows <= 20 s and within 3x of the floor, peak memory < 500 MB;
100,000 rows <= 3 s. `--xlsx` imports the same candidates from XLSX instead (issue 12: a
million XLSX rows under 500 MB of peak memory).
"""

import csv
import gc
import os
import random
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, measure, print_table, settle, setup_django


def parse() -> tuple[bool, list[int], bool, str]:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--profile", action="store_true", help="time phases and statements")
    parser.add_argument(
        "--xlsx",
        action="store_true",
        help="import the same candidates as XLSX instead (memory of the streaming reader)",
    )
    parser.add_argument(
        "--drop-index",
        default="",
        help="drop this registry_person index first, to measure what it costs the import",
    )
    args = parser.parse_args()
    sizes = [int(value) for value in args.rows.split(",")]
    return args.postgres, sizes, args.profile, args.drop_index, args.xlsx


def generate(path: Path, count: int, *, seed: int = 7) -> str:
    """Write `count` candidate rows; return which generator made them.

    The generator is deterministic, so a file made by the same generator code is reused from
    var/bench-cache/ (a million rows take minutes to generate and nothing to copy)."""
    import hashlib
    import shutil

    sources = sorted((ROOT / "lindungi" / "demo" / "generation").glob("*.py"))
    digest = hashlib.sha256(b"".join(source.read_bytes() for source in sources)).hexdigest()
    cached = ROOT / "var" / "bench-cache" / f"candidates_{count}_{seed}_{digest[:12]}.csv"
    # This interpreter and this checkout's manage.py: works from a worktree without its own venv.
    command = [sys.executable, str(ROOT / "manage.py"), "generate_candidates"]
    help_run = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    if help_run.returncode != 0:
        _inline_generate(path, count, seed=seed)
        return "inline"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial.csv")
        subprocess.run(
            [*command, "--count", str(count), "--seed", str(seed), str(partial)], check=True
        )
        partial.rename(cached)
    shutil.copyfile(cached, path)
    return "generate_candidates"


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
FLOOR_COLUMNS = (
    "nik, kk_number, full_name, name_normalised, sex, birth_place, birth_date, village_id, "
    "regency_id, address, occupation, phone, desil, poverty_label, source_edition, "
    "created_at, updated_at"
)


def floor_rows(path: Path):
    """The file's rows as registry_person tuples: only what the table itself would refuse is
    skipped (a repeated NIK, an unknown village, a malformed date or desil), nothing checked."""
    from django.utils import timezone

    from lindungi.regions.models import Village

    # Text, as the import writes it: adapting a datetime object per row is not the floor's job.
    now = timezone.now().replace(tzinfo=None).isoformat(sep=" ")  # UTC, as Django stores it
    seen: set[str] = set()  # the unique index would refuse a repeat
    # Read when called, not when the first row is asked for: on PostgreSQL the rows are
    # pulled while COPY holds the connection, and a query then would wait for it forever.
    villages = {}
    for code in Village.objects.values_list("code", flat=True):
        villages[code] = villages[code.replace(".", "")] = code
    return _floor_rows(path, villages, seen, now)


def _floor_rows(path: Path, villages: dict[str, str], seen: set[str], now: str):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        for cells in reader:
            if len(cells) < 11:
                continue
            nik, born, village, desil = cells[0], cells[5], villages.get(cells[6]), cells[9]
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


def floor(path: Path, *, table: str = "registry_person") -> int:
    """The same rows straight into `table`: no validation, no staging, no history; one
    transaction with the import's connection settings (staging.bulk_settings)."""
    from django.db import connection, transaction

    from lindungi.registry.staging import bulk_settings

    inserted = 0
    rows = floor_rows(path)  # reads the villages now, before COPY holds the connection
    with bulk_settings(), transaction.atomic():
        if connection.vendor == "postgresql":
            statement = f"COPY {table} ({FLOOR_COLUMNS}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    inserted += 1
        else:
            cursor = connection.connection.cursor()
            marks = ", ".join("?" for _ in range(17))
            cursor.executemany(
                f"INSERT INTO {table} ({FLOOR_COLUMNS}) VALUES ({marks})",  # noqa: S608
                rows,
            )
            inserted = cursor.rowcount
    return inserted


def read_only(path: Path) -> int:
    return sum(1 for _row in floor_rows(path))


def unindexed_copy() -> str:
    """An empty copy of registry_person with its constraints but none of its secondary
    indexes (the floor's insert cost without index maintenance)."""
    from django.db import connection

    table = "bench_person_unindexed"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {table} (LIKE registry_person INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING IDENTITY)"
            )
            cursor.execute(f"ALTER TABLE {table} ADD UNIQUE (nik)")
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'registry_person'"
            )
            (sql,) = cursor.fetchone()
            cursor.execute(sql.replace('"registry_person"', f'"{table}"', 1))
    return table


def drop_table(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


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


class Profile:
    """Time per phase of one import and its slowest statements (only with --profile)."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.statements: list[tuple[float, str]] = []

    def add(self, phase: str, seconds: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds

    @contextmanager
    def active(self):
        """Wrap the import's validator, bulk writes and statements with timers."""
        from django.db import connection

        from lindungi.registry import importing, loading

        make_validator, copy_rows = loading.make_validator, loading.bulk_insert
        clock = time.perf_counter

        def timed_validator(*args, **kwargs):
            validate = make_validator(*args, **kwargs)

            def timed(row_number, cells):
                started = clock()
                try:
                    return validate(row_number, cells)
                finally:
                    self.add("validate (Python)", clock() - started)

            return timed

        def timed_copy(table, columns, rows):
            started = clock()
            try:
                return copy_rows(table, columns, rows)
            finally:
                self.add(f"bulk write {table}", clock() - started)

        def wrapper(execute, sql, params, many, context):
            started = clock()
            try:
                return execute(sql, params, many, context)
            finally:
                seconds = clock() - started
                self.statements.append((seconds, " ".join(sql.split())[:110]))
                self.add("SQL statements", seconds)

        loading.make_validator, loading.bulk_insert = timed_validator, timed_copy
        importing.bulk_insert = timed_copy
        try:
            with connection.execute_wrapper(wrapper):
                yield self
        finally:
            loading.make_validator, loading.bulk_insert = make_validator, copy_rows
            importing.bulk_insert = copy_rows

    def print(self, title: str, total: float) -> None:
        rows = [{"phase": name, "seconds": seconds} for name, seconds in self.phases.items()]
        accounted = sum(self.phases.values())
        rows.append(
            {
                "phase": "rest (reading, staging tuples, Django)",
                "seconds": total - accounted,
            }
        )
        print_table(f"{title}: time per phase", rows)
        slowest = sorted(self.statements, reverse=True)[:20]
        print_table(
            f"{title}: slowest statements",
            [{"seconds": seconds, "statement": sql} for seconds, sql in slowest],
        )


def generate_xlsx(count: int, *, seed: int = 7) -> Path:
    """The generator's candidates as XLSX, kept in var/bench-cache/ (a million rows take
    several minutes to write with openpyxl)."""
    cached = ROOT / "var" / "bench-cache" / f"xlsx_candidates_{count}_{seed}.xlsx"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial.xlsx")
        command = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py")]
        subprocess.run(
            [*command, "generate_candidates", "--count", str(count), "--seed", str(seed),
             str(partial)],
            check=True,
        )  # fmt: skip
        partial.rename(cached)
    return cached


def xlsx_runs(sizes: list[int], *, user, vendor: str) -> None:
    """Import XLSX files of each size into an empty registry: wall time and peak memory (the
    target: a million rows under 500 MB, flat as the file grows)."""
    from lindungi.registry.importing import import_candidates

    results = []
    for count in sizes:
        path = generate_xlsx(count)
        empty_registry()
        settle()
        gc.collect()
        with measure() as run:
            result = import_candidates(file=path, file_name=path.name, user=user, source="bench")
        results.append(
            {
                "database": vendor,
                "rows": count,
                "run": "import_candidates (XLSX)",
                "file MB": round(path.stat().st_size / 2**20, 1),
                "seconds": run.seconds,
                "rows/s": int(result.rows_read / run.seconds) if run.seconds else 0,
                "start memory MB": run.start_rss_mb,
                "peak memory MB": run.peak_rss_mb,
            }
        )
        print(
            f"{count:,} XLSX rows: read {result.rows_read:,}, accepted {result.rows_accepted:,}, "
            f"rejected {result.rows_rejected:,}",
            flush=True,
        )
    load = os.getloadavg()
    print_table(f"Candidate import from XLSX ({vendor})", results)
    print(f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def bench_user():
    """The acting user of the benchmark's imports (every import has one)."""
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    user, _created = User.objects.get_or_create(
        username="bench", defaults={"role": Role.PROVINCE_OFFICER}
    )
    return user


def main() -> None:
    postgres, sizes, profile, drop_index, xlsx = parse()
    vendor = setup_django("registry_import", postgres=postgres)
    from django.conf import settings
    from django.db import connection

    from lindungi.regions.services import load_regions
    from lindungi.registry.importing import import_candidates

    load_regions(province_codes=["53"])
    user = bench_user()
    if drop_index:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX "{drop_index}"')
        print(f"Without index {drop_index}")
    if xlsx:
        xlsx_runs(sizes, user=user, vendor=vendor)
        return
    results = []
    for count in sizes:
        path = Path(settings.VAR_DIR) / f"candidates_{count}.csv"
        generator = generate(path, count)
        # Each run starts on an empty registry and a fresh connection, as a command or a job,
        # after a checkpoint (harness.settle).
        empty_registry()
        settle()
        gc.collect()
        with measure() as read_run:
            read_only(path)
        table = unindexed_copy()
        settle()
        with measure() as unindexed_run:
            floor(path, table=table)
        drop_table(table)
        empty_registry()
        settle()
        gc.collect()
        with measure() as floor_run:
            inserted = floor(path)
        empty_registry()
        settle()
        gc.collect()
        tracker = Profile()
        with ExitStack() as stack:
            if profile:
                stack.enter_context(tracker.active())
            with measure() as first:
                result = import_candidates(
                    file=path, file_name=path.name, user=user, source="bench"
                )
        if profile:
            tracker.print(f"{vendor}, {count:,} rows, first import", first.seconds)
        settle()
        gc.collect()
        with measure() as again:
            repeat = import_candidates(file=path, file_name=path.name, user=user, source="bench")
        assert repeat.rows_accepted == repeat.rows_updated == 0, "re-import changed something"
        for label, run, rows in (
            ("floor: reading the CSV only", read_run, inserted),
            ("floor: insert, table without secondary indexes", unindexed_run, inserted),
            ("floor (no validation, indexed table)", floor_run, inserted),
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
                    "peak memory MB": run.peak_rss_mb,
                }
            )
        print(
            f"{count:,} rows ({generator}): accepted {result.rows_accepted:,}, "
            f"unchanged {result.rows_unchanged:,}, rejected {result.rows_rejected:,} "
            f"{result.reason_counts}; flagged {result.duplicates_flagged:,}",
            flush=True,
        )
    load = os.getloadavg()
    print_table(f"Candidate import ({vendor})", results)
    print(
        f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"({os.cpu_count()} CPUs). Targets: 1,000,000 rows <= 20 s and <= 3x floor, "
        "peak memory < 500 MB; 100,000 rows <= 3 s."
    )


if __name__ == "__main__":
    main()
