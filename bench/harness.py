"""Shared set-up for benchmarks: a fresh database, Django configured, wall time and peak memory.

A benchmark script calls `args = parse_args(...)`, then `setup_django(name, postgres=args.postgres)`
(a new SQLite file under var/bench/NAME/, or a new PostgreSQL database lindungi_bench_NAME on
127.0.0.1), measures with `with measure() as m: ...`, and prints rows with `print_table`.
Benchmarks print figures; they never fail because a machine is slow.
"""

import argparse
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def parse_args(description: str, *, default_rows: int | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", action="store_true", help="run on the local PostgreSQL")
    if default_rows is not None:
        parser.add_argument("--rows", type=int, default=default_rows, help="rows to process")
    return parser.parse_args()


def setup_django(name: str, *, postgres: bool, migrate: bool = True) -> str:
    """Point Django at a new database for this benchmark and migrate it; return the vendor."""
    var_dir = ROOT / "var" / "bench" / name
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    os.environ["LINDUNGI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if postgres:
        import psycopg

        database = f"lindungi_bench_{name}"
        with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = f"{POSTGRES_ADMIN_URL}/{database}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def settle() -> None:
    """Before a timed run: write out what earlier runs left in the database's buffers, so
    that a run is not charged for the one before it (PostgreSQL's checkpointer would
    otherwise flush a million-row floor run's pages during the next run; SQLite moves its
    WAL into the database file). Closes the connection: each run starts on a fresh one."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _rss_bytes() -> int:
    """Memory of this process and of its child processes (the import's reader process), as
    proportional set size: a page two processes share counts half in each, so the sum is
    what they occupy together. (Resident set size would count shared pages twice.)"""
    total = _pss_kib("self")
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            total += _pss_kib(pid)
    return total * 1024


def _pss_kib(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
        pass
    return 0


@dataclass
class Measurement:
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    start_rss_mb: float = 0.0
    # CPU time of this process (SQLite works in-process; PostgreSQL's server is not counted):
    # on a loaded, shared machine it says what the wall time would be on an idle one.
    cpu_seconds: float = 0.0
    extra: dict = field(default_factory=dict)


@contextmanager
def measure(sample_every: float = 0.02) -> Iterator[Measurement]:
    """Wall time and the peak resident memory of this process while the block runs."""
    result = Measurement(start_rss_mb=_rss_bytes() / 2**20)
    peak = [_rss_bytes()]
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(sample_every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - cpu_started
        running.clear()
        sampler.join()
        peak[0] = max(peak[0], _rss_bytes())
        result.peak_rss_mb = peak[0] / 2**20


def print_table(title: str, rows: list[dict]) -> None:
    """Print a Markdown table (so figures paste straight into docs/benchmarks.md)."""
    if not rows:
        return
    columns = list(rows[0])
    print(f"\n### {title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(_cell(row.get(column)) for column in columns) + " |")
    print()


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)
