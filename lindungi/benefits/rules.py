"""The regulation's figures as rows with effective dates: loading them, and reading a date's set.

The calculator asks a `RuleSet` for a figure by code; a code with no row in force on the date
is an error the user sees (a claim dated before the regulation, or a rule not yet loaded).
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.benefits.models import BenefitRule, DisabilityRate
from lindungi.core.errors import InvalidInput

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    value: int
    legal_basis: str


def _in_force(row, day: date) -> bool:
    return row.effective_from <= day and (row.effective_to is None or row.effective_to >= day)


class RuleSet:
    """Every rule and disability rate in force on one day."""

    def __init__(self, day: date, rules: list[BenefitRule], rates: list[DisabilityRate]) -> None:
        self.day = day
        # Later periods win where two overlap (a correction loaded with a later start).
        ordered = sorted(
            (row for row in rules if _in_force(row, day)), key=lambda r: r.effective_from
        )
        self.rules = {
            row.code: Rule(row.code, row.name, row.value, row.legal_basis) for row in ordered
        }
        self.disability = {row.percent_bp: row for row in rates if _in_force(row, day)}

    def __getitem__(self, code: str) -> Rule:
        try:
            return self.rules[code]
        except KeyError:
            raise InvalidInput(
                _("No benefit rule %(code)s is in force on %(day)s.")
                % {"code": code, "day": self.day.isoformat()},
                code="rule_missing",
            ) from None

    def value(self, code: str) -> int:
        return self[code].value

    def disability_percents(self) -> set[int]:
        return set(self.disability)


class RuleBook:
    """All rule rows, read once (two queries); a rule set per day, kept once built."""

    def __init__(self) -> None:
        self._rules = list(BenefitRule.objects.all())
        self._rates = list(DisabilityRate.objects.all())
        self._days: dict[date, RuleSet] = {}

    def on(self, day: date) -> RuleSet:
        if day not in self._days:
            self._days[day] = RuleSet(day, self._rules, self._rates)
        return self._days[day]


def rules_on(day: date) -> RuleSet:
    return RuleBook().on(day)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@transaction.atomic
def load_benefit_rules(*, rule_model=BenefitRule, rate_model=DisabilityRate) -> tuple[int, int]:
    """Upsert the bundled CSVs; returns (rules, rates) written. Running it twice changes nothing.

    The models are parameters so the data migration can pass its historical models.
    """
    rules = [
        rule_model(
            code=row["code"],
            name=row["name"],
            value=int(row["value"]),
            unit=row["unit"],
            effective_from=_day(row["effective_from"]),
            effective_to=_day(row["effective_to"]),
            legal_basis=row["legal_basis"],
        )
        for row in _read("benefit_rules.csv")
    ]
    rule_model.objects.bulk_create(
        rules,
        update_conflicts=True,
        unique_fields=["code", "effective_from"],
        update_fields=["name", "value", "unit", "effective_to", "legal_basis"],
    )
    rates = [
        rate_model(
            code=row["code"],
            description=row["description"],
            percent_bp=int(row["percent_bp"]),
            effective_from=_day(row["effective_from"]),
            effective_to=_day(row["effective_to"]),
            legal_basis=row["legal_basis"],
        )
        for row in _read("disability_table.csv")
    ]
    rate_model.objects.bulk_create(
        rates,
        update_conflicts=True,
        unique_fields=["code", "effective_from"],
        update_fields=["description", "percent_bp", "effective_to", "legal_basis"],
    )
    return len(rules), len(rates)
