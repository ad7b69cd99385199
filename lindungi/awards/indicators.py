"""Computed indicators: figures from Lindungi's own data for a kabupaten/kota and a year.

Each indicator returns its value and the figures behind it, so the panel sees how it came
about. All of them read aggregates per regency through the other apps' selectors: a handful of
grouped queries for the whole province, whatever the number of people.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lindungi.awards.choices import ComputedIndicator
from lindungi.contributions.selectors import count_invoices_on_time
from lindungi.core.dates import Month
from lindungi.enrollment.selectors import count_covered_by_payer_regency, count_covered_by_regency
from lindungi.regions.selectors import POOR_POPULATION, latest_statistic_rows


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    figures: dict


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class YearFigures:
    """Every computed indicator of one year, for all regencies at once."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.first_day = date(year, 1, 1)
        self.last_day = date(year, 12, 31)
        self._cache: dict[str, dict] = {}

    def _get(self, key: str, load):
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def figure(self, indicator: str, regency_code: str) -> Figure:
        method = {
            ComputedIndicator.COVERAGE_OF_POOR: self.coverage_of_poor,
            ComputedIndicator.OWN_BUDGET_PEOPLE: self.own_budget_people,
            ComputedIndicator.INVOICES_ON_TIME: self.invoices_on_time,
            ComputedIndicator.UNBROKEN_MONTHS: self.unbroken_months,
        }[ComputedIndicator(indicator)]
        return method(regency_code)

    def _covered(self) -> dict[str, int]:
        return self._get(
            "covered",
            lambda: count_covered_by_regency(first_day=self.first_day, last_day=self.last_day),
        )

    def coverage_of_poor(self, regency_code: str) -> Figure:
        covered = self._covered().get(regency_code, 0)
        poor = self._get("poor", lambda: latest_statistic_rows(indicator=POOR_POPULATION))
        statistic = poor.get(regency_code)
        population = int(statistic["value"]) if statistic else 0
        figures = {"covered": covered, "poor_population": population}
        if statistic:
            figures.update(
                statistic_year=statistic["year"],
                statistic_period=statistic["reference_period"],
                statistic_source=statistic["source"],
            )
        return Figure(_percent(covered, population), figures)

    def own_budget_people(self, regency_code: str) -> Figure:
        payers = self._get(
            "payers",
            lambda: count_covered_by_payer_regency(
                first_day=self.first_day, last_day=self.last_day
            ),
        )
        row = payers.get(regency_code, {"funded": 0, "co_funded": 0})
        return Figure(Decimal(row["funded"] + row["co_funded"]), dict(row))

    def invoices_on_time(self, regency_code: str) -> Figure:
        invoices = self._get("invoices", lambda: count_invoices_on_time(year=self.year))
        issued, on_time = invoices.get(regency_code, (0, 0))
        return Figure(_percent(on_time, issued), {"invoices": issued, "paid_on_time": on_time})

    def _monthly(self) -> list[dict[str, int]]:
        # Twelve grouped queries, one per month of the year.
        return self._get(
            "monthly",
            lambda: [
                count_covered_by_regency(first_day=month.first_day, last_day=month.last_day)
                for month in (Month(self.year, number) for number in range(1, 13))
            ],
        )

    def unbroken_months(self, regency_code: str) -> Figure:
        longest = current = 0
        first_covered = None
        for number, counts in enumerate(self._monthly(), start=1):
            if counts.get(regency_code, 0) > 0:
                current += 1
                first_covered = first_covered or number
                longest = max(longest, current)
            else:
                current = 0
        covered_months = sum(1 for counts in self._monthly() if counts.get(regency_code, 0))
        return Figure(
            Decimal(longest),
            {"longest_run": longest, "months_with_coverage": covered_months, "months": 12},
        )
