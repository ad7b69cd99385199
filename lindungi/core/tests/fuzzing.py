"""Hypothesis strategies for importer fuzz tests (issue 12): files that are almost right.

Each importer's fuzz test draws a whole file: the expected header (sometimes shuffled, renamed
or cut), rows whose cells are plausible values or hostile ones (NUL bytes, quotes, separators,
line breaks, formula prefixes, Excel-damaged numbers, a 100,000-character cell, non-Latin
text), then encodes it (UTF-8, with BOM, Windows-1252, or broken bytes). The test asserts the
importer either refuses the whole file with InvalidInput leaving every table as it was, or
accounts for every row (accepted + rejected = read). Anything else is a crash.
"""

from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded so the suite stays fast: a dozen files per importer, no per-example deadline (the
# machine is shared; a slow example is not a failure).
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        '"',
        '""',
        ";",
        ",",
        "\t",
        "\n",
        "\r\n",
        "=CMD|' /C calc'!A0",
        "+1",
        "5.30101E+15",
        "5,30101E+15",
        "-1",
        "0",
        "9" * 40,
        "x" * 100_000,
        "Ñoño Ōkubo 名前",
        "\ufeff",
        "NULL",
        "2025-02-30",
        "31/12/9999",
    ]
)


def cell(good: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(good, good, HOSTILE, st.text(max_size=30))


def _quote(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_file(draw, columns: dict[str, st.SearchStrategy[str]], *, max_rows: int = 8) -> bytes:
    """A CSV file with the given columns (name -> strategy of good values)."""
    names = list(columns)
    header_kind = draw(st.sampled_from(["as is", "as is", "shuffled", "cut", "lower", "junk"]))
    if header_kind == "shuffled":
        names = draw(st.permutations(names))
    elif header_kind == "cut":
        names = names[: draw(st.integers(min_value=0, max_value=len(names)))]
    header = [name.lower() if header_kind == "lower" else name for name in names] + (
        draw(st.lists(st.text(max_size=8), max_size=2)) if header_kind == "junk" else []
    )
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_rows))):
        values = [draw(cell(columns[name])) if name in columns else "" for name in names]
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            values = values[: draw(st.integers(min_value=0, max_value=len(values)))]
        rows.append(delimiter.join(_quote(value, delimiter) for value in values))
    text = "\n".join([delimiter.join(header), *rows]) + draw(st.sampled_from(["", "\n", "\n\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "broken"]))
    if encoding == "broken":
        return text.encode("utf-8", "replace") + draw(st.binary(min_size=1, max_size=16))
    return text.encode(encoding, "replace")


def fingerprint() -> tuple:
    """Row counts of every Lindungi table, in one query: what a half-written import moves."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("lindungi.") and model._meta.managed
    )
    counts = ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(zip(tables, cursor.fetchone(), strict=True))


def dates() -> st.SearchStrategy[str]:
    return st.dates().map(lambda day: day.isoformat()) | st.dates().map(
        lambda day: day.strftime("%d/%m/%Y")
    )
