"""The people filters offer names and say what was wrong (issue 18: "Alor" or "5305" in the
regency filter gave 0 results, desil 11 showed everyone)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from lindungi.regions.models import District, Village
from lindungi.registry import search
from lindungi.registry.importing import import_candidates
from lindungi.registry.tests.helpers import candidate, importer, write_csv

pytestmark = pytest.mark.django_db

TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def people(tmp_path):
    rows = [candidate(1), candidate(2), candidate(3, village=TTU_VILLAGE)]
    path = write_csv(tmp_path / "calon.csv", rows)
    import_candidates(file=path, file_name="calon.csv", user=importer())


@pytest.mark.parametrize("typed", ["53.05", "5305", "Alor", "alor", "Kabupaten Alor", "Kab. Alor"])
def test_a_regency_is_found_by_its_code_its_digits_or_its_name(
    client, people, province_officer, typed
):
    assert search.parse_people_search({"regency": typed}).regency == "53.05"
    client.force_login(province_officer)
    response = client.get(reverse("registry:people"), {"regency": typed})
    assert not response.context["form"].errors
    assert {p.regency_id for p in response.context["page"]} == {"53.05"}
    assert len(response.context["page"]) == 2


@pytest.mark.parametrize(
    ("params", "parameter", "code"),
    [
        ({"regency": "Atlantis"}, "regency", "unknown_name"),
        ({"regency": "Kupang"}, "regency", "ambiguous_name"),
        ({"regency": "53.99"}, "regency", "unknown_code"),
        ({"regency": "53"}, "regency", "bad_code"),
        ({"district": "53.05.99"}, "district", "unknown_code"),
        ({"village": "5305019999"}, "village", "unknown_code"),
        ({"desil": "11"}, "desil", "out_of_range"),
    ],
)
def test_a_wrong_filter_is_refused_with_a_message_not_an_empty_or_full_list(
    client, people, province_officer, params, parameter, code
):
    with pytest.raises(search.InvalidSearch) as refused:
        search.parse_people_search(params)
    assert refused.value.errors[parameter][0] == code
    client.force_login(province_officer)
    response = client.get(reverse("registry:people"), params)
    assert parameter in response.context["form"].errors
    assert len(response.context["page"]) == 0
    # The message is on the page.
    assert escape(response.context["form"].errors[parameter][0]) in response.content.decode()


def test_undotted_district_and_village_codes_are_read(people):
    parsed = search.parse_people_search({"district": "530501", "village": "5305011001"})
    assert (parsed.district, parsed.village) == ("53.05.01", "53.05.01.1001")


def test_the_pickers_offer_names_and_follow_the_chosen_regency(client, people, province_officer):
    client.force_login(province_officer)
    form = client.get(reverse("registry:people")).context["form"]
    regencies = dict(form.fields["regency"].widget.choices)
    assert regencies["53.05"] == "Kabupaten Alor" and "53.03" in regencies
    assert list(dict(form.fields["district"].widget.choices)) == [""]
    form = client.get(reverse("registry:people"), {"regency": "53.05"}).context["form"]
    districts = dict(form.fields["district"].widget.choices)
    expected = District.objects.filter(regency_id="53.05")
    assert set(districts) - {""} == set(expected.values_list("code", flat=True))
    assert districts["53.05.01"] == expected.get(code="53.05.01").name
    form = client.get(
        reverse("registry:people"), {"regency": "53.05", "district": "53.05.01"}
    ).context["form"]
    villages = dict(form.fields["village"].widget.choices)
    assert villages["53.05.01.1001"] == Village.objects.get(code="53.05.01.1001").name
    html = client.get(reverse("registry:people")).content.decode()
    assert 'hx-target="#id_district"' in html and reverse("regions:options") in html


def test_a_regency_officer_is_offered_only_their_regency(client, people, regency_officer):
    client.force_login(regency_officer)
    form = client.get(reverse("registry:people")).context["form"]
    assert [code for code, _name in form.fields["regency"].widget.choices] == ["", "53.05"]
    # Their regency's districts are offered straight away.
    assert "53.05.01" in dict(form.fields["district"].widget.choices)


def test_the_options_endpoint_lists_children_and_refuses_a_bad_level(client, regency_officer):
    url = reverse("regions:options")
    assert client.get(url, {"level": "district", "regency": "53.05"}).status_code == 302
    client.force_login(regency_officer)
    response = client.get(url, {"level": "district", "regency": "53.05"})
    html = response.content.decode()
    assert response["HX-Trigger-After-Swap"] == "regions-districts-replaced"
    assert '<option value="53.05.01">' in html and "53.03." not in html
    villages = client.get(url, {"level": "village", "district": "53.05.01"}).content.decode()
    assert '<option value="53.05.01.1001">' in villages
    assert client.get(url, {"level": "district"}).content.decode().count("<option") == 1
    assert client.get(url, {"level": "province"}).status_code == 400
