"""The import pipeline end to end: every reason code, deduplication, history, atomicity."""

import datetime
import json

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput
from lindungi.regions.models import DistrictCode
from lindungi.registry import importing
from lindungi.registry.choices import DuplicateRule, PovertyLabel
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import (
    CandidateImport,
    DuplicateCandidate,
    Person,
    PersonVersion,
    RejectedRow,
)
from lindungi.registry.tests.helpers import ALOR_VILLAGE, candidate, importer, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(tmp_path, rows, *, name="calon.csv", user=None, **options):
    path = write_csv(tmp_path / name, rows)
    return import_candidates(file=path, file_name=name, user=user or importer(), **options)


def reasons_by_row(result):
    return dict(
        RejectedRow.objects.filter(candidate_import=result).values_list("row_number", "reason")
    )


def counts(result):
    return (
        result.rows_read,
        result.rows_accepted,
        result.rows_updated,
        result.rows_unchanged,
        result.rows_rejected,
    )


def test_accepts_valid_rows_with_provenance_and_poverty_label(tmp_path, province_officer):
    result = run(tmp_path, [candidate(1, DESIL=1), candidate(2, sex="P", DESIL="")],
                 user=province_officer, source="DTSEN", edition="2025-06")  # fmt: skip
    assert counts(result) == (2, 2, 0, 0, 0)
    assert result.status == "completed"
    first, second = Person.objects.order_by("source_row")
    assert (first.nik, first.kk_number, first.full_name, first.name_normalised) == (
        "5305011503850001",
        "5305010101000001",
        "Warga Uji A",
        "WARGA UJI A",
    )
    assert (first.village_id, first.regency_id, first.birth_date) == (
        ALOR_VILLAGE,
        "53.05",
        datetime.date(1985, 3, 15),
    )
    assert (first.desil, first.poverty_label) == (1, PovertyLabel.EXTREME_POOR)
    assert (first.source_import_id, first.source_row, first.source_edition) == (
        result.pk,
        2,
        "2025-06",
    )
    assert (second.nik[6:8], second.sex, second.desil, second.poverty_label) == (
        "55",
        "P",
        None,
        PovertyLabel.UNKNOWN,
    )


def test_every_imported_key_points_at_a_row_that_exists(tmp_path):
    """The person's village, regency and import have no database foreign key (ADR 0002): the
    import itself must only write keys that exist, including for dotted and undotted codes."""
    undotted = ALOR_VILLAGE.replace(".", "")
    result = run(tmp_path, [candidate(1), candidate(2, KODE_DESA=undotted),
                            candidate(3, KODE_DESA="53.05.01.9999")])  # fmt: skip
    assert reasons_by_row(result) == {4: "village_unknown"}
    people = Person.objects.all()
    assert people.count() == 2
    assert (
        people.filter(
            village__code__isnull=False, regency__code__isnull=False, source_import__isnull=False
        ).count()
        == 2
    )
    assert {(person.village.regency_id, person.regency_id) for person in people} == {
        ("53.05", "53.05")
    }


def test_poverty_label_mapping_is_a_setting(tmp_path, settings):
    settings.LINDUNGI_DESIL_POVERTY_LABELS = {1: "extreme_poor", 2: "extreme_poor"}
    run(tmp_path, [candidate(1, DESIL=2), candidate(2, DESIL=3)])
    assert list(Person.objects.order_by("nik").values_list("desil", "poverty_label")) == [
        (2, "extreme_poor"),
        (3, "not_poor"),
    ]


