"""The one person page answers every question about a person, within the user's scope."""

import datetime

import pytest
from django.urls import reverse

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.payments import record_payment
from lindungi.contributions.tests.conftest import (  # noqa: F401 (fixtures)
    cohort,
    enroll,
    programme,
)
from lindungi.core.dates import Month
from lindungi.registry.tests.factories import PersonFactory


@pytest.fixture
def worker(cohort):  # noqa: F811 (the imported fixture)
    enrollment = enroll(cohort)
    person = enrollment.person
    PersonFactory(kk_number=person.kk_number, full_name="ISTRI PEKERJA")
    officer = acting_officer()
    (july,) = bill_month(user=officer, programme=cohort.programme, month=Month(2025, 7)).created
    bill_month(user=officer, programme=cohort.programme, month=Month(2025, 8))
    record_payment(
        user=officer,
        invoice=july,
        paid_on=datetime.date(2025, 8, 5),
        amount=july.total,
        bank_reference="BNI-7",
    )
    return person


def _sections(response) -> dict:
    (panel,) = response.context["panels"]
    return panel.context


def test_person_page_has_household_coverage_and_months_paid_by_whom(
    client, worker, province_officer
):
    client.force_login(province_officer)
    response = client.get(reverse("registry:person", args=[worker.pk]))
    assert response.status_code == 200
    sections = _sections(response)
    assert [member.full_name for member in sections["household"]] == ["ISTRI PEKERJA"]
    (enrollment,) = sections["enrollments"]
    assert enrollment.kpj
    months = [(str(Month.of(row.month)), row.paid_in_full) for row in sections["months"]]
    assert months == [("2025-07", True), ("2025-08", False)]
    assert sections["months_paid"] == 1
    html = response.content.decode()
    assert "Rumah tangga (kartu keluarga yang sama)" in html
    assert "ISTRI PEKERJA" in html
    assert "Pemerintah Provinsi NTT" in html  # the payer of the months


def test_regency_officer_of_another_regency_cannot_open_the_person(client, worker, outsider):
    client.force_login(outsider)
    assert client.get(reverse("registry:person", args=[worker.pk])).status_code == 404


def test_insurer_liaison_sees_coverage_but_not_money(client, worker, insurer_liaison):
    client.force_login(insurer_liaison)
    response = client.get(reverse("registry:person", args=[worker.pk]))
    assert response.status_code == 200
    sections = _sections(response)
    assert sections["months"] == []
    assert len(sections["enrollments"]) == 1
