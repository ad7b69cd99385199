"""The NTT story's second year (issue 13), built through the same services users call.

2025 is renewed into 2026 while it is still active: the province funds half as many places
(50,000 at full scale), Timor Tengah Utara and Manggarai Barat fund cohorts of their own, and
Belu co-funds a fifth of the provincial cohort from July. The continuing participants are
re-verified against a newer generated DTSEN edition, approved and carried over from
1 January with their KPJ; 2025 closes with its close-out report; the new year's selection
fills what remains from the newly eligible; the newcomers are submitted; every payer is billed
monthly, and all pay except Manggarai Barat, which falls into arrears after March.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lindungi.core.dates import Month

# Two kabupaten that fund their own cohorts in 2026 (DOMAIN.md §1).
REGENCY_COHORTS_2026 = (("53.03", 14_880), ("53.15", 2_829))
# A kabupaten co-funding part of the provincial cohort from mid-year, and its share.
CO_FUNDER = "53.04"
CO_FUNDER_SHARE_BP = 2_000
CO_FUNDING_FROM = Month(2026, 7)
# The kabupaten that pays only January to March (arrears afterwards).
LATE_PAYER = "53.15"
BILLED_MONTHS_2026 = 7
EDITION_2026 = "2025-12"
BUDGET_ACCOUNT = "5.1.02.01.01.0024"


@dataclass
class SecondYear:
    user: object
    # Maker-checker (issue 19.3): the province officer prepares (renews, re-verifies, runs the
    # selection) and the administrator (`user`) approves.
    preparer: object
    target: int
    candidates: int
    seed: int
    directory: Path

    def scaled(self, places: int) -> int:
        return max(1, places * self.target // 100_000)


def run_second_year(*, user, preparer, programme_2025, target, candidates, seed, directory) -> dict:
    story = SecondYear(user, preparer, target, candidates, seed, directory)
    renewal = _renew(story, programme_2025)
    new = renewal.to_programme
    _regency_cohorts(story, new)
    _newer_edition(story)
    from lindungi.cycle.verification import approve_renewal, reverify

    counts = reverify(user=preparer, renewal=renewal)
    carried = approve_renewal(user=user, renewal=renewal)["carried"]
    _close_2025(story, programme_2025)
    newcomers = _select_and_submit(story, new)
    billed, paid = _bill_and_pay(story, new)
    return {
        "continued_2026": carried,
        "left_2026": counts["leaves"],
        "newcomers_2026": newcomers,
        "billed_2026": billed,
        "paid_2026": paid,
    }


def _renew(story: SecondYear, programme_2025):
    from lindungi.cycle.renewal import renew_programme

    # The provincial cohort (the first): it funds half as many places in 2026.
    province = programme_2025.cohorts.order_by("position", "pk").first()
    return renew_programme(
        user=story.preparer,
        programme=programme_2025,
        year=2026,
        headcounts={province.pk: story.target // 2},
    )


def _regency_cohorts(story: SecondYear, programme) -> None:
    from lindungi.contributions.budget import add_appropriation
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.funding import ShareSpec, find_or_create_payer, set_funding_shares
    from lindungi.programs.services import add_cohort, update_programme
    from lindungi.regions.models import Regency

    monthly = 16_800  # APBD-paid: PP 50/2025's discount never applies (DOMAIN.md §2)
    for code, places in REGENCY_COHORTS_2026:
        regency = Regency.objects.get(code=code)
        cohort = add_cohort(
            user=story.user,
            programme=programme,
            name=f"APBD {regency.name} 2026",
            payer_type=PayerType.REGENCY,
            payer_name=f"Pemerintah {regency.name}",
            payer_regency_code=code,
            regency_code=code,
            funding_source=FundingSource.APBD,
            headcount=story.scaled(places),
        )
        add_appropriation(
            payer=cohort.funding_shares.get().payer,
            fiscal_year=2026,
            account_code=BUDGET_ACCOUNT,
            amount=cohort.headcount * monthly * 12,
            document_reference=f"APBD 2026 {regency.name}",
            user=story.user,
        )
    province_cohort = programme.cohorts.order_by("position", "pk").first()
    province_payer = province_cohort.funding_shares.get().payer
    belu = Regency.objects.get(code=CO_FUNDER)
    co_funder = find_or_create_payer(
        payer_type=PayerType.REGENCY,
        name=f"Pemerintah {belu.name}",
        funding_source=FundingSource.APBD,
        regency_code=CO_FUNDER,
    )
    set_funding_shares(
        user=story.user,
        cohort=province_cohort,
        from_month=CO_FUNDING_FROM,
        shares=[
            ShareSpec(province_payer, 10_000 - CO_FUNDER_SHARE_BP),
            ShareSpec(co_funder, CO_FUNDER_SHARE_BP),
        ],
    )
    add_appropriation(
        payer=co_funder,
        fiscal_year=2026,
        account_code=BUDGET_ACCOUNT,
        amount=province_cohort.headcount * monthly * 6 * CO_FUNDER_SHARE_BP // 10_000,
        document_reference=f"APBD 2026 {belu.name} (bagi biaya)",
        user=story.user,
    )
    update_programme(
        user=story.user,
        programme=programme,
        target_headcount=sum(programme.cohorts.values_list("headcount", flat=True)),
    )


def _newer_edition(story: SecondYear) -> None:
    """The same people in a newer DTSEN edition: some households' desil has changed."""
    from lindungi.demo.generation import generate_candidates, write_csv
    from lindungi.registry.importing import import_candidates

    path = story.directory / f"kandidat-dtsen-{story.seed}-{EDITION_2026}.csv"
    rows = generate_candidates(count=story.candidates, seed=story.seed, edition=EDITION_2026)
    write_csv(path, rows, total=story.candidates)
    import_candidates(
        file=path, file_name=path.name, user=story.user, source="DTSEN", edition=EDITION_2026
    )


