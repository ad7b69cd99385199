"""The candidate generator: deterministic, realistic, and damaged exactly as asked."""

import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungi.core.errors import InvalidInput
from lindungi.demo.generation import (
    COLUMNS,
    EXPECTED_REASON,
    DefectKind,
    generate_candidates,
    load_geography,
    regency_weights,
    write_csv,
    write_xlsx,
)
from lindungi.demo.generation.geography import WeightBasis
from lindungi.regions.models import DistrictCode, Village

pytestmark = pytest.mark.django_db

_MONTHS = {
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}  # fmt: skip


def parse_birth_date(value) -> date:
    """The forms a clean row may use (an independent reading, not the generator's code)."""
    if isinstance(value, date):
        return value
    if m := re.fullmatch(r"(\d{2})[/-](\d{2})[/-](\d{4})", value):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        return date(int(m[1]), int(m[2]), int(m[3]))
    day, month, year = value.split()
    return date(int(year), _MONTHS[month.lower()], int(day))


def nik_matches(nik: str, birth: date, sex: str) -> bool:
    day = birth.day + (40 if sex == "P" else 0)
    return nik[6:12] == f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"


def dotted(code: str) -> str:
    code = code.replace(".", "")
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"


def test_same_seed_gives_byte_identical_files(tmp_path):
    for suffix, writer in ((".csv", write_csv), (".xlsx", write_xlsx)):
        first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        writer(first, generate_candidates(count=1500, seed=11))
        writer(second, generate_candidates(count=1500, seed=11))
        assert first.read_bytes() == second.read_bytes()
    other = tmp_path / "c.csv"
    write_csv(other, generate_candidates(count=1500, seed=12))
    assert other.read_bytes() != (tmp_path / "a.csv").read_bytes()


def test_csv_has_canonical_header_and_no_hidden_column(tmp_path):
    path = tmp_path / "k.csv"
    summary = write_csv(path, generate_candidates(count=300, seed=1, defect_rate=0.1))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 301
    assert "_defect" not in path.read_text(encoding="utf-8")
    assert (summary.rows, summary.defective) == (300, 30)


def test_regency_weights_follow_poor_population_with_documented_fallbacks():
    weights = load_geography()
    by_code = {r.code: r for r in weights.regencies}
    assert len(by_code) == 22
    assert (by_code["53.05"].weight, by_code["53.05"].weight_basis) == (
        41890.0,
        WeightBasis.POOR_POPULATION,
    )
    # Nagekeo has no poor-population figure: population x poverty rate (164,457 x 12.30%).
    assert by_code["53.16"].weight_basis == WeightBasis.RATE_TIMES_POPULATION
    assert by_code["53.16"].weight == pytest.approx(164457 * 12.30 / 100)

    statistics = {
        "A": {"poor_population": Decimal(100), "population_total": Decimal(1000)},
        "B": {"poor_population": Decimal(300), "population_total": Decimal(1000)},
        "C": {"population_total": Decimal(500)},
        "D": {},
    }
    assert regency_weights(["A", "B", "C", "D"], statistics) == {
        "A": (100.0, WeightBasis.POOR_POPULATION),
        "B": (300.0, WeightBasis.POOR_POPULATION),
        "C": (100.0, WeightBasis.POPULATION_SHARE),  # 500 x 400/2000
        "D": (500 / 3, WeightBasis.EQUAL_SHARE),  # mean of the others
    }


def test_regencies_receive_candidates_in_proportion_to_poor_population():
    geography = load_geography()
    rows = list(generate_candidates(count=30000, seed=5, defect_rate=0, geography=geography))
    counts = Counter(dotted(str(row["KODE_DESA"]))[:5] for row in rows)
    total_weight = sum(r.weight for r in geography.regencies)
    for regency in geography.regencies:
        expected = regency.weight / total_weight
        assert counts[regency.code] / len(rows) == pytest.approx(expected, abs=0.012)
    # Sumba Barat Daya (102,050 poor) clearly outnumbers Ngada (21,430).
    assert counts["53.18"] > 3 * counts["53.09"]


