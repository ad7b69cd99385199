"""The demo's billing story: the province pays, two months of it late; one kabupaten that
co-funds a small cohort stops paying after July, lapses after more than three unpaid months,
and its places end on 31 July; December's invoice takes the unpaid months back.

Everything goes through the services a billing officer uses: bill_month, record_payment and
the daily lapse rule (contributions.lapses.run_lapses).
"""

from dataclasses import dataclass
from datetime import date

from lindungi.core.dates import Month

# The kabupaten that stops paying, and its small cohort (a share of the demo's target).
LAPSING_REGENCY = "53.20"  # Kabupaten Sabu Raijua
LAPSING_SHARE = 0.01
# Months the province pays after the 15th due date (still within the lapse limit).
LATE_MONTHS = (Month(2025, 8), Month(2025, 10))
# The day the daily lapse rule finds the kabupaten four months behind: November's invoice
# fell due on Monday 15 December 2025.
LAPSE_DAY = date(2025, 12, 16)


def lapsing_cohort(target: int) -> dict:
    """The add_cohort arguments of the kabupaten's small 2025 cohort."""
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.regions.models import Regency

    regency = Regency.objects.get(code=LAPSING_REGENCY)
    return {
        "name": f"APBD {regency.name} 2025",
        "payer_type": PayerType.REGENCY,
        "payer_name": f"Pemerintah {regency.name}",
        "payer_regency_code": LAPSING_REGENCY,
        "regency_code": LAPSING_REGENCY,
        "funding_source": FundingSource.APBD,
        "headcount": max(1, int(target * LAPSING_SHARE)),
    }


@dataclass
class BillingFigures:
    billed: int = 0
    paid: int = 0
    late_payments: int = 0
    lapsed: int = 0


def bill_pay_and_lapse(*, user, programme, start: date, end: date) -> BillingFigures:
    from lindungi.contributions.billing import bill_month
    from lindungi.contributions.lapses import run_lapses
    from lindungi.contributions.payments import record_payment

    figures = BillingFigures()
    month = Month.of(start)
    while month.first_day <= end:
        if month == Month.of(LAPSE_DAY):
            # December is billed after the daily rule ran on 16 December.
            result = run_lapses(programme=programme, as_of=LAPSE_DAY, user=user)
            figures.lapsed = result.ended
        for invoice in bill_month(programme=programme, month=month, user=user).created:
            figures.billed += invoice.total
            regency_payer = invoice.payer.regency_id == LAPSING_REGENCY
            if invoice.total <= 0 or (regency_payer and month != Month.of(start)):
                continue  # the kabupaten pays July only
            late = month in LATE_MONTHS and not regency_payer
            # On time: the 10th of the month after, before the 15th due date; late: the 20th.
            pay_day = month.next().first_day.replace(day=20 if late else 10)
            record_payment(
                invoice=invoice,
                paid_on=pay_day,
                amount=invoice.total,
                bank_reference=f"BANK-NTT-{invoice.number}",
                user=user,
            )
            figures.paid += invoice.total
            figures.late_payments += late
        month = month.next()
    return figures