def _bad_rows():
    """One row per validation reason code, in this order (rows 2..)."""
    future = datetime.date.today() + datetime.timedelta(days=400)
    return [
        ("missing_required", candidate(1, NAMA="")),
        ("nik_invalid", candidate(2, NIK="53050115038500")),
        ("nik_excel_damaged", candidate(3, NIK="5.30501E+15")),
        ("nik_unknown_region", candidate(4, prefix="999901")),
        ("nik_birth_mismatch", candidate(5, TANGGAL_LAHIR="16/03/1985")),
        ("kk_invalid", candidate(6, NO_KK="12345")),
        ("kk_excel_damaged", candidate(7, NO_KK="5,30501E+15")),
        ("name_invalid", candidate(8, NAMA='=HYPERLINK("http://x")')),
        ("sex_invalid", candidate(9, JENIS_KELAMIN="X")),
        ("birth_date_invalid", candidate(10, TANGGAL_LAHIR="31/02/1985")),
        ("birth_date_future", candidate(11, birth_date=future)),
        ("village_unknown", candidate(12, KODE_DESA="53.05.01.9999")),
        ("desil_invalid", candidate(13, DESIL="11")),
        ("phone_invalid", candidate(14, NO_HP="0812-ABC")),
        ("value_too_long", candidate(15, ALAMAT="x" * 301)),
    ]


def test_every_validation_reason_code(tmp_path):
    cases = _bad_rows()
    result = run(tmp_path, [row for _reason, row in cases] + [candidate(99)])
    expected = {number: reason for number, (reason, _row) in enumerate(cases, start=2)}
    assert reasons_by_row(result) == expected
    assert counts(result) == (16, 1, 0, 0, 15)
    assert result.reason_counts == {reason: 1 for reason, _row in cases}
    assert list(Person.objects.values_list("nik", flat=True)) == [candidate(99)["NIK"]]
    damaged = RejectedRow.objects.get(candidate_import=result, reason="nik_excel_damaged")
    assert damaged.original["NIK"] == "5.30501E+15"  # kept exactly as read
    assert damaged.original["NAMA"] == "Warga Uji C"
    assert "Excel" in damaged.message


def test_sex_spelled_out_is_accepted(tmp_path):
    rows = [
        candidate(1, JENIS_KELAMIN="Laki-laki"),
        candidate(2, sex="P", JENIS_KELAMIN="Perempuan"),
        candidate(3, JENIS_KELAMIN="M"),
        candidate(4, sex="P", JENIS_KELAMIN="f"),
    ]
    result = run(tmp_path, rows)
    assert counts(result) == (4, 4, 0, 0, 0)
    assert list(Person.objects.order_by("source_row").values_list("sex", flat=True)) == [
        "L", "P", "L", "P"
    ]  # fmt: skip


def test_village_outside_served_region_is_rejected(tmp_path, settings):
    settings.LINDUNGI_SERVED_REGION = "53.05"  # this installation serves Alor only
    other = "53.03.01.2005"
    result = run(tmp_path, [candidate(1), candidate(2, village=other)])
    assert reasons_by_row(result) == {3: "village_outside_region"}
    assert counts(result) == (2, 1, 0, 0, 1)


@pytest.mark.parametrize("code", ["32.73.01.1001", "3273011001"])
def test_well_formed_village_code_of_another_province_is_outside_the_region(tmp_path, code):
    result = run(tmp_path, [candidate(1, KODE_DESA=code)])
    assert reasons_by_row(result) == {2: "village_outside_region"}
    assert Person.objects.count() == 0


def test_undotted_village_code_is_accepted(tmp_path):
    result = run(tmp_path, [candidate(1, KODE_DESA=ALOR_VILLAGE.replace(".", ""))])
    assert counts(result) == (1, 1, 0, 0, 0)
    assert Person.objects.get().village_id == ALOR_VILLAGE


def test_nik_issued_in_another_province_is_accepted(tmp_path):
    # A Bandung NIK (32.73.01) held by a resident of Alor: residence is the village.
    result = run(tmp_path, [candidate(1, prefix="327301")])
    assert counts(result) == (1, 1, 0, 0, 0)
    person = Person.objects.get()
    assert (person.nik[:6], person.regency_id) == ("327301", "53.05")


def test_nik_with_pre_split_district_code_is_accepted(tmp_path):
    old = DistrictCode.objects.filter(in_current=False).order_by("code_nik").first()
    assert old is not None
    result = run(tmp_path, [candidate(1, prefix=old.code_nik)])
    assert counts(result) == (1, 1, 0, 0, 0)
    assert Person.objects.get().nik.startswith(old.code_nik)


