"""Every module translates: no .po under lindungi/ may hold an empty or fuzzy translation.

Indonesian is the default language, so an untranslated string would show English to users who
never asked for it. Parsed here by hand so the check needs no extra dependency.
"""

import ast
from pathlib import Path

import pytest

LINDUNGI_DIR = Path(__file__).resolve().parents[2]
CATALOGS = sorted(LINDUNGI_DIR.glob("**/locale/*/LC_MESSAGES/*.po"))


def _entries(text: str):
    """Yield (line number, flags, msgid, [msgstr, ...]) for every active entry of a .po file."""
    flags: set[str] = set()
    field = None
    current: dict[str, list[str]] = {}
    start = 0

    def finish():
        if "msgid" in current:
            msgid = "".join(current["msgid"])
            strings = ["".join(v) for k, v in current.items() if k.startswith("msgstr")]
            return (start, frozenset(flags), msgid, strings)
        return None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#~"):  # obsolete entries are not compiled
            continue
        if not line:
            entry = finish()
            if entry:
                yield entry
            flags, field, current = set(), None, {}
            continue
        if line.startswith("#,"):
            flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field].append(ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            if keyword == "msgid" and "msgid" in current:
                entry = finish()
                if entry:
                    yield entry
                flags, current = set(), {}
            if keyword == "msgid":
                start = number
            field = keyword
            current[field] = [ast.literal_eval(rest)]
    entry = finish()
    if entry:
        yield entry


def untranslated(text: str) -> list[str]:
    problems = []
    for number, flags, msgid, strings in _entries(text):
        if "fuzzy" in flags:
            problems.append(f"line {number}: fuzzy {msgid!r}")
        elif msgid and any(not string for string in strings):
            problems.append(f"line {number}: empty translation of {msgid!r}")
    return problems


def test_the_project_and_audit_catalogs_exist():
    relative = {str(path.relative_to(LINDUNGI_DIR)) for path in CATALOGS}
    assert "locale/id/LC_MESSAGES/django.po" in relative
    assert "audit/locale/id/LC_MESSAGES/django.po" in relative


@pytest.mark.parametrize(
    "catalog", CATALOGS, ids=[str(path.relative_to(LINDUNGI_DIR)) for path in CATALOGS]
)
def test_every_string_is_translated(catalog):
    assert untranslated(catalog.read_text(encoding="utf-8")) == []


def test_checker_finds_empty_fuzzy_and_plural_gaps():
    text = (
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        'msgid "Done"\nmsgstr "Selesai"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Fuzzy %(n)s"\nmsgstr "Kabur %(n)s"\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr ""\n"Teks "\n"panjang"\n\n'
        'msgid "one row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n'
    )
    assert untranslated(text) == [
        "line 8: empty translation of 'Empty'",
        "line 12: fuzzy 'Fuzzy %(n)s'",
        "line 22: empty translation of 'one row'",
    ]


def test_checker_flags_a_fuzzy_header():
    assert untranslated('#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: id\\n"\n') == [
        "line 2: fuzzy ''"
    ]
