"""Rates and reference values as data (issue 13, point 7)."""

from datetime import date

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.programs.models import ProposedRateRule, RateRule
from lindungi.programs.rate_changes import propose_rate_rule
from lindungi.programs.rates import monthly_contribution

pytestmark = pytest.mark.django_db


def test_a_new_regulation_is_entered_on_the_rates_page(client, province_officer, province_admin):
    client.force_login(province_officer)
    page = client.get("/programs/rates/").content.decode()
    # The reference values show their sources and which are unconfirmed.
    assert "LINDUNGI_KPJ_PATTERN" in page and "PP 44/2015 Lampiran II" in page
    before = RateRule.objects.count()
    response = client.post(
        "/programs/rates/",
        {
            "component": "JKM",
            "kind": "discount",
            "value": "2500",
            "effective_from": "2028-01-01",
            "effective_to": "2028-12-31",
            "excluded_funding_sources": ["APBD", "APBN"],
            "legal_basis": "PP 99/2027 (contoh)",
        },
    )
    assert response.status_code == 302
    # Proposed, not yet in force: a second person approves it on the same page.
    assert RateRule.objects.count() == before
    assert AuditEvent.objects.filter(action="programs.rate_rule_proposed").count() == 1
    client.force_login(province_admin)
    proposal = ProposedRateRule.objects.get()
    response = client.post(
        f"/programs/rates/proposals/{proposal.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert RateRule.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="programs.rate_rule_approved").count() == 1
    paid_by_self = monthly_contribution(
        package="jkk_jkm",
        basis=1_000_000,
        month=Month(2028, 5),
        sector="other",
        funding_source="self",
    )
    assert (paid_by_self.jkk, paid_by_self.jkm) == (10_000, 1_700)


def test_a_rate_without_legal_basis_is_refused(province_officer):
    before = RateRule.objects.count()
    with pytest.raises(InvalidInput) as error:
        propose_rate_rule(
            user=province_officer,
            component="JKK",
            kind="discount",
            value=5_000,
            effective_from=date(2028, 1, 1),
            legal_basis="",
        )
    assert error.value.code == "legal_basis"
    assert RateRule.objects.count() == before
    assert not ProposedRateRule.objects.exists()


def test_regency_officers_cannot_enter_rates(client, regency_officer):
    client.force_login(regency_officer)
    response = client.post("/programs/rates/", {"component": "JKK"})
    assert response.status_code == 403