def test_date_forms_and_delimiters_in_one_import(tmp_path):
    rows = [
        candidate(1, TANGGAL_LAHIR="15/03/1985"),
        candidate(2, TANGGAL_LAHIR="15-03-1985"),
        candidate(3, TANGGAL_LAHIR="15 Maret 1985"),
        candidate(4, TANGGAL_LAHIR="15 Mar 1985"),
        candidate(5, TANGGAL_LAHIR="1985-03-15"),
    ]
    path = write_csv(tmp_path / "semicolon.csv", rows, delimiter=";", encoding="utf-8-sig")
    result = import_candidates(file=path, file_name="semicolon.csv", user=importer())
    assert counts(result) == (5, 5, 0, 0, 0)
    assert set(Person.objects.values_list("birth_date", flat=True)) == {datetime.date(1985, 3, 15)}


def test_windows_1252_file_with_tabs(tmp_path):
    path = write_csv(
        tmp_path / "win.csv", [candidate(1, NAMA="José Da Costa")], delimiter="\t",
        encoding="cp1252",
    )  # fmt: skip
    result = import_candidates(file=path, file_name="win.csv", user=importer())
    assert counts(result) == (1, 1, 0, 0, 0)
    person = Person.objects.get()
    assert (person.full_name, person.name_normalised) == ("José Da Costa", "JOSE DA COSTA")


def test_xlsx_numeric_nik_and_kk_are_rejected_as_damaged(tmp_path):
    good = candidate(1)
    numeric_nik = candidate(2)
    numeric_nik["NIK"] = int(numeric_nik["NIK"])  # a number cell, as Excel stores it
    numeric_kk = candidate(3)
    numeric_kk["NO_KK"] = float(numeric_kk["NO_KK"])
    scientific = candidate(4, NIK="5.30501E+15")
    excel_date = candidate(5, TANGGAL_LAHIR=datetime.date(1985, 3, 15))
    path = write_xlsx(
        tmp_path / "calon.xlsx",
        [good, numeric_nik, numeric_kk, scientific, excel_date],
        sheet="Data",
        extra_sheets=("Petunjuk",),
    )
    result = import_candidates(file=path, file_name="calon.xlsx", user=importer(), sheet="Data")
    assert reasons_by_row(result) == {
        3: "nik_excel_damaged",
        4: "kk_excel_damaged",
        5: "nik_excel_damaged",
    }
    assert counts(result) == (5, 2, 0, 0, 3)
    assert result.sheet_name == "Data"
    damaged = RejectedRow.objects.get(candidate_import=result, row_number=3)
    assert damaged.original["NIK"] == numeric_nik["NIK"].__str__()


def test_identical_repeats_count_once(tmp_path):
    result = run(tmp_path, [candidate(1), candidate(2), candidate(1), candidate(1)])
    assert counts(result) == (4, 2, 0, 2, 0)
    assert Person.objects.get(nik=candidate(1)["NIK"]).source_row == 5


def test_same_nik_with_other_details_keeps_the_last_row(tmp_path):
    result = run(tmp_path, [candidate(1, DESIL=1), candidate(1, DESIL=3)])
    assert counts(result) == (2, 1, 0, 0, 1)
    rejected = RejectedRow.objects.get(candidate_import=result)
    assert (rejected.row_number, rejected.reason, rejected.related_rows) == (
        2,
        "duplicate_in_file",
        [3],
    )
    assert Person.objects.get().desil == 3


def test_conflicting_identity_in_file_rejects_all_rows_of_that_nik(tmp_path):
    rows = [candidate(1), candidate(2), candidate(1, NAMA="Orang Lain"), candidate(1)]
    result = run(tmp_path, rows)
    assert reasons_by_row(result) == {
        2: "duplicate_conflict",
        4: "duplicate_conflict",
        5: "duplicate_conflict",
    }
    assert counts(result) == (4, 1, 0, 0, 3)
    assert RejectedRow.objects.get(candidate_import=result, row_number=4).related_rows == [2, 5]
    assert list(Person.objects.values_list("nik", flat=True)) == [candidate(2)["NIK"]]


