"""Computed indicators from Lindungi's own data, with the figures behind them."""

import datetime
from decimal import Decimal
from itertools import count

import pytest

from lindungi.awards import services
from lindungi.awards.choices import ComputedIndicator, IndicatorKind
from lindungi.awards.indicators import YearFigures
from lindungi.awards.models import ComputedValue
from lindungi.contributions.models import Invoice, Payer, Payment
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import FundingSource, PayerType
from lindungi.programs.models import Programme
from lindungi.programs.tests.helpers import cohort_with_payer
from lindungi.regions.selectors import poor_population
from lindungi.registry.tests.factories import PersonFactory

from .conftest import regency_category

pytestmark = pytest.mark.django_db

ALOR_VILLAGE = "53.05.01.1001"
_numbers = count(1)


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Perlindungan Pekerja Rentan NTT 2025",
        province_id="53",
        year=2025,
        coverage_start=datetime.date(2025, 7, 1),
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=100,
    )


def cohort(programme, name, **payer):
    fields = {
        "payer_type": PayerType.PROVINCE,
        "payer_name": "Pemerintah Provinsi NTT",
        "funding_source": FundingSource.APBD,
    }
    fields.update(payer)
    return cohort_with_payer(
        programme=programme, name=name, position=next(_numbers), headcount=100, **fields
    )


def enroll(cohort, *, start, end=None):
    person = PersonFactory(village_code=ALOR_VILLAGE)
    ended = end is not None
    # Ended before it started: no coverage period at all (the database refuses an end before
    # the start, issue 19.4); the exit date stays.
    never_covered = ended and end < start
    return Enrollment.objects.create(
        person=person,
        programme=cohort.programme,
        cohort=cohort,
        regency_id=person.regency_id,
        state=EnrollmentState.ENDED if ended else EnrollmentState.ACTIVE,
        start_date=None if never_covered else start,
        end_date=None if never_covered else end,
        end_reason=ExitReason.DEATH if ended else "",
        ended_on=end,
        kpj=f"9{next(_numbers):010d}",
    )


def invoice(payer, programme, month, *, paid_on=None, amount=None):
    issued = Invoice.objects.create(
        number=f"INV-{next(_numbers)}",
        payer=payer,
        programme=programme,
        month=month,
        due_date=month.replace(day=15),
        headcount=1,
        jkk=10_080,
        jkm=6_720,
        total=16_800,
    )
    if paid_on:
        Payment.objects.create(
            invoice=issued,
            paid_on=paid_on,
            amount=amount or issued.total,
            bank_reference=f"B-{issued.number}",
        )
    return issued


@pytest.fixture
def alor_story(programme):
    province = cohort(programme, "APBD Provinsi")
    alor = cohort(
        programme,
        "APBD Alor",
        payer_type=PayerType.REGENCY,
        payer_name="Pemerintah Kabupaten Alor",
        payer_regency_id="53.05",
    )
    shared = cohort(
        programme,
        "Bersama",
        second_payer_type=PayerType.REGENCY,
        second_payer_name="Pemerintah Kabupaten Alor",
        second_payer_regency_id="53.05",
        second_funding_source=FundingSource.APBD,
        second_payer_share_bp=5000,
    )
    july, october = datetime.date(2025, 7, 1), datetime.date(2025, 10, 1)
    enroll(province, start=july)
    enroll(province, start=july, end=datetime.date(2025, 8, 20))
    enroll(alor, start=october)
    enroll(shared, start=july)
    # Covered only in 2024.
    enroll(province, start=datetime.date(2024, 3, 1), end=datetime.date(2024, 12, 31))
    payer, _created = Payer.objects.get_or_create(
        payer_type=PayerType.REGENCY, name="Pemerintah Kabupaten Alor", regency_id="53.05"
    )
    invoice(payer, programme, october, paid_on=datetime.date(2025, 10, 15))
    invoice(payer, programme, datetime.date(2025, 11, 1), paid_on=datetime.date(2025, 11, 20))
    invoice(
        payer,
        programme,
        datetime.date(2025, 12, 1),
        paid_on=datetime.date(2025, 12, 10),
        amount=10_000,
    )
    invoice(payer, programme, datetime.date(2024, 12, 1), paid_on=datetime.date(2024, 12, 1))
    return programme


def test_coverage_against_the_poor_population_shows_its_figures(alor_story):
    figure = YearFigures(2025).coverage_of_poor("53.05")
    poor = poor_population()["53.05"]
    assert figure.figures["covered"] == 4
    assert figure.figures["poor_population"] == poor
    assert figure.figures["statistic_source"].startswith("BPS")
    assert figure.value == (Decimal(400) / poor).quantize(Decimal("0.01"))


def test_people_funded_by_the_regencys_own_budget(alor_story):
    figure = YearFigures(2025).own_budget_people("53.05")
    assert figure.figures == {"funded": 1, "co_funded": 1}
    assert figure.value == 2
    assert YearFigures(2025).own_budget_people("53.03").value == 0


def test_share_of_invoices_paid_in_full_by_their_due_date(alor_story):
    figure = YearFigures(2025).invoices_on_time("53.05")
    # October on the due date; November late; December short.
    assert figure.figures == {"invoices": 3, "paid_on_time": 1}
    assert figure.value == Decimal("33.33")
    nothing = YearFigures(2025).invoices_on_time("53.03")
    assert nothing.value is None
    assert nothing.figures == {"invoices": 0, "paid_on_time": 0}


def test_months_of_unbroken_coverage(alor_story):
    figure = YearFigures(2025).unbroken_months("53.05")
    assert figure.figures == {"longest_run": 6, "months_with_coverage": 6, "months": 12}
    assert YearFigures(2024).unbroken_months("53.05").value == 10
    assert YearFigures(2025).unbroken_months("53.03").value == 0


def test_refreshing_writes_every_computed_figure_once(
    alor_story, open_period, home_entry, other_entry, province_officer
):
    category = regency_category(open_period)
    rows = [
        services.CriterionInput(
            code=indicator.value.replace("_", "-"),
            name=str(indicator.label),
            weight="25",
            scale_min=0,
            scale_max=100,
            kind=IndicatorKind.COMPUTED,
            computed=indicator,
        )
        for indicator in ComputedIndicator
    ]
    services.set_criteria(user=province_officer, category=category, rows=rows)
    assert services.refresh_computed(user=province_officer, period=open_period) == 8
    assert services.refresh_computed(user=province_officer, period=open_period) == 8
    assert ComputedValue.objects.count() == 8
    values = dict(
        ComputedValue.objects.filter(entry=home_entry).values_list("criterion__computed", "value")
    )
    assert values[ComputedIndicator.OWN_BUDGET_PEOPLE] == 2
    assert values[ComputedIndicator.UNBROKEN_MONTHS] == 6
    assert values[ComputedIndicator.INVOICES_ON_TIME] == Decimal("33.33")
