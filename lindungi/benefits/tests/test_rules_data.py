"""The bundled rules, pinned to the domain reference (DOMAIN.md §3, PP 82/2019 Lampiran III).

`data/README.md` says what was checked against what: every figure of benefit_rules.csv against
§3; the partial-disability table only for what §3 says about it (its rows are not in §3 and
stay unconfirmed).
"""

import datetime

from lindungi.benefits.rules import RuleBook, _read

# DOMAIN.md §3, figure by figure.
DOMAIN_SECTION_3 = {
    "jkm.lump_sum": 20_000_000,
    "jkm.periodic_monthly": 500_000,
    "jkm.periodic_months": 24,
    "jkm.funeral": 10_000_000,
    "jkm.scholarship_min_months": 36,
    "jkk.death_multiple": 48,
    "jkk.death_funeral": 10_000_000,
    "jkk.death_periodic": 12_000_000,
    "jkk.total_disability_multiple": 56,
    "jkk.total_disability_periodic": 12_000_000,
    "jkk.partial_disability_multiple": 80,
    "jkk.stmb_full_months": 12,
    "jkk.stmb_full_bp": 10_000,
    "jkk.stmb_after_bp": 5_000,
    "jkk.transport_land": 5_000_000,
    "jkk.transport_sea": 2_000_000,
    "jkk.transport_air": 10_000_000,
    "jkk.home_care_ceiling": 20_000_000,
    "jkk.home_care_months": 12,
    "scholarship.children": 2,
    "scholarship.end_age": 23,
    "scholarship.tk_sd_amount": 1_500_000,
    "scholarship.tk_sd_years": 8,
    "scholarship.smp_amount": 2_000_000,
    "scholarship.smp_years": 3,
    "scholarship.sma_amount": 3_000_000,
    "scholarship.sma_years": 3,
    "scholarship.pt_amount": 12_000_000,
    "scholarship.pt_years": 5,
}
# Total permanent disability is 70 % (× 80 = 56 × the basis); no part of the body is worth more.
TOTAL_DISABILITY_BP = 7_000


def test_every_bundled_rule_is_the_figure_of_the_domain_reference():
    rules = {row["code"]: int(row["value"]) for row in _read("benefit_rules.csv")}
    assert rules == DOMAIN_SECTION_3


def test_the_scholarship_totals_are_those_of_the_domain_reference():
    per_child = sum(
        DOMAIN_SECTION_3[f"scholarship.{level}_amount"]
        * DOMAIN_SECTION_3[f"scholarship.{level}_years"]
        for level in ("tk_sd", "smp", "sma", "pt")
    )
    assert per_child == 87_000_000
    assert per_child * DOMAIN_SECTION_3["scholarship.children"] == 174_000_000


def test_the_partial_disability_table_stays_within_total_disability():
    rows = _read("disability_table.csv")
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    percents = {row["code"]: int(row["percent_bp"]) for row in rows}
    assert all(0 < percent <= TOTAL_DISABILITY_BP for percent in percents.values())
    # The right side (the working hand) is never worth less than the left.
    for right, percent in percents.items():
        if "right" in right:
            assert percent >= percents[right.replace("right", "left")], right
    assert DOMAIN_SECTION_3["jkk.total_disability_multiple"] == (
        TOTAL_DISABILITY_BP * DOMAIN_SECTION_3["jkk.partial_disability_multiple"] // 10_000
    )


def test_the_loaded_rules_are_the_bundled_ones(db):
    """Migration 0002 loaded the CSVs: what the calculator reads is what was checked."""
    rules = RuleBook().on(datetime.date(2025, 9, 1))
    assert {code: rules.value(code) for code in DOMAIN_SECTION_3} == DOMAIN_SECTION_3
    assert rules.disability_percents() == {
        int(row["percent_bp"]) for row in _read("disability_table.csv")
    }
