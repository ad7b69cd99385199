"""The authorization matrix (issue 12): every URL × every role × own/other region.

HOW TO ADD A URL (read this when this test fails with "not in the matrix"):
    Add ONE entry to MATRIX below, keyed by the URL's name ("namespace:name"):

        "awards:detail": Route(needs=Action.VIEW_PEOPLE, args=lambda world, region: {
            "pk": world.first(Award, region)}),

    - needs:   who may open it: PUBLIC (anyone, signed out too), SIGNED_IN (any user with a
               role) or the core.permissions Action the view require()s. Roles without it
               must never get a 200.
    - args:    the URL's keyword arguments for an object of `region` (a regency code), or
               None when the URL has none. `world.first(Model, region)` gives the pk of the
               first row of Model in that region (through the model's REGENCY_SCOPE_FIELD;
               for a model without one, any row); pass `field=` for another path.
    - regional: True when the object belongs to a region: a regency officer must then get
               no 200 for another regency's object. (Default: True when args are given and
               the model is regional; set it explicitly.)
    - writes:  the Action a POST needs, for views that change something (POST-only views
               and forms). Every role without it, and a regency officer on another
               regency's object, must leave the database unchanged when POSTing.
    - query:   a query string to add (e.g. "?format=pdf").
    If the new URL needs objects the world below does not build, add them in `world()`.

What is checked, for every route, role (six personas and an anonymous visitor) and region
(the regency officer's own, Alor 53.05, and another, Timor Tengah Utara 53.03):
    - no response is a server error;
    - a role without `needs` never gets a 200;
    - a regency officer never gets a 200 for another regency's object;
    - no page a regency officer receives contains a NIK of another regency's person (leaks
      through lists, exports, downloads, PDFs and the API alike);
    - a POST by a role without `writes` (or on another regency's object) changes no row of
      any Lindungi table and writes no audit event.
The whole matrix runs in one test against one small demo world, so it stays fast.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lindungi.core.permissions import Action, can, regency_scope

HOME, OTHER = "53.05", "53.03"
PUBLIC = "public"
SIGNED_IN = "signed_in"
STAFF = "staff"  # Django's admin: staff users only
API_CLIENT = "api_client"  # machine clients with a token (DCI API): no signed-in person
MISSING = 999_999_999  # a pk that exists nowhere


@dataclass(frozen=True)
class Route:
    needs: Any = SIGNED_IN
    args: Callable[["World", str], dict] | None = None
    regional: bool = False
    writes: Action | None = None
    query: str = ""
    # A monitor's endpoint answers 503 when no worker is alive (none runs in tests).
    unavailable_ok: bool = False


def _pk(model_label: str, **options):
    return lambda world, region: {"pk": world.first(model_label, region, **options)}


def _named(name: str, model_label: str, **options):
    return lambda world, region: {name: world.first(model_label, region, **options)}


MATRIX: dict[str, Route] = {
    # --- shell, accounts, languages
    "home": Route(needs=SIGNED_IN),
    "login": Route(needs=PUBLIC),
    "logout": Route(needs=PUBLIC),
    "set_language": Route(needs=PUBLIC),
    "admin:login": Route(needs=PUBLIC),
    "admin:logout": Route(needs=PUBLIC),
    # --- audit
    "audit:list": Route(needs=Action.VIEW_AUDIT),
    "audit:detail": Route(needs=Action.VIEW_AUDIT, args=_pk("audit.AuditEvent")),
    # --- jobs
    "jobs:list": Route(),
    "jobs:detail": Route(args=_pk("jobs.Job"), regional=True),
    "jobs:progress": Route(args=_pk("jobs.Job"), regional=True),
    "jobs:json": Route(args=_pk("jobs.Job"), regional=True),
    # A job's file (a large export): its creator alone, within the same regency scope.
    "jobs:file": Route(args=_pk("jobs.Job"), regional=True),
    # --- regions (reference data: the same for everyone with a role)
    "regions:list": Route(),
    "regions:lookup": Route(query="?q=alor"),
    "regions:options": Route(query="?level=district&regency=53.05"),
    "regions:detail": Route(args=lambda world, region: {"code": region}),
    # --- registry
    "registry:people": Route(needs=Action.VIEW_PEOPLE),
    "registry:person": Route(needs=Action.VIEW_PEOPLE, args=_pk("registry.Person"), regional=True),
    "registry:imports": Route(needs=Action.VIEW_PEOPLE),
    "registry:import_detail": Route(
        needs=Action.VIEW_PEOPLE, args=_pk("registry.CandidateImport"), regional=True
    ),
    "registry:import_rejects": Route(
        needs=Action.VIEW_PEOPLE,
        args=lambda world, region: {
            "pk": world.first("registry.CandidateImport", region),
            "kind": "csv",
        },
        regional=True,
    ),
    "registry:upload": Route(needs=Action.IMPORT_CANDIDATES, writes=Action.IMPORT_CANDIDATES),
    "registry:template": Route(args=lambda world, region: {"kind": "csv"}),
    "registry:duplicates": Route(needs=Action.VIEW_PEOPLE),
    "registry:regency_moves": Route(needs=Action.REVIEW_REGENCY_MOVES),
    "enrollment:resolve_duplicate": Route(
        needs=Action.REVIEW_DUPLICATES,
        args=_pk("registry.DuplicateCandidate"),
        regional=True,
        writes=Action.REVIEW_DUPLICATES,
    ),
    "registry:review_duplicate": Route(
        needs=Action.REVIEW_DUPLICATES,
        args=_pk("registry.DuplicateCandidate"),
        regional=True,
        writes=Action.REVIEW_DUPLICATES,
    ),
    "registry:review_duplicates": Route(
        needs=Action.REVIEW_DUPLICATES, writes=Action.REVIEW_DUPLICATES
    ),
    # --- programmes and selection
    "programs:list": Route(),
    "programs:create": Route(needs=Action.MANAGE_PROGRAMMES, writes=Action.MANAGE_PROGRAMMES),
    "programs:rates": Route(),
    "programs:decide_rate": Route(
        needs=Action.MANAGE_PROGRAMMES,
        args=_pk("programs.ProposedRateRule"),
        writes=Action.MANAGE_PROGRAMMES,
    ),
    "programs:detail": Route(args=_pk("programs.Programme")),
    "programs:select": Route(
        needs=Action.RUN_SELECTION, args=_pk("programs.Programme"), writes=Action.RUN_SELECTION
    ),
    "programs:approve": Route(
        needs=Action.APPROVE_SELECTION,
        args=_named("run_id", "programs.SelectionRun"),
        writes=Action.APPROVE_SELECTION,
    ),
    "programs:quotas": Route(args=_named("run_id", "programs.SelectionRun")),
    "programs:explain": Route(
        needs=Action.VIEW_PEOPLE, args=_named("run_id", "programs.SelectionRun")
    ),
    "programs:decisions": Route(
        needs=Action.VIEW_PEOPLE,
        args=lambda world, region: {
            "run_id": world.first("programs.SelectionRun", region),
            "regency_code": region,
        },
        regional=True,
    ),
    "programs:propose": Route(
        needs=Action.PROPOSE_EXCLUSION,
        args=lambda world, region: {
            "run_id": world.first("programs.SelectionRun", region),
            "nik": world.value("programs.Decision", region, "nik"),
        },
        regional=True,
        writes=Action.PROPOSE_EXCLUSION,
    ),
    "programs:decide_many": Route(
        needs=Action.DECIDE_EXCLUSION,
        args=_named("run_id", "programs.SelectionRun"),
        writes=Action.DECIDE_EXCLUSION,
    ),
    "programs:decide": Route(
        needs=Action.DECIDE_EXCLUSION,
        args=_named("proposal_id", "programs.ExclusionProposal"),
        regional=True,
        writes=Action.DECIDE_EXCLUSION,
    ),
    # --- the yearly cycle (issue 13): close-out, renewal and its re-verification diff
    "cycle:renew": Route(
        needs=Action.MANAGE_PROGRAMMES,
        args=_pk("programs.Programme"),
        writes=Action.MANAGE_PROGRAMMES,
    ),
    "cycle:close": Route(
        needs=Action.MANAGE_PROGRAMMES,
        args=_pk("programs.Programme"),
        writes=Action.MANAGE_PROGRAMMES,
    ),
    "cycle:closeout": Route(needs=Action.VIEW_MONEY, args=_pk("programs.Programme")),
    "cycle:closeout_xlsx": Route(needs=Action.VIEW_MONEY, args=_pk("programs.Programme")),
    "cycle:closeout_pdf": Route(needs=Action.VIEW_MONEY, args=_pk("programs.Programme")),
    "cycle:renewal": Route(needs=Action.VIEW_PEOPLE, args=_pk("cycle.Renewal")),
    "cycle:renewal_xlsx": Route(needs=Action.VIEW_PEOPLE, args=_pk("cycle.Renewal")),
    "cycle:reverify": Route(
        needs=Action.MANAGE_PROGRAMMES,
        args=_pk("cycle.Renewal"),
        writes=Action.MANAGE_PROGRAMMES,
    ),
    "cycle:approve": Route(
        needs=Action.APPROVE_SELECTION,
        args=_pk("cycle.Renewal"),
        writes=Action.APPROVE_SELECTION,
    ),
    "cycle:exception": Route(
        needs=Action.APPROVE_SELECTION,
        args=_pk("cycle.RenewalEntry"),
        regional=True,
        writes=Action.APPROVE_SELECTION,
    ),
    "cycle:comment": Route(
        needs=Action.PROPOSE_EXCLUSION,
        args=_pk("cycle.RenewalEntry"),
        regional=True,
        writes=Action.PROPOSE_EXCLUSION,
    ),
    # --- enrollment
    "enrollment:list": Route(),
    "enrollment:batches": Route(),
    "enrollment:batch": Route(args=_pk("enrollment.SubmissionBatch")),
    "enrollment:batch_file": Route(
        needs=Action.EXCHANGE_INSURER_FILES,
        args=lambda world, region: {
            "pk": world.first("enrollment.SubmissionBatch", region),
            "kind": "csv",
        },
    ),
    "enrollment:batch_action": Route(
        needs=Action.EXCHANGE_INSURER_FILES,
        args=lambda world, region: {
            "pk": world.first("enrollment.SubmissionBatch", region),
            "action": "close",
        },
        writes=Action.EXCHANGE_INSURER_FILES,
    ),
    # Insurer files hold every regency's people: read by the province, the liaison and
    # auditors; only the exchange roles upload.
    "enrollment:responses": Route(
        needs=Action.VIEW_INSURER_FILES, writes=Action.EXCHANGE_INSURER_FILES
    ),
    "enrollment:response": Route(
        needs=Action.VIEW_INSURER_FILES, args=_pk("enrollment.ResponseImport")
    ),
    # Auditors read the exits page; recording exits needs the right.
    "enrollment:exits": Route(needs=Action.VIEW_PEOPLE, writes=Action.RECORD_EXIT),
    "enrollment:exit": Route(
        needs=Action.RECORD_EXIT,
        args=_pk("enrollment.Enrollment"),
        regional=True,
        writes=Action.RECORD_EXIT,
    ),
    "reports:timeline": Route(
        needs=Action.VIEW_PEOPLE,
        args=_named("person_pk", "registry.Person", only_enrolled=True),
        regional=True,
    ),
    # The data subject's access: the province office only (regency officers never get it).
    "reports:subject_access": Route(
        needs=Action.EXPORT_SUBJECT_DATA,
        args=_named("person_pk", "registry.Person", only_enrolled=True),
        regional=True,
    ),
    # --- contributions
    "contributions:invoices": Route(),
    "contributions:invoice": Route(args=_pk("contributions.Invoice")),
    "contributions:invoice_pdf": Route(args=_pk("contributions.Invoice")),
    "contributions:invoice_xlsx": Route(args=_pk("contributions.Invoice")),
    "contributions:record_payment": Route(
        needs=Action.RECORD_PAYMENT, args=_pk("contributions.Invoice"), writes=Action.RECORD_PAYMENT
    ),
    "contributions:payments": Route(),
    "contributions:arrears": Route(),
    "contributions:reconciliation": Route(),
    "contributions:statement_upload": Route(
        needs=Action.MANAGE_BILLING, writes=Action.MANAGE_BILLING
    ),
    "contributions:statement": Route(args=_pk("contributions.StatementImport")),
    "contributions:resolve_lines": Route(
        needs=Action.MANAGE_BILLING,
        args=_pk("contributions.StatementImport"),
        regional=True,
        writes=Action.MANAGE_BILLING,
    ),
    "contributions:resolve_line": Route(
        needs=Action.MANAGE_BILLING,
        args=lambda world, region: {
            "pk": world.first("contributions.StatementImport", region),
            "line_pk": world.first("contributions.StatementLine", region),
        },
        regional=True,
        writes=Action.MANAGE_BILLING,
    ),
    "contributions:statement_export": Route(
        args=lambda world, region: {
            "pk": world.first("contributions.StatementImport", region),
            "file_format": "csv",
        },
    ),
    "contributions:budgets": Route(),
    "contributions:appropriation_add": Route(
        needs=Action.MANAGE_BUDGET, writes=Action.MANAGE_BUDGET
    ),
    "contributions:appropriation_amend": Route(
        needs=Action.MANAGE_BUDGET, writes=Action.MANAGE_BUDGET
    ),
    "contributions:scenario": Route(needs=Action.VIEW_MONEY),
    # --- reports
    "reports:dashboard": Route(needs=Action.VIEW_PEOPLE),
    "reports:regency": Route(
        needs=Action.VIEW_PEOPLE, args=lambda world, region: {"code": region}, regional=True
    ),
    "reports:shapes": Route(needs=Action.VIEW_PEOPLE),
    "reports:refresh": Route(needs=Action.MANAGE_PROGRAMMES, writes=Action.MANAGE_PROGRAMMES),
    "reports:public": Route(needs=PUBLIC),
    "reports:monthly": Route(
        needs=Action.VIEW_MONEY,
        query="?format=pdf",
        args=None,
    ),
    # --- REST API
    "api:api-root": Route(),
    # The schema and its docs need a login (issue 12.6).
    "api:schema": Route(),
    "api:docs": Route(),
    "api:public-regencies": Route(needs=PUBLIC),
    "api:regency-list": Route(),
    "api:regency-detail": Route(args=lambda world, region: {"code": region}),
    "api:person-list": Route(needs=Action.VIEW_PEOPLE),
    "api:person-detail": Route(
        needs=Action.VIEW_PEOPLE,
        args=lambda world, region: {"nik": world.value("registry.Person", region, "nik")},
        regional=True,
    ),
    "api:import-list": Route(needs=Action.VIEW_PEOPLE),
    "api:import-detail": Route(
        needs=Action.VIEW_PEOPLE, args=_pk("registry.CandidateImport"), regional=True
    ),
    "api:programme-list": Route(),
    "api:programme-detail": Route(args=_pk("programs.Programme")),
    "api:decision-list": Route(needs=Action.VIEW_PEOPLE),
    "api:decision-detail": Route(
        needs=Action.VIEW_PEOPLE, args=_pk("programs.Decision"), regional=True
    ),
    "api:enrollment-list": Route(needs=Action.VIEW_PEOPLE),
    "api:enrollment-detail": Route(
        needs=Action.VIEW_PEOPLE, args=_pk("enrollment.Enrollment"), regional=True
    ),
    "api:invoice-list": Route(needs=Action.VIEW_MONEY),
    "api:invoice-detail": Route(needs=Action.VIEW_MONEY, args=_pk("contributions.Invoice")),
    "api:invoice-line-list": Route(needs=Action.VIEW_MONEY),
    "api:invoice-line-detail": Route(
        needs=Action.VIEW_MONEY, args=_pk("contributions.InvoiceLine"), regional=True
    ),
    # Partner endpoints (issue 16.1/16.2): imports' and insurer files' rejects, money, claims.
    "api:import-reject-list": Route(needs=Action.VIEW_PEOPLE),
    "api:batch-list": Route(needs=Action.VIEW_PEOPLE),
    "api:batch-detail": Route(needs=Action.VIEW_PEOPLE, args=_pk("enrollment.SubmissionBatch")),
    "api:response-list": Route(needs=Action.VIEW_INSURER_FILES),
    "api:response-detail": Route(
        needs=Action.VIEW_INSURER_FILES, args=_pk("enrollment.ResponseImport")
    ),
    "api:response-reject-list": Route(needs=Action.VIEW_INSURER_FILES),
    "api:exit-import-list": Route(needs=Action.VIEW_PEOPLE),
    "api:exit-import-detail": Route(
        needs=Action.VIEW_PEOPLE, args=_pk("enrollment.ExitImport"), regional=True
    ),
    "api:exit-reject-list": Route(needs=Action.VIEW_PEOPLE),
    "api:claim-file-list": Route(needs=Action.VIEW_CLAIMS),
    "api:claim-file-detail": Route(needs=Action.VIEW_CLAIMS, args=_pk("benefits.ClaimImport")),
    "api:claim-reject-list": Route(needs=Action.VIEW_CLAIMS),
    "api:statement-list": Route(needs=Action.VIEW_MONEY),
    "api:statement-detail": Route(
        needs=Action.VIEW_MONEY, args=_pk("contributions.StatementImport")
    ),
    "api:statement-line-list": Route(needs=Action.VIEW_MONEY),
    "api:statement-reject-list": Route(needs=Action.VIEW_MONEY),
    "api:cohort-list": Route(),
    "api:cohort-detail": Route(args=_pk("programs.Cohort")),
    "api:payer-list": Route(needs=Action.VIEW_MONEY),
    "api:payer-detail": Route(needs=Action.VIEW_MONEY, args=_pk("programs.Payer")),
    "api:payment-list": Route(needs=Action.VIEW_MONEY, writes=Action.RECORD_PAYMENT),
    "api:payment-detail": Route(needs=Action.VIEW_MONEY, args=_pk("contributions.Payment")),
    "api:budgets": Route(needs=Action.VIEW_MONEY),
    "api:claim-list": Route(needs=Action.VIEW_CLAIMS),
    "api:claim-detail": Route(needs=Action.VIEW_CLAIMS, args=_pk("benefits.Claim"), regional=True),
    "api:dashboard": Route(needs=Action.VIEW_PEOPLE),
    "api:award-result-list": Route(),
    "api:job-detail": Route(args=_pk("jobs.Job"), regional=True),
    # Uploads are POST only (a GET is 405 for everyone).
    "api:upload-responses": Route(writes=Action.EXCHANGE_INSURER_FILES),
    "api:upload-exits": Route(writes=Action.RECORD_EXIT),
    "api:upload-statements": Route(writes=Action.MANAGE_BILLING),
    "api:upload-claims": Route(writes=Action.EXCHANGE_INSURER_FILES),
    # --- shell additions
    "attention": Route(),
    "upload_template": Route(needs=SIGNED_IN, args=lambda world, region: {"key": "candidates"}),
    # The auditors' integrity page and its exports (no person of another regency: auditors
    # read everything; regency officers may not open them).
    "reports:integrity": Route(needs=Action.VIEW_AUDIT),
    "reports:integrity_export": Route(
        needs=Action.VIEW_AUDIT, args=lambda world, region: {"check": "deceased"}, regional=False
    ),
    "health": Route(needs=PUBLIC, unavailable_ok=True),
    # --- contributions additions
    "contributions:apply_credit": Route(
        needs=Action.RECORD_PAYMENT, args=_pk("contributions.Invoice"), writes=Action.MANAGE_BILLING
    ),
    "contributions:issue_credit_note": Route(
        needs=Action.MANAGE_BILLING, args=_pk("contributions.Invoice"), writes=Action.MANAGE_BILLING
    ),
    "contributions:run_lapses": Route(needs=Action.MANAGE_BILLING, writes=Action.MANAGE_BILLING),
    # Maker-checker (issue 19, point 3): what waits for a second person, and the decisions.
    "contributions:approvals": Route(needs=Action.VIEW_MONEY),
    "contributions:decide_payment": Route(
        needs=Action.RECORD_PAYMENT,
        args=_pk("contributions.HeldPayment"),
        writes=Action.RECORD_PAYMENT,
    ),
    "contributions:write_off": Route(
        needs=Action.MANAGE_BILLING, args=_pk("contributions.Invoice"), writes=Action.MANAGE_BILLING
    ),
    "contributions:decide_write_off": Route(
        needs=Action.MANAGE_BILLING,
        args=_pk("contributions.WriteOff"),
        writes=Action.MANAGE_BILLING,
    ),
    # --- API clients and the DCI API (machine clients with a token only)
    "api:clients": Route(needs=Action.MANAGE_USERS, writes=Action.MANAGE_USERS),
    "api:client-revoke": Route(
        needs=Action.MANAGE_USERS, args=_pk("api.ApiClient"), writes=Action.MANAGE_USERS
    ),
    "api:dci-search": Route(needs=API_CLIENT),
    "api:dci-subscribe": Route(needs=API_CLIENT),
    "api:dci-sync-search": Route(needs=API_CLIENT),
    "api:dci-sync-txn-status": Route(needs=API_CLIENT),
    "api:dci-txn-status": Route(needs=API_CLIENT),
    "api:dci-unsubscribe": Route(needs=API_CLIENT),
    "api:not-found": Route(needs=PUBLIC),
    # --- benefits (claims: personal data, never public)
    "benefits:list": Route(),
    "benefits:claim": Route(args=_pk("benefits.Claim"), regional=True),
    "benefits:reassess": Route(
        needs=Action.MANAGE_CLAIMS,
        args=_pk("benefits.Claim"),
        regional=True,
        writes=Action.MANAGE_CLAIMS,
    ),
    "benefits:imports": Route(needs=Action.VIEW_CLAIMS, writes=Action.EXCHANGE_INSURER_FILES),
    "benefits:import": Route(args=_pk("benefits.ClaimImport")),
    "benefits:report_death": Route(needs=Action.MANAGE_CLAIMS, writes=Action.MANAGE_CLAIMS),
    "benefits:checks": Route(),
    "benefits:rules": Route(needs=Action.VIEW_CLAIMS),
    # --- Paritrana Award
    "awards:index": Route(),
    "awards:period_create": Route(needs=Action.MANAGE_AWARDS, writes=Action.MANAGE_AWARDS),
    "awards:period": Route(args=_pk("awards.AssessmentPeriod")),
    "awards:period_copy": Route(
        needs=Action.MANAGE_AWARDS,
        args=_pk("awards.AssessmentPeriod"),
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:period_settings": Route(
        needs=Action.MANAGE_AWARDS,
        args=_pk("awards.AssessmentPeriod"),
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:period_action": Route(
        needs=Action.MANAGE_AWARDS,
        args=lambda world, region: {
            "pk": world.first("awards.AssessmentPeriod", region),
            "action": "open",
        },
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:entry_add": Route(
        needs=Action.MANAGE_AWARDS,
        args=_pk("awards.AssessmentPeriod"),
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:panel_appoint": Route(
        needs=Action.MANAGE_AWARDS,
        args=_pk("awards.AssessmentPeriod"),
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:panel_conflict": Route(
        needs=Action.MANAGE_AWARDS,
        args=_pk("awards.AssessmentPeriod"),
        writes=Action.MANAGE_AWARDS,
    ),
    "awards:results": Route(args=_pk("awards.AssessmentPeriod")),
    "awards:export": Route(args=_pk("awards.AssessmentPeriod")),
    "awards:criteria": Route(
        needs=Action.MANAGE_AWARDS, args=_pk("awards.Category"), writes=Action.MANAGE_AWARDS
    ),
    "awards:entry": Route(args=_pk("awards.Entry"), regional=True),
    "awards:entry_values": Route(
        args=_pk("awards.Entry"), regional=True, writes=Action.SUBMIT_SELF_ASSESSMENT
    ),
    "awards:evidence_upload": Route(
        args=_pk("awards.Entry"), regional=True, writes=Action.SUBMIT_SELF_ASSESSMENT
    ),
    "awards:entry_submit": Route(
        args=_pk("awards.Entry"), regional=True, writes=Action.SUBMIT_SELF_ASSESSMENT
    ),
    "awards:entry_return": Route(
        args=_pk("awards.Entry"), regional=True, writes=Action.MANAGE_AWARDS
    ),
    "awards:entry_scores": Route(
        args=_pk("awards.Entry"), regional=True, writes=Action.SCORE_AWARDS
    ),
    "awards:evidence": Route(args=_pk("awards.Evidence"), regional=True),
    "awards:evidence_remove": Route(
        args=_pk("awards.Evidence"), regional=True, writes=Action.SUBMIT_SELF_ASSESSMENT
    ),
    "awards:public": Route(needs=PUBLIC),
    "awards:public_year": Route(needs=PUBLIC, args=lambda world, region: {"year": 2025}),
    "awards:public_entry": Route(needs=PUBLIC, args=_pk("awards.Entry")),
    "awards:certificate": Route(needs=PUBLIC, args=_pk("awards.Entry")),
    "awards:shapes": Route(needs=PUBLIC),
}

# URL name prefixes covered by one rule: Django's admin checks staff status on every page.
PREFIX_RULES: dict[str, Route] = {"admin:": Route(needs=STAFF)}


# --- The URL configuration --------------------------------------------------------------------


def url_names() -> dict[str, URLPattern]:
    """Every named URL of the project (format-suffix twins of API routes folded into one)."""
    names: dict[str, URLPattern] = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                full = f"{namespace}:{pattern.name}" if namespace else pattern.name
                names.setdefault(full, pattern)

    walk(get_resolver().url_patterns, None)
    return names


def route_for(name: str) -> Route | None:
    if name in MATRIX:
        return MATRIX[name]
    for prefix, route in PREFIX_RULES.items():
        if name.startswith(prefix):
            return route
    return None


def test_every_url_is_in_the_matrix_and_every_entry_is_a_url():
    names = url_names()
    missing = sorted(name for name in names if route_for(name) is None)
    assert missing == [], f"add these URLs to MATRIX in {__file__}: {missing}"
    stale = sorted(set(MATRIX) - set(names))
    assert stale == [], f"these MATRIX entries name no URL any more: {stale}"


# --- The world ------------------------------------------------------------------------------


class World:
    """A small demo (the NTT 2025 story) plus a regency import and a job in each regency."""

    def first(self, model_label: str, region: str, *, only_enrolled: bool = False) -> int:
        model = apps.get_model(model_label)
        rows = model.objects.order_by("pk")
        field = getattr(model, "REGENCY_SCOPE_FIELD", None)
        if field:
            rows = rows.filter(**{field: region})
        if only_enrolled:
            rows = rows.filter(pk__in=apps.get_model("enrollment.Enrollment").objects.values(
                "person_id"))  # fmt: skip
        return rows.values_list("pk", flat=True).first() or MISSING

    def value(self, model_label: str, region: str, field_name: str):
        model = apps.get_model(model_label)
        rows = model.objects.order_by("pk").filter(**{model.REGENCY_SCOPE_FIELD: region})
        return rows.values_list(field_name, flat=True).first() or "0" * 16


@pytest.fixture
def world(province_admin, regency_officer, outsider, settings, tmp_path):
    from lindungi.demo.services import DemoScale, load_demo
    from lindungi.jobs.models import Job
    from lindungi.programs.rate_changes import propose_rate_rule
    from lindungi.registry.importing import import_candidates
    from lindungi.registry.tests.helpers import candidate, write_csv

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(user=province_admin, scale=DemoScale(candidates=600, target=300, seed=12))
    # A rate change waiting for a second person (the decide page acts on it).
    propose_rate_rule(
        user=province_admin,
        component="JKM",
        kind="discount",
        value=2_500,
        effective_from=datetime.date(2028, 1, 1),
        legal_basis="PP 99/2027 (contoh)",
    )
    for officer, region, village in (
        (regency_officer, HOME, "53.05.01.1001"),
        (outsider, OTHER, "53.03.01.2005"),
    ):
        rows = [candidate(900 + index, village=village) for index in range(3)]
        rows.append({**rows[0], "NIK": "123"})  # a rejected row, for the rejects download
        path = write_csv(tmp_path / f"{region}.csv", rows)
        import_candidates(file=path, file_name=f"{region}.csv", user=officer, regency=region)
        Job.objects.create(kind="registry.import", label=region, created_by=officer,
                           regency_id=region)  # fmt: skip
    return World()


# --- The matrix -----------------------------------------------------------------------------

NIK = re.compile(rb"(?<!\d)\d{16}(?!\d)")
AUDITED_READS = ("registry.view_person", "accounts.login", "accounts.logout")


def _may(user, needs) -> bool:
    if needs == PUBLIC:
        return True
    if user is None:
        return False
    if needs == STAFF:
        return user.is_staff
    if needs == API_CLIENT:
        return False
    if needs == SIGNED_IN:
        return bool(user.role or user.is_superuser)
    return can(user, needs)


def _fingerprint() -> tuple:
    """Row counts of every Lindungi table (the audit trail among them), in one query: what a
    write would move."""
    from django.db import connection

    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("lindungi.")
        and model._meta.managed
        and model._meta.db_table != "audit_auditevent"
    )
    counts = ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    # Reads that are audited (opening a person's record, signing in, downloads) are not writes.
    reads = ", ".join(f"'{action}'" for action in AUDITED_READS)
    writes = (
        f"(SELECT COUNT(*) FROM audit_auditevent WHERE action NOT IN ({reads})"  # noqa: S608
        " AND action NOT LIKE 'export.%')"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}, {writes}")
        return tuple(zip([*tables, "audit writes"], cursor.fetchone(), strict=True))


def _personas(request) -> dict[str, Any]:
    names = [
        "province_admin",
        "province_officer",
        "regency_officer",
        "outsider",
        "insurer_liaison",
        "auditor",
    ]
    personas = {name: request.getfixturevalue(name) for name in names}
    personas["anonymous"] = None
    return personas


@pytest.mark.django_db
def test_no_role_reads_or_writes_beyond_its_rights_on_any_url(request, world):
    from lindungi.registry.models import Person

    names = url_names()
    personas = _personas(request)
    foreign_niks = {
        scope: {
            nik.encode()
            for nik in Person.objects.exclude(regency_id=scope).values_list("nik", flat=True)
        }
        for scope in (HOME, OTHER)
    }
    problems: list[str] = []
    for name in sorted(names):
        route = route_for(name)
        if name.startswith("admin:") and names[name].pattern.regex.groups:
            continue  # the admin's object pages share the index's staff check
        for persona, user in personas.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            limit = regency_scope(user) if user is not None else None
            for region in (HOME, OTHER) if route.args else (HOME,):
                kwargs = route.args(world, region) if route.args else {}
                try:
                    url = reverse(name, kwargs=kwargs) + route.query
                except Exception as error:
                    problems.append(f"{name}: cannot build its URL ({error})")
                    continue
                foreign = limit is not None and route.regional and region != limit
                allowed = _may(user, route.needs) and not foreign
                where = f"{name} {url} as {persona}"
                response = client.get(url)
                body = b"".join(response) if response.streaming else response.content
                if response.status_code >= 500 and not (
                    route.unavailable_ok and response.status_code == 503
                ):
                    problems.append(f"{where}: GET answered {response.status_code}")
                if response.status_code == 200 and not allowed:
                    problems.append(f"{where}: GET answered 200 without the right to")
                if limit is not None and response.status_code == 200:
                    leaked = set(NIK.findall(body)) & foreign_niks[limit]
                    if leaked:
                        problems.append(f"{where}: shows {len(leaked)} NIKs of other regencies")
                # A POST (with nothing in it) by anyone without the right changes nothing.
                may_write = route.writes is not None and _may(user, route.writes) and not foreign
                if may_write or name in {
                    "login",
                    "logout",
                    "set_language",
                    "admin:login",
                    "admin:logout",
                }:
                    continue
                before = _fingerprint()
                response = client.post(url, {})
                if response.status_code >= 500 and not (
                    route.unavailable_ok and response.status_code == 503
                ):
                    problems.append(f"{where}: POST answered {response.status_code}")
                if _fingerprint() != before:
                    problems.append(f"{where}: POST without the right changed the database")
    if problems:
        (Path(__file__).parent / ".matrix-problems.txt").write_text("\n".join(problems))
    assert problems == [], "\n".join(problems)
