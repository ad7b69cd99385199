"""The home page: work waiting per role, key figures and deadlines; a regency's paid share."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.payments import record_payment
from lindungi.contributions.tests.conftest import (  # noqa: F401 (fixtures)
    TTU_VILLAGE,
    cohort,
    enroll,
    programme,
)
from lindungi.core.dates import Month
from lindungi.enrollment.choices import EnrollmentState
from lindungi.reports import finance


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invoice(cohort):  # noqa: F811 (the imported fixture)
    enroll(cohort)
    enroll(cohort)
    enroll(cohort, village=TTU_VILLAGE)
    enroll(cohort, state=EnrollmentState.REJECTED, kpj=None, start=None)
    return bill_month(
        user=acting_officer(), programme=cohort.programme, month=Month(2025, 7)
    ).created[0]


def test_a_regency_sees_its_share_of_what_was_paid(invoice, regency_officer, province_officer):
    """Alor's dashboard said nothing was paid while Alor's invoice showed the payment."""
    record_payment(
        user=acting_officer(),
        invoice=invoice,
        paid_on=datetime.date(2025, 8, 10),
        amount=invoice.total,
        bank_reference="BNI-1",
    )
    alor_lines = sum(line.total for line in invoice.lines.filter(regency_id="53.05"))
    (month,) = finance.billed_and_paid(user=regency_officer, programme=invoice.programme)
    assert (month.billed, month.paid) == (alor_lines, alor_lines)
    (seen,) = finance.billed_and_paid(
        user=province_officer, programme=invoice.programme, regency="53.05"
    )
    assert (seen.billed, seen.paid) == (alor_lines, alor_lines)
    (whole,) = finance.billed_and_paid(user=province_officer, programme=invoice.programme)
    assert (whole.billed, whole.paid) == (invoice.total, invoice.total)


def test_work_waiting_is_counted_per_role_with_a_link(client, invoice, personas):
    """The overdue invoice goes to who records payments; the insurer's refusal to the officers
    who correct data, each only for their regency; the menu shows the total."""
    client.force_login(personas["province_officer"])
    home = client.get(reverse("home"))
    items = {item.key: item for item in home.context["attention"]}
    assert items["overdue_invoices"].count == 1
    assert items["overdue_invoices"].url == reverse("contributions:arrears")
    assert items["insurer_rejections"].count == 1
    html = home.content.decode()
    assert 'data-testid="attention-count">2<' in html
    page = client.get(reverse("attention"))
    assert page.status_code == 200
    assert "Tagihan yang melewati jatuh tempo" in page.content.decode()

    client.force_login(personas["regency_officer"])  # Alor: the refused person lives there
    keys = {item.key: item.count for item in client.get(reverse("home")).context["attention"]}
    assert keys == {"insurer_rejections": 1}
    client.force_login(personas["outsider"])  # TTU: nothing refused there
    assert client.get(reverse("home")).context["attention"] == []
    client.force_login(personas["auditor"])  # reads everything, acts on nothing
    assert client.get(reverse("home")).context["attention"] == []


def test_home_shows_key_figures_and_the_next_deadlines(client, invoice, province_officer):
    client.force_login(province_officer)
    home = client.get(reverse("home"))
    (panel,) = home.context["panels"]
    labels = [str(figure.label) for figure in panel.context["figures"]]
    assert "Calon dalam registri" in labels
    (deadline,) = panel.context["deadlines"]
    assert deadline.day == invoice.due_date
    assert invoice.number in str(deadline.label)
    assert "terlambat" in home.content.decode()
