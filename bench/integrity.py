"""Integrity checks in a selection: what flagging deaths, duplicates and households costs.

    .venv/bin/python bench/integrity.py [--rows 1000000] [--postgres] [--repeat 2]

The data is bench/selection.py's (1% deceased), plus 2% of the people in likely-duplicate
pairs (four in five still open, one in five confirmed). Each round runs the same selection
twice on the same data, in alternating order: with the checks (the duplicate join, holding
pending duplicates out and a household limit of 2 places per KK) and without them (the
duplicate subquery swapped for an empty one and no household limit; the deceased bit is one
CASE on a column already read, so it stays in both). The difference is what the checks add;
issue 19 asks for at most 2 s at a million candidates. Between two runs the draft's
decisions are deleted, so both runs write into the same empty table.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, settle, setup_django
from bench.selection import load_people

NO_PAIRS = "SELECT CAST(NULL AS bigint) AS person_id, CAST(NULL AS integer) AS level WHERE 1 = 0"


def add_pairs() -> int:
    """Pair each 100th person with the next one: 1% of pairs, 2% of the people."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_duplicatecandidate (first_person_id, second_person_id,"
            " first_nik, second_nik, rule, status, note, created_at)"
            " SELECT a.id, b.id, a.nik, b.nik, 'same_name_birth_village',"
            " CASE WHEN a.id %% 500 = 0 THEN 'confirmed' ELSE 'open' END, '', a.created_at"
            " FROM registry_person a JOIN registry_person b ON b.id = a.id + 1"
            " WHERE a.id %% 100 = 0",
            [],
        )
        return cursor.rowcount


def one_run(programme, officer, *, with_checks: bool) -> float:
    from django.db import connection

    from lindungi.programs import selection
    from lindungi.programs.models import Decision, SelectionRun

    original = selection._SECOND_OF_A_PAIR
    programme.max_per_household = 2 if with_checks else None
    programme.save(update_fields=["max_per_household"])
    if not with_checks:
        selection._SECOND_OF_A_PAIR = NO_PAIRS
    settle()
    try:
        with measure() as run:
            summary = selection.run_selection(user=officer, programme=programme)
    finally:
        selection._SECOND_OF_A_PAIR = original
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_decision WHERE run_id = %s", [summary.run_id])
        cursor.execute("DELETE FROM programs_runquota WHERE run_id = %s", [summary.run_id])
    SelectionRun.objects.filter(pk=summary.run_id).delete()
    assert not Decision.objects.exists()
    return run.seconds, summary


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("integrity", postgres=args.postgres)
    from django.db import connection

    from lindungi.accounts.models import User
    from lindungi.core.roles import Role
    from lindungi.programs.services import create_ntt_2025_programme
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    load_people(args.rows)
    pairs = add_pairs()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    officer = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    programme = create_ntt_2025_programme(user=officer)
    rows = []
    repeat = getattr(args, "repeat", None) or 2
    for round_number in range(repeat):
        order = (False, True) if round_number % 2 == 0 else (True, False)
        timings = {}
        for with_checks in order:
            seconds, summary = one_run(programme, officer, with_checks=with_checks)
            timings[with_checks] = (seconds, summary)
            rows.append(
                {
                    "step": f"round {round_number + 1}: "
                    + ("with the checks" if with_checks else "baseline: without them"),
                    "seconds": seconds,
                    "rows": summary.eligible,
                    "load": f"{os.getloadavg()[0]:.1f}",
                }
            )
        rows.append(
            {
                "step": f"round {round_number + 1}: the checks add",
                "seconds": timings[True][0] - timings[False][0],
                "rows": timings[False][1].eligible - timings[True][1].eligible,
                "load": "",
            }
        )
    print_table(
        f"Integrity checks in a selection of {args.rows:,} candidates, {pairs:,} pairs ({vendor})",
        rows,
    )
    print("rows: eligible candidates (for 'the checks add': how many the checks held out)")


if __name__ == "__main__":
    main()
