"""A small, fully known world for the reports tests.

Alor (53.05): 12 people (7 women), one aged 70, one deceased, one desil 9 (ineligible).
Timor Tengah Utara (53.03): 3 people. Programme with manual quotas Alor 5, TTU 2.
"""

import datetime

import pytest

from lindungi.registry.tests.factories import PersonFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def people(db):
    alor = []
    for index in range(12):
        alor.append(
            PersonFactory(
                sex="P" if index < 7 else "L",
                birth_date=datetime.date(1990, 1, 1 + index),
                occupation="Nelayan" if index < 4 else "Petani",
                desil=9 if index == 11 else 1 + index % 4,
            )
        )
    alor[10].birth_date = datetime.date(1950, 6, 1)
    alor[10].save(update_fields=["birth_date"])
    alor[9].died_on = datetime.date(2025, 1, 2)
    alor[9].save(update_fields=["died_on"])
    ttu = [
        PersonFactory(village_code=TTU_VILLAGE, full_name=f"ORANG TTU {index}", desil=2)
        for index in range(3)
    ]
    return {"alor": alor, "ttu": ttu}


@pytest.fixture
def programme(province_admin, people):
    from lindungi.programs.selection import run_selection
    from lindungi.programs.services import add_cohort, create_programme, set_quotas

    programme = create_programme(
        user=province_admin,
        name="Uji 2025",
        year=2025,
        coverage_start=datetime.date(2025, 7, 18),
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=7,
        province_code="53",
        quota_method="manual",
    )
    cohort = add_cohort(
        user=province_admin,
        programme=programme,
        name="APBD",
        payer_type="province",
        payer_name="Provinsi NTT",
        funding_source="APBD",
        headcount=7,
    )
    set_quotas(user=province_admin, cohort=cohort, headcounts={"53.05": 5, "53.03": 2})
    run_selection(user=province_admin, programme=programme)
    return programme