def test_clean_rows_are_valid_and_consistent():
    rows = list(generate_candidates(count=5000, seed=2, defect_rate=0))
    known = set(DistrictCode.objects.values_list("code_nik", flat=True))
    villages = set(Village.objects.filter(code__startswith="53.").values_list("code", flat=True))
    assert all(row["_defect"] == "" for row in rows)
    niks = [str(row["NIK"]) for row in rows]
    assert len(set(niks)) == len(rows)
    for row in rows:
        nik, sex = str(row["NIK"]), row["JENIS_KELAMIN"]
        birth = parse_birth_date(row["TANGGAL_LAHIR"])
        assert re.fullmatch(r"\d{16}", nik) and re.fullmatch(r"\d{16}", str(row["NO_KK"]))
        assert nik[:6] in known
        assert nik_matches(nik, birth, sex), row
        assert 15 <= (date(2025, 6, 30) - birth).days / 365.25 <= 71
        assert dotted(str(row["KODE_DESA"])) in villages
        assert row["NAMA"] and str(row["NAMA"])[0].isalpha()
        assert row["DESIL"] in range(1, 11)
        assert row["NO_HP"] == "" or re.fullmatch(r"08\d{9,10}", str(row["NO_HP"]))
    desil = Counter(row["DESIL"] for row in rows)
    assert sum(desil[d] for d in (1, 2, 3, 4)) / len(rows) > 0.85
    assert {"Petani", "Nelayan", "Penenun", "Pengemudi Ojek"} <= {r["PEKERJAAN"] for r in rows}
    women = [row for row in rows if row["JENIS_KELAMIN"] == "P"]
    assert women and all(41 <= int(str(row["NIK"])[6:8]) <= 71 for row in women)


def test_some_niks_come_from_other_provinces_and_retired_codes():
    retired = set(DistrictCode.objects.filter(in_current=False).values_list("code_nik", flat=True))
    rows = list(
        generate_candidates(
            count=4000, seed=3, defect_rate=0, other_province_share=0.1, pre_split_share=0.05
        )
    )
    prefixes = [str(row["NIK"])[:6] for row in rows]
    outside = sum(not p.startswith("53") for p in prefixes) / len(rows)
    pre_split = sum(p in retired for p in prefixes) / len(rows)
    assert outside == pytest.approx(0.15, abs=0.02)  # retired codes are all outside NTT
    assert pre_split == pytest.approx(0.05, abs=0.012)
    # They still live in NTT villages.
    assert all(dotted(str(row["KODE_DESA"])).startswith("53.") for row in rows)


def test_households_share_a_family_card():
    rows = list(generate_candidates(count=3000, seed=4, defect_rate=0))
    households = defaultdict(list)
    for row in rows:
        households[row["NO_KK"]].append(row)
    sizes = Counter(len(members) for members in households.values())
    assert sizes[1] > 0 and sizes[2] > 0 and sizes[3] > 0
    assert sum(n for size, n in sizes.items() if size > 1) / len(households) > 0.4
    for kk, members in households.items():
        village = dotted(str(members[0]["KODE_DESA"]))
        assert kk[:6] == village.replace(".", "")[:6]
        assert {dotted(str(m["KODE_DESA"])) for m in members} == {village}
        assert len({m["ALAMAT"] for m in members}) == 1
        assert len({m["DESIL"] for m in members}) == 1
        assert len({m["NAMA"] for m in members}) == len(members)


def test_defect_share_is_exact_and_every_kind_appears():
    rows = list(generate_candidates(count=10000, seed=6, defect_rate=0.05))
    kinds = Counter(row["_defect"] for row in rows if row["_defect"])
    assert len(rows) == 10000
    assert sum(kinds.values()) == 500
    assert set(kinds) == {kind.value for kind in DefectKind}
    assert set(EXPECTED_REASON) == set(DefectKind)