def test_newer_edition_updates_changeable_fields_and_keeps_history(tmp_path):
    first = run(tmp_path, [candidate(1, DESIL=2, ALAMAT="Lama")], name="a.csv", edition="2025-01")
    person = Person.objects.get()
    changed = candidate(1, DESIL=1, ALAMAT="Baru", PEKERJAAN="Nelayan", NO_HP="081300000000")
    second = run(tmp_path, [changed], name="b.csv", edition="2025-06")
    assert counts(second) == (1, 0, 1, 0, 0)
    person.refresh_from_db()
    assert (person.desil, person.poverty_label, person.address, person.occupation) == (
        1,
        "extreme_poor",
        "Baru",
        "Nelayan",
    )
    assert (person.phone, person.source_import_id, person.source_edition) == (
        "081300000000",
        second.pk,
        "2025-06",
    )
    version = PersonVersion.objects.get()
    assert (version.person_id, version.desil, version.address, version.occupation) == (
        person.pk,
        2,
        "Lama",
        "Petani",
    )
    assert (version.source_import_id, version.source_edition, version.replaced_by_import_id) == (
        first.pk,
        "2025-01",
        second.pk,
    )


@pytest.mark.parametrize("edition", ["2025-01", "2024-12", ""])
def test_same_or_older_edition_counts_as_unchanged(tmp_path, edition):
    run(tmp_path, [candidate(1, DESIL=2)], name="a.csv", edition="2025-01")
    second = run(tmp_path, [candidate(1, DESIL=1)], name="b.csv", edition=edition)
    assert counts(second) == (1, 0, 0, 1, 0)
    assert Person.objects.get().desil == 2
    assert PersonVersion.objects.count() == 0


def test_registry_conflict_is_rejected_and_registry_untouched(tmp_path):
    run(tmp_path, [candidate(1)], name="a.csv")
    before = list(Person.objects.values())
    second = run(tmp_path, [candidate(1, NAMA="Nama Berbeda", DESIL=4)], name="b.csv",
                 edition="2030-01")  # fmt: skip
    assert counts(second) == (1, 0, 0, 0, 1)
    rejected = RejectedRow.objects.get(candidate_import=second)
    assert (rejected.reason, rejected.related_nik) == ("registry_conflict", candidate(1)["NIK"])
    assert list(Person.objects.values()) == before


def test_identical_repeats_follow_their_row_against_the_registry(tmp_path):
    run(tmp_path, [candidate(1), candidate(2, DESIL=2)], name="a.csv", edition="2025-01")
    before = list(Person.objects.values())
    other = candidate(1, NAMA="Nama Berbeda")
    newer = candidate(2, DESIL=1)
    # Row 2-3: a registry conflict and its identical repeat; rows 4-5: an update twice.
    second = run(tmp_path, [other, other, newer, newer], name="b.csv", edition="2025-06")
    assert reasons_by_row(second) == {2: "registry_conflict", 3: "registry_conflict"}
    assert counts(second) == (4, 0, 1, 1, 2)
    assert Person.objects.get(nik=candidate(1)["NIK"]).full_name == before[0]["full_name"]
    assert Person.objects.get(nik=candidate(2)["NIK"]).desil == 1
    assert PersonVersion.objects.count() == 1


def test_same_file_again_changes_nothing(tmp_path):
    rows = [candidate(i) for i in range(1, 6)] + [candidate(1)] + [candidate(6, NIK="x")]
    path = write_csv(tmp_path / "calon.csv", rows)
    import_candidates(file=path, file_name="calon.csv", user=importer(), edition="2025-01")
    people = list(Person.objects.values())
    again = import_candidates(file=path, file_name="calon.csv", user=importer(), edition="2025-01")
    assert counts(again) == (7, 0, 0, 6, 1)
    assert list(Person.objects.values()) == people
    assert PersonVersion.objects.count() == 0


