"""The calculator: each benefit from the rules in force on the date, with rule and legal basis."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from lindungi.benefits.calculator import Case, calculate
from lindungi.benefits.models import BenefitRule
from lindungi.benefits.rules import load_benefit_rules
from lindungi.core.errors import InvalidInput

DAY = datetime.date(2025, 9, 1)


def _amounts(result) -> dict:
    return {(item.item, item.child): item.amount for item in result.items}


def test_jkm_is_42_million_in_three_items(db):
    result = calculate(Case(kind="jkm", basis=1_000_000, on=DAY))
    assert _amounts(result) == {
        ("jkm_lump_sum", 0): 20_000_000,
        ("jkm_periodic", 0): 12_000_000,
        ("funeral", 0): 10_000_000,
    }
    assert result.total == 42_000_000
    assert all(item.legal_basis.startswith("PP 82/2019") for item in result.items)


def test_jkk_death_at_the_minimum_basis_is_the_insurers_70_million(db):
    result = calculate(Case(kind="jkk-death", basis=1_000_000, on=DAY))
    assert result.total == 70_000_000
    assert _amounts(result)[("jkk_death", 0)] == 48_000_000
    assert "48 × Rp1.000.000" in result.items[0].rule


def test_total_disability_is_56_times_the_basis_plus_periodic(db):
    result = calculate(Case(kind="jkk-total-disability", basis=2_000_000, on=DAY))
    assert _amounts(result) == {("total_disability", 0): 112_000_000, ("periodic", 0): 12_000_000}


@pytest.mark.parametrize(("percent_bp", "expected"), [(3500, 28_000_000), (450, 3_600_000)])
def test_partial_disability_is_the_table_percentage_of_80_times_the_basis(db, percent_bp, expected):
    result = calculate(
        Case(kind="jkk-partial-disability", basis=1_000_000, on=DAY, percent_bp=percent_bp)
    )
    assert _amounts(result) == {("partial_disability", 0): expected}


def test_partial_disability_percentage_outside_the_table_is_refused(db):
    with pytest.raises(InvalidInput) as refused:
        calculate(Case(kind="jkk-partial-disability", basis=1_000_000, on=DAY, percent_bp=3300))
    assert refused.value.code == "percent_not_in_table"


def test_stmb_is_full_for_12_months_then_half(db):
    result = calculate(Case(kind="jkk-stmb", basis=2_000_000, on=DAY, months_incapacitated=14))
    assert _amounts(result) == {("stmb", 0): 12 * 2_000_000 + 2 * 1_000_000}


@pytest.mark.parametrize(
    ("mode", "cost", "expected"),
    [
        ("land", 6_000_000, 5_000_000),
        ("sea", 1_500_000, 1_500_000),
        ("air", 12_000_000, 10_000_000),
    ],
)
def test_transport_is_capped_by_mode(db, mode, cost, expected):
    result = calculate(
        Case(
            kind="jkk-treatment", basis=1_000_000, on=DAY, transport_mode=mode, transport_cost=cost
        )
    )
    assert _amounts(result) == {("transport", 0): expected}


def test_home_care_is_capped(db):
    result = calculate(
        Case(kind="jkk-treatment", basis=1_000_000, on=DAY, home_care_cost=25_000_000)
    )
    assert _amounts(result) == {("home_care", 0): 20_000_000}


def test_jkm_scholarship_needs_36_contribution_months(db):
    short = calculate(
        Case(kind="jkm", basis=1_000_000, on=DAY, contribution_months=35, children=("tk_sd",))
    )
    assert ("scholarship", 1) not in _amounts(short)
    assert "36" in short.notes[0]
    enough = calculate(
        Case(kind="jkm", basis=1_000_000, on=DAY, contribution_months=36, children=("tk_sd",))
    )
    assert _amounts(enough)[("scholarship", 1)] == 1_500_000


def test_scholarship_for_at_most_two_children_with_the_per_child_ceiling(db):
    result = calculate(
        Case(kind="jkk-death", basis=1_000_000, on=DAY, children=("tk_sd", "smp", "sma"))
    )
    assert _amounts(result)[("scholarship", 1)] == 1_500_000
    assert _amounts(result)[("scholarship", 2)] == 2_000_000
    assert ("scholarship", 3) not in _amounts(result)
    # A child starting at TK/SD is scheduled 8 + 3 + 3 + 5 years: Rp87 million in all.
    assert sum(year.amount for year in result.schedules[1]) == 87_000_000
    assert [year.school_year for year in result.schedules[2][:2]] == ["2025/2026", "2026/2027"]


def test_scholarship_ends_at_age_23(db):
    result = calculate(
        Case(
            kind="jkk-death",
            basis=1_000_000,
            on=DAY,
            children=("pt",),
            birth_dates=(datetime.date(2004, 1, 1),),
        )
    )
    # 21 in July 2025, 22 in July 2026, 23 in July 2027: two years are left.
    assert len(result.schedules[1]) == 2


def test_a_later_rule_applies_from_its_effective_date(db):
    BenefitRule.objects.filter(code="jkm.funeral").update(effective_to=datetime.date(2025, 12, 31))
    BenefitRule.objects.create(
        code="jkm.funeral",
        name="Biaya pemakaman JKM (baru)",
        value=12_000_000,
        unit="rupiah",
        effective_from=datetime.date(2026, 1, 1),
        legal_basis="Regulation of 2026 (test)",
    )
    before = calculate(Case(kind="jkm", basis=1_000_000, on=datetime.date(2025, 12, 31)))
    after = calculate(Case(kind="jkm", basis=1_000_000, on=datetime.date(2026, 1, 1)))
    assert _amounts(before)[("funeral", 0)] == 10_000_000
    assert _amounts(after)[("funeral", 0)] == 12_000_000
    assert after.items[2].legal_basis == "Regulation of 2026 (test)"


def test_a_date_before_the_regulation_has_no_rules(db):
    with pytest.raises(InvalidInput) as refused:
        calculate(Case(kind="jkm", basis=1_000_000, on=datetime.date(2019, 1, 1)))
    assert refused.value.code == "rule_missing"


def test_loading_the_rules_twice_changes_nothing(db):
    before = list(BenefitRule.objects.values_list("code", "value", "effective_from"))
    load_benefit_rules()
    assert list(BenefitRule.objects.values_list("code", "value", "effective_from")) == before


def test_command_prints_each_item_and_the_total_as_json(db, capsys):
    call_command(
        "calculate_benefit",
        "jkk-partial-disability",
        "--basis",
        "1000000",
        "--date",
        "2025-09-01",
        "--percent",
        "35",
        "--transport",
        "sea",
        "--transport-cost",
        "2500000",
        "--json",
    )
    output = json.loads(capsys.readouterr().out)
    assert output["total"] == 30_000_000
    assert [(item["name"], item["amount"]) for item in output["items"]] == [
        ("Partial disability benefit", 28_000_000),
        ("Transport", 2_000_000),
    ]
    assert all(item["rule"] and item["legal_basis"] for item in output["items"])


def test_command_with_children_and_contribution_months(db, capsys):
    call_command(
        "calculate_benefit",
        "jkm",
        "--basis",
        "1000000",
        "--date",
        "2025-09-01",
        "--contribution-months",
        "36",
        "--children",
        "sd,sma",
        "--json",
    )
    output = json.loads(capsys.readouterr().out)
    assert output["total"] == 42_000_000 + 1_500_000 + 3_000_000


@pytest.mark.parametrize(
    "arguments",
    [
        ["--basis", "1000000.50", "--date", "2025-09-01"],
        ["--basis", "1000000", "--date", "01-09-2025"],
        ["--basis", "1000000", "--date", "2025-09-01", "--percent", "33"],
    ],
)
def test_command_refuses_bad_input(db, arguments):
    kind = "jkk-partial-disability" if "--percent" in arguments else "jkm"
    with pytest.raises(CommandError):
        call_command("calculate_benefit", kind, *arguments)