def _only(kind: DefectKind, count: int = 400, rate: float = 0.25) -> tuple[list, list]:
    rows = list(
        generate_candidates(count=count, seed=8, defect_rate=rate, defect_weights={kind: 1})
    )
    return rows, [row for row in rows if row["_defect"] == kind.value]


def test_nik_defects_break_the_nik_as_labelled():
    known = set(DistrictCode.objects.values_list("code_nik", flat=True))
    _, damaged = _only(DefectKind.NIK_EXCEL_DAMAGED)
    assert len(damaged) == 100
    assert all(re.fullmatch(r"\d\.\d{5}E\+15", str(row["NIK"])) for row in damaged)
    _, wrong = _only(DefectKind.NIK_WRONG_LENGTH)
    assert all(len(str(row["NIK"])) in (15, 17) and str(row["NIK"]).isdigit() for row in wrong)
    _, unknown = _only(DefectKind.NIK_UNKNOWN_PREFIX)
    assert all(str(row["NIK"])[:6] not in known for row in unknown)
    _, mismatch = _only(DefectKind.NIK_BIRTH_DATE_MISMATCH)
    for row in mismatch:
        birth = parse_birth_date(row["TANGGAL_LAHIR"])
        assert not nik_matches(str(row["NIK"]), birth, row["JENIS_KELAMIN"])
    _, sex = _only(DefectKind.SEX_MISMATCH)
    for row in sex:
        assert (int(str(row["NIK"])[6:8]) > 40) == (row["JENIS_KELAMIN"] == "L")


def test_value_defects_break_the_value_as_labelled():
    villages = set(Village.objects.values_list("code", flat=True))
    _, future = _only(DefectKind.BIRTH_DATE_FUTURE)
    for row in future:
        birth = parse_birth_date(row["TANGGAL_LAHIR"])
        assert birth > date(2050, 1, 1)
        assert nik_matches(str(row["NIK"]), birth, row["JENIS_KELAMIN"])  # only the century
    _, invalid = _only(DefectKind.BIRTH_DATE_INVALID)
    for row in invalid:
        with pytest.raises((ValueError, KeyError)):
            parse_birth_date(row["TANGGAL_LAHIR"])
    _, unknown = _only(DefectKind.VILLAGE_UNKNOWN)
    assert all(str(row["KODE_DESA"]).startswith("53.") for row in unknown)
    assert not {row["KODE_DESA"] for row in unknown} & villages
    _, outside = _only(DefectKind.VILLAGE_OUTSIDE_PROVINCE)
    assert outside and all(not str(row["KODE_DESA"]).startswith("53") for row in outside)
    _, missing = _only(DefectKind.NAME_MISSING)
    assert all(str(row["NAMA"]).strip() in ("", "-") for row in missing)
    _, formula = _only(DefectKind.NAME_FORMULA)
    assert all(str(row["NAMA"])[0] in "=+-@" for row in formula)
    _, desil = _only(DefectKind.DESIL_INVALID)
    assert all(str(row["DESIL"]) not in {str(d) for d in range(1, 11)} for row in desil)


def test_duplicate_defects_repeat_or_conflict_as_labelled():
    rows, conflicts = _only(DefectKind.DUPLICATE_CONFLICT)
    assert len(conflicts) == 100
    by_nik = defaultdict(list)
    for row in conflicts:
        by_nik[row["NIK"]].append(row)
    assert all(len(pair) == 2 and pair[0]["NAMA"] != pair[1]["NAMA"] for pair in by_nik.values())
    assert not {row["NIK"] for row in rows if not row["_defect"]} & set(by_nik)

    rows, repeats = _only(DefectKind.DUPLICATE_REPEAT)
    clean = [row for row in rows if not row["_defect"]]
    for repeat in repeats:
        twin = {**repeat, "_defect": ""}
        assert sum(row == twin for row in clean) == 1

    rows, likely = _only(DefectKind.LIKELY_DUPLICATE)
    assert likely
    niks = Counter(row["NIK"] for row in rows)
    for row in likely:
        assert niks[row["NIK"]] == 1
        originals = [
            other
            for other in rows
            if not other["_defect"]
            and (other["NAMA"], other["TANGGAL_LAHIR"], other["NO_KK"])
            == (row["NAMA"], row["TANGGAL_LAHIR"], row["NO_KK"])
        ]
        assert len(originals) == 1
        birth = parse_birth_date(row["TANGGAL_LAHIR"])
        assert nik_matches(str(row["NIK"]), birth, row["JENIS_KELAMIN"])