# 0: every touched person is looked up; 10**9: the registry is grouped in one pass.
BOTH_SEARCHES = pytest.mark.parametrize("share", [0, 10**9], ids=["lookup", "groupwise"])


@BOTH_SEARCHES
def test_flags_both_kinds_of_likely_duplicates(tmp_path, monkeypatch, share):
    monkeypatch.setattr(importing, "GROUPWISE_SHARE", share)
    rows = [
        # Same name, birth date and village under two NIKs (different serials).
        candidate(1, name="Maria Bere", sex="P"),
        candidate(2, name="MARIA  BERE", sex="P", NO_KK="5305010101999999"),
        # Same family card and same name, different birth dates.
        candidate(3, name="Yohanes Tefa", NO_KK="5305010101777777"),
        candidate(4, name="Yohanes Tefa", NO_KK="5305010101777777",
                  birth_date=datetime.date(1990, 1, 2)),
    ]  # fmt: skip
    result = run(tmp_path, rows)
    assert result.duplicates_flagged == 2
    pairs = {
        (frozenset((first, second)), rule, status)
        for first, second, rule, status in DuplicateCandidate.objects.values_list(
            "first_nik", "second_nik", "rule", "status"
        )
    }
    assert pairs == {
        (
            frozenset((rows[0]["NIK"], rows[1]["NIK"])),
            DuplicateRule.SAME_NAME_BIRTH_VILLAGE,
            "open",
        ),
        (frozenset((rows[2]["NIK"], rows[3]["NIK"])), DuplicateRule.SAME_KK_NAME, "open"),
    }
    assert Person.objects.count() == 4  # flagged, never merged
    again = run(tmp_path, rows, name="again.csv")
    assert again.duplicates_flagged == 0
    assert DuplicateCandidate.objects.count() == 2


@BOTH_SEARCHES
def test_flags_pairs_with_earlier_people_but_not_between_them(tmp_path, monkeypatch, share):
    monkeypatch.setattr(importing, "GROUPWISE_SHARE", share)
    earlier = [
        candidate(1, name="Maria Bere", sex="P"),
        candidate(2, name="Maria Bere", sex="P", NO_KK="5305010101999999"),
    ]
    run(tmp_path, earlier, name="earlier.csv")
    DuplicateCandidate.objects.all().delete()  # as if the earlier pair had never been queued
    later = [candidate(3, name="Maria Bere", sex="P", NO_KK="5305010101888888")]
    result = run(tmp_path, later, name="later.csv")
    pairs = {
        frozenset(pair)
        for pair in DuplicateCandidate.objects.values_list("first_nik", "second_nik")
    }
    # The new person pairs with both earlier ones; the two earlier people are not re-flagged.
    assert pairs == {
        frozenset((later[0]["NIK"], earlier[0]["NIK"])),
        frozenset((later[0]["NIK"], earlier[1]["NIK"])),
    }
    assert result.duplicates_flagged == 2


def test_regency_officer_import_rejects_residents_elsewhere(tmp_path, regency_officer):
    result = run(tmp_path, [candidate(1), candidate(2, village="53.03.01.2005")],
                 user=regency_officer, regency="53.05")  # fmt: skip
    assert reasons_by_row(result) == {3: "outside_user_regency"}
    assert list(Person.objects.values_list("regency_id", flat=True)) == ["53.05"]


def test_import_is_recorded_in_the_audit_trail(tmp_path, province_officer):
    result = run(tmp_path, [candidate(1), candidate(2, NIK="1")], user=province_officer,
                 source="P3KE")  # fmt: skip
    event = AuditEvent.objects.get(action="registry.import_candidates")
    summary = event.changes["summary"]
    assert (event.actor_id, event.object_id) == (province_officer.pk, str(result.pk))
    assert summary["file_sha256"] == result.file_sha256
    assert len(summary["file_sha256"]) == 64
    assert (summary["source"], summary["read"], summary["accepted"], summary["rejected"]) == (
        "P3KE",
        2,
        1,
        1,
    )
    assert summary["reasons"] == {"nik_invalid": 1}
    assert summary["duration_ms"] == result.duration_ms


