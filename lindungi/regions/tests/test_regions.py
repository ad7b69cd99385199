"""The reference regions: loading, idempotency and look-ups by code and NIK prefix."""

import pytest
from django.core.management import call_command

from lindungi.regions import selectors
from lindungi.regions.models import District, DistrictCode, Regency, RegencyStatistic, Village
from lindungi.regions.services import load_regions

pytestmark = pytest.mark.django_db


def test_ntt_is_loaded_with_its_boundaries_and_statistics():
    ntt = Regency.objects.filter(province_id="53")
    assert ntt.count() == 22
    assert District.objects.filter(code__startswith="53.").count() == 315
    assert Village.objects.filter(code__startswith="53.").count() == 3442
    assert ntt.filter(boundary__isnull=True).count() == 0
    alor = Regency.objects.get(code="53.05")
    assert alor.name == "Kabupaten Alor"
    assert alor.boundary["type"] == "MultiPolygon"
    assert RegencyStatistic.objects.get(regency=alor, indicator="poor_population").value == 41890


def test_loading_again_changes_nothing():
    before = (
        Village.objects.count(),
        DistrictCode.objects.count(),
        RegencyStatistic.objects.count(),
    )
    Village.objects.filter(code="53.05.01.1001").update(name="Renamed by hand")
    counts = load_regions(province_codes=["53"])
    after = (
        Village.objects.count(),
        DistrictCode.objects.count(),
        RegencyStatistic.objects.count(),
    )
    assert after == before
    assert counts["villages"] == 3442
    # A refresh restores the published name.
    assert Village.objects.get(code="53.05.01.1001").name == "Kalabahi Barat"


def test_load_regions_command_reports_what_it_loaded(capsys):
    call_command("load_regions", "--province", "53", "--no-progress")
    assert "villages 3,442" in capsys.readouterr().out


@pytest.mark.parametrize("given", ["53.05.01.1001", "5305011001", " 5305011001 "])
def test_village_found_by_dotted_or_undotted_code(given):
    village = selectors.get_village(given)
    assert village.code == "53.05.01.1001"
    assert village.regency_id == "53.05"
    assert village.district.code_nik == "530501"


@pytest.mark.parametrize("given", ["", "53.05.01", "530501100", "53-05-01-1001", "abcdefghij"])
def test_malformed_village_codes_are_refused(given):
    assert selectors.normalise_village_code(given) is None
    with pytest.raises(Village.DoesNotExist):
        selectors.get_village(given)


def test_village_regencies_covers_the_served_region_only():
    index = selectors.village_regencies(region="53")
    assert len(index) == 3442
    assert index["53.05.01.1001"] == "53.05"
    assert selectors.village_regencies(region="53.05") == {
        code: regency for code, regency in index.items() if regency == "53.05"
    }


def test_nik_prefix_current_district():
    answer = selectors.lookup_nik_prefix("5305011503850001")
    assert answer.district_known and answer.in_current
    assert answer.current_district_code_nik == "530501"
    assert answer.regency_name == "Kabupaten Alor"


def test_nik_prefix_known_only_in_an_old_edition_maps_to_its_successor():
    retired = DistrictCode.objects.filter(in_current=False).order_by("code_nik").first()
    answer = selectors.lookup_nik_prefix(retired.code_nik + "0101900001")
    assert answer.district_known and not answer.in_current
    assert answer.current_district_code_nik == retired.successor_code_nik
    assert answer.current_district_code_nik != retired.code_nik
    assert retired.code_nik in selectors.known_district_prefixes()


def test_nik_prefix_from_another_province_is_known():
    # Kota Surabaya's districts are in the national history even though only NTT villages load.
    answer = selectors.lookup_nik_prefix("357801")
    assert answer is not None and answer.district_known
    assert answer.regency_code_nik == "3578"


def test_unknown_nik_prefix():
    assert selectors.lookup_nik_prefix("999999") is None
    assert selectors.lookup_nik_prefix("53x501") is None
    # A district never seen in a known regency: the regency is still reported.
    answer = selectors.lookup_nik_prefix("530599")
    assert answer is not None and not answer.district_known
    assert answer.regency_name == "Kabupaten Alor"


def test_poor_population_lacks_two_regencies():
    figures = selectors.poor_population(region="53")
    assert len(figures) == 20
    assert figures["53.02"] == 117410
    assert set(Regency.objects.filter(province_id="53").values_list("code", flat=True)) - set(
        figures
    ) == {"53.16", "53.17"}