def test_xlsx_keeps_niks_as_text_and_formulas_inert(tmp_path):
    from openpyxl import load_workbook

    TEXT = ("s", "inlineStr")  # never "f": a formula-looking name must stay a string

    path = tmp_path / "k.xlsx"
    rows = list(generate_candidates(count=600, seed=9, defect_rate=0.2))
    write_xlsx(path, rows)
    sheet = load_workbook(path, read_only=True).active
    cells = list(sheet.iter_rows(min_row=2))
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == list(COLUMNS)
    assert len(cells) == 600
    seen = Counter()
    for row, line in zip(rows, cells, strict=True):
        nik, kk, name, birth = line[0], line[1], line[2], line[5]
        assert kk.data_type in TEXT and kk.value == row["NO_KK"]
        assert name.data_type in TEXT
        if row["_defect"] == DefectKind.NIK_EXCEL_DAMAGED:
            assert nik.data_type == "n" and nik.value == float(row["NIK"])
            seen["damaged"] += 1
        else:
            assert nik.data_type in TEXT and nik.value == row["NIK"]
        if isinstance(row["TANGGAL_LAHIR"], date):
            assert birth.is_date and birth.value.date() == row["TANGGAL_LAHIR"]
            seen["date"] += 1
        if str(row["NAMA"]).startswith("="):
            assert name.value == row["NAMA"]
            seen["formula"] += 1
    assert seen["damaged"] and seen["date"] and seen["formula"]


def test_newer_edition_keeps_identities_and_changes_some_households():
    base = list(generate_candidates(count=3000, seed=10, defect_rate=0))
    newer = list(generate_candidates(count=3000, seed=10, defect_rate=0, edition="2025-06"))
    identity = ("NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "KODE_DESA")
    assert [[r[c] for c in identity] for r in base] == [[r[c] for c in identity] for r in newer]
    changed = sum(a != b for a, b in zip(base, newer, strict=True)) / len(base)
    assert 0.05 < changed < 0.2
    changed_desil = [(a, b) for a, b in zip(base, newer, strict=True) if a["DESIL"] != b["DESIL"]]
    assert changed_desil and all(abs(a["DESIL"] - b["DESIL"]) == 1 for a, b in changed_desil)


@pytest.mark.parametrize(
    "arguments",
    [
        {"count": -1},
        {"defect_rate": 1.5},
        {"edition": "2025-13"},
        {"defect_weights": {"not_a_kind": 1}},
        {"defect_weights": {DefectKind.NAME_MISSING: 0}},
        {"other_province_share": 0.6, "pre_split_share": 0.6},
        {"date_forms": {"roman": 1.0}},
    ],
)
def test_rejects_bad_arguments(arguments):
    with pytest.raises(InvalidInput):
        generate_candidates(**{"count": 10, "seed": 1, **arguments})


def test_command_writes_the_file_and_prints_the_summary(tmp_path):
    path = tmp_path / "kandidat.csv"
    out = StringIO()
    call_command(
        "generate_candidates", str(path), "--count", "200", "--seed", "3", "--defects", "0.1",
        "--defect-kind", "name_missing", "--no-progress", stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{path}: 200 rows, 20 defective, in ")
    assert lines[1:] == ["  name_missing: 20"]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 201


def test_command_refuses_unknown_format_and_bad_values(tmp_path):
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("generate_candidates", str(tmp_path / "k.txt"), "--count", "5")
    with pytest.raises(CommandError):
        call_command(
            "generate_candidates", str(tmp_path / "k.csv"), "--count", "5", "--defects", "2"
        )
    assert list(tmp_path.iterdir()) == []
