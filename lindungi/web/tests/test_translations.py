"""Every string the interface can show has an Indonesian translation.

The interface is Indonesian by default; an English msgid that nobody translated shows up in
English on an Indonesian page. This test extracts every translatable string of the code the
way `makemessages` does (into a copy of the tree, so the checkout is untouched) and asks the
running translation catalogues for each one in Indonesian. A string that comes back unchanged
is untranslated, unless it reads the same in both languages (codes, names, abbreviations).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
# Strings that read the same in Indonesian (codes, names, units, abbreviations).
SAME_IN_BOTH = {
    "NIK",
    "KK",
    "KPJ",
    "Desil",
    "desil",
    "PDF",
    "XLSX",
    "CSV",
    "API",
    "JKK",
    "JKM",
    "JHT",
    "APBD",
    "APBN",
    "CSR",
    "Total",
    "Status",
    "Email",
    "Lindungi",
    "OK",
    "ID",
    "URL",
    "Token",
    "Audit",
    "Dashboard",
    "Batch",
    "Hash",
    "Regency",
    "Indonesia",
    "English",
}


def _entries(po: Path):
    """(msgid, msgstr, fuzzy) of a .po file; a tiny reader of what makemessages writes."""
    msgid: str | None = None
    msgstr = ""
    fuzzy = fuzzy_previous = False
    field = None
    for raw in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
            continue
        if line.startswith("msgid "):
            if msgid is not None:
                yield msgid, msgstr, fuzzy_previous
            msgid, msgstr, field = _unquote(line[6:]), "", "msgid"
            fuzzy_previous, fuzzy = fuzzy, False
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgstr"):
            field = "msgstr"
            msgstr += _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and field == "msgid":
            msgid += _unquote(line)
        elif line.startswith('"') and field == "msgstr":
            msgstr += _unquote(line)
    if msgid is not None:
        yield msgid, msgstr, fuzzy_previous


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are missing")
def test_every_interface_string_has_an_indonesian_translation(tmp_path):
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT / "lindungi",
        copy / "lindungi",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "dist", "node_modules", "tests"),
    )
    shutil.copytree(ROOT / "config", copy / "config")
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    apps_with_catalogues = sorted(
        path.parent.parent.parent.parent
        for path in (copy / "lindungi").glob("*/locale/id/LC_MESSAGES/django.po")
    )
    command = [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "id", "-v", "0"]
    for app in apps_with_catalogues:
        subprocess.run(command, cwd=app, check=True, capture_output=True)
    # The rest (web, core, accounts, ...) goes to the project's catalogue.
    subprocess.run(
        [*command, *[f"--ignore={app.name}/*" for app in apps_with_catalogues]],
        cwd=copy / "lindungi",
        check=True,
        capture_output=True,
    )
    untranslated = set()
    for po in (copy / "lindungi").glob("**/locale/id/LC_MESSAGES/django.po"):
        for msgid, msgstr, fuzzy in _entries(po):
            if msgid and (fuzzy or not msgstr):
                untranslated.add(msgid)
    with translation.override("id"):
        missing = sorted(
            msgid
            for msgid in untranslated
            if msgid not in SAME_IN_BOTH and translation.gettext(msgid) == msgid
        )
    assert missing == [], f"{len(missing)} strings have no Indonesian translation:\n" + "\n".join(
        missing
    )