def _close_2025(story: SecondYear, programme_2025) -> None:
    from lindungi.cycle.closing import begin_closing, close_programme

    begin_closing(user=story.user, programme=programme_2025, today=date(2026, 1, 5))
    close_programme(user=story.user, programme=programme_2025)


def _select_and_submit(story: SecondYear, programme) -> int:
    from lindungi.enrollment.batches import batch_csv_path, make_submission, mark_batch_sent
    from lindungi.enrollment.responses import import_insurer_response
    from lindungi.enrollment.services import enroll_selected
    from lindungi.enrollment.simulator import simulate_response
    from lindungi.programs.approval import approve_run
    from lindungi.programs.selection import run_selection

    summary = run_selection(user=story.preparer, programme=programme)
    run = approve_run(user=story.user, run=programme.runs.get(pk=summary.run_id))
    newcomers = enroll_selected(run=run, user=story.user)
    if newcomers:
        batch = make_submission(user=story.user, programme=programme, start_date=date(2026, 1, 1))
        mark_batch_sent(user=story.user, batch=batch)
        response = simulate_response(batch_csv_path(batch).read_bytes(), seed=story.seed + 2026)
        import_insurer_response(
            user=story.user,
            file_name=f"respons-{batch.number}.csv",
            content=response,
            batch=batch,
        )
    return newcomers


def _bill_and_pay(story: SecondYear, programme) -> tuple[int, int]:
    from lindungi.contributions.billing import bill_month
    from lindungi.contributions.payments import record_payment

    billed = paid = 0
    month = Month(2026, 1)
    for _number in range(BILLED_MONTHS_2026):
        for invoice in bill_month(programme=programme, month=month, user=story.user).created:
            billed += invoice.total
            late = invoice.payer.regency_id == LATE_PAYER and month > Month(2026, 3)
            if late:
                continue  # arrears: Manggarai Barat's budget process is behind
            record_payment(
                invoice=invoice,
                paid_on=month.next().first_day.replace(day=10),
                amount=invoice.total,
                bank_reference=f"BANK-{invoice.number}",
                user=story.user,
            )
            paid += invoice.total
        month = month.next()
    return billed, paid
