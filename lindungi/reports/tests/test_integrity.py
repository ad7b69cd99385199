"""The auditors' integrity page: counts and exports of each check (issue 19)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import FundingSource, PayerType, RunStatus
from lindungi.programs.models import Programme, SelectionRun
from lindungi.programs.tests.helpers import cohort_with_payer
from lindungi.registry.choices import DuplicateRule
from lindungi.registry.models import DuplicateCandidate, Person
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def findings(province_officer):
    programme = Programme.objects.create(
        name="Uji integritas",
        province_id="53",
        year=2025,
        coverage_start=D(2025, 7, 18),
        coverage_end=D(2025, 12, 31),
        target_headcount=10,
        max_per_household=1,
    )
    cohort = cohort_with_payer(
        programme=programme,
        name="APBD",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemprov",
        funding_source=FundingSource.APBD,
        headcount=10,
    )
    dead, first, second = PersonFactory(), PersonFactory(), PersonFactory()
    sibling = PersonFactory(kk_number=first.kk_number)
    Person.objects.filter(pk=dead.pk).update(died_on=D(2025, 8, 1))
    for person in (dead, first, second, sibling):
        Enrollment.objects.create(
            person=person,
            programme=programme,
            cohort=cohort,
            regency_id=person.regency_id,
            state=EnrollmentState.SELECTED,
        )
    DuplicateCandidate.objects.create(
        first_person=first,
        second_person=second,
        first_nik=first.nik,
        second_nik=second.nik,
        rule=DuplicateRule.values[0],
        created_at=timezone.now(),
    )
    SelectionRun.objects.create(
        programme=programme,
        status=RunStatus.APPROVED,
        created_by=province_officer,
        approved_by=province_officer,
        approved_at=timezone.now(),
    )
    return dead


@pytest.mark.django_db
def test_the_auditor_sees_each_finding_counted(client, auditor, findings):
    client.force_login(auditor)
    page = client.get(reverse("reports:integrity"))
    assert page.status_code == 200
    counts = {check.key: check.count for check in page.context["checks"]}
    assert counts == {"deceased": 1, "duplicates": 1, "households": 1, "self_approved": 1}
    export = client.get(reverse("reports:integrity_export", args=["deceased"]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == findings.nik
    assert len(rows) == 2


@pytest.mark.django_db
def test_zero_when_nothing_is_wrong(client, auditor):
    client.force_login(auditor)
    counts = {c.key: c.count for c in client.get(reverse("reports:integrity")).context["checks"]}
    assert counts == {"deceased": 0, "duplicates": 0, "households": 0, "self_approved": 0}


@pytest.mark.django_db
def test_regency_officers_may_not_open_it(client, regency_officer):
    client.force_login(regency_officer)
    assert client.get(reverse("reports:integrity")).status_code == 403
    assert client.get(reverse("reports:integrity_export", args=["deceased"])).status_code == 403