def test_failure_half_way_leaves_everything_as_before(tmp_path, monkeypatch):
    run(tmp_path, [candidate(1, DESIL=2)], name="a.csv", edition="2025-01")
    people = list(Person.objects.values())
    imports = CandidateImport.objects.count()
    events = AuditEvent.objects.count()

    def explode(candidate_import, **_facts):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_flag_duplicates", explode)
    rows = [candidate(1, DESIL=1), candidate(2), candidate(3, NIK="bad")]
    with pytest.raises(RuntimeError, match="disk full"):
        run(tmp_path, rows, name="b.csv", edition="2025-06")
    assert list(Person.objects.values()) == people
    assert CandidateImport.objects.count() == imports
    assert AuditEvent.objects.count() == events
    assert RejectedRow.objects.count() == 0
    assert PersonVersion.objects.count() == 0


def test_unreadable_file_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("nama,alamat\nAna,Kupang\n")
    with pytest.raises(InvalidInput):
        import_candidates(file=path, file_name="bad.csv", user=importer())
    assert CandidateImport.objects.count() == 0


def test_unknown_regency_is_refused(tmp_path):
    with pytest.raises(InvalidInput):
        run(tmp_path, [candidate(1)], regency="99.99")
    assert CandidateImport.objects.count() == 0


def test_bad_edition_is_refused(tmp_path):
    with pytest.raises(InvalidInput):
        run(tmp_path, [candidate(1)], edition="2025-13")
    assert Person.objects.count() == 0


def test_counts_always_add_up(tmp_path):
    rows = [row for _reason, row in _bad_rows()] + [candidate(i) for i in range(20, 30)]
    rows += [candidate(20), candidate(21, DESIL=5), candidate(22, NAMA="Lain Orang")]
    result = run(tmp_path, rows)
    read, accepted, updated, unchanged, rejected = counts(result)
    assert read == len(rows) == accepted + updated + unchanged + rejected
    assert (accepted, unchanged, rejected) == (9, 1, 18)
    assert RejectedRow.objects.filter(candidate_import=result).count() == rejected
    assert json.loads(json.dumps(result.reason_counts))["duplicate_conflict"] == 2


def test_file_without_optional_columns_and_with_ragged_rows(tmp_path):
    headers = ["Nama Lengkap", "NIK", "No KK", "L/P", "Tgl Lahir", "Kode Wilayah Desa"]
    path = tmp_path / "ringkas.csv"
    first, second = candidate(1), candidate(2)
    lines = [",".join(headers)]
    keys = ("NAMA", "NIK", "NO_KK", "JENIS_KELAMIN", "TANGGAL_LAHIR", "KODE_DESA")
    for row in (first, second):
        lines.append(",".join(str(row[key]) for key in keys))
    lines[-1] = lines[-1].rsplit(",", 1)[0]  # the last row lost its village cell
    path.write_text("\n".join(lines) + "\n\n")
    result = import_candidates(file=path, file_name="ringkas.csv", user=importer())
    assert counts(result) == (2, 1, 0, 0, 1)
    assert reasons_by_row(result) == {3: "missing_required"}
    person = Person.objects.get()
    assert (person.full_name, person.desil, person.phone, person.address) == (
        "Warga Uji A",
        None,
        "",
        "",
    )


def test_query_count_does_not_grow_with_rows(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(first_serial: int, count: int) -> int:
        rows = [candidate(i) for i in range(first_serial, first_serial + count)]
        rows.append(candidate(first_serial + count, NIK="rusak"))
        with CaptureQueriesContext(connection) as captured:
            run(tmp_path, rows, name=f"calon{first_serial}.csv")
        return len(captured)

    # A registry that is not empty: PostgreSQL rebuilds indexes (a fixed number of
    # statements) only for an import into an empty registry, which would skew the first count.
    run(tmp_path, [candidate(1000)], name="seed.csv")
    assert queries_for(1, 5) == queries_for(100, 300)
    assert Person.objects.count() == 306
