"""Benefits fixtures: the NTT 2025 programme (from 18 July), enrolled people, paid months."""

import datetime

import pytest

from lindungi.contributions.billing import bill_month
from lindungi.contributions.payments import record_payment
from lindungi.core.dates import Month
from lindungi.enrollment.tests.factories import EnrollmentFactory
from lindungi.programs.models import Cohort
from lindungi.programs.tests.factories import CohortFactory, ProgrammeFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"
START = datetime.date(2025, 7, 18)
TODAY = datetime.date(2025, 12, 15)


def make_programme(year: int, start: datetime.date, end: datetime.date) -> Cohort:
    return CohortFactory(
        programme=ProgrammeFactory(year=year, coverage_start=start, coverage_end=end)
    )


@pytest.fixture
def cohort(db):
    return make_programme(2025, START, datetime.date(2025, 12, 31))


def enroll(cohort, person=None, *, village=ALOR_VILLAGE, start=START, end=None, kpj=None):
    extra = {"person": person} if person is not None else {}
    if kpj is not None:
        extra["kpj"] = kpj
    return EnrollmentFactory(cohort=cohort, village=village, start_date=start, end=end, **extra)


def billing_officer():
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    user, _created = User.objects.get_or_create(
        username="billing_officer", defaults={"role": Role.PROVINCE_OFFICER}
    )
    return user


def bill_and_pay(programme, first: Month, last: Month, *, pay=True, user=None) -> None:
    """Bill each month from `first` to `last`; pay every invoice when `pay`."""
    user = user or billing_officer()
    month = first
    while month.first_day <= last.first_day:
        for invoice in bill_month(programme=programme, month=month, user=user).created:
            if pay:
                record_payment(
                    invoice=invoice,
                    paid_on=month.first_day.replace(day=10),
                    amount=invoice.total,
                    bank_reference=f"B-{invoice.number}",
                    user=user,
                )
        month = month.next()


HEADER = (
    "NOMOR_KLAIM,NIK,KPJ,JENIS_KLAIM,AKIBAT,TANGGAL_KEJADIAN,STATUS,ALASAN_TOLAK,DASAR_UPAH,"
    "PERSEN_CACAT,BULAN_STMB,MODA_TRANSPORT,MANFAAT,ANAK_KE,JUMLAH_DIAJUKAN,JUMLAH_DIBAYAR,"
    "TANGGAL_BAYAR,AHLI_WARIS"
)
COLUMNS = HEADER.split(",")


def claim_row(**cells) -> str:
    """One CSV line; cells by column name, the rest empty. Heirs may contain commas: quoted."""
    values = []
    for column in COLUMNS:
        value = str(cells.get(column, ""))
        values.append(f'"{value}"' if "," in value else value)
    return ",".join(values)


def claim_file(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()
