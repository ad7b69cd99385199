"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser of its own (`make browser-deps` installs Chromium).
"""

import os
from importlib import import_module
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it (creating users) are still ordinary synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Tests write screenshots under var/ so a test run leaves the checkout clean;
# `LINDUNGI_SCREENSHOTS=docs/screenshots make test-only` refreshes the ones the README shows.
SCREENSHOTS = ROOT / os.environ.get("LINDUNGI_SCREENSHOTS", "var/screenshots")
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` first.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "locale": "id-ID"}


FROZEN_MIGRATIONS = (
    "lindungi.audit.migrations.0002_append_only_triggers",
    "lindungi.contributions.migrations.0004_frozen_records",
    "lindungi.programs.migrations.0009_frozen_approved_selection",
    "lindungi.contributions.migrations.0009_maker_checker_held_payments_write_offs",
    "lindungi.programs.migrations.0013_proposed_rate_rules",
)


def _set_audit_guard(*, enabled: bool) -> None:
    """Switch the append-only triggers (the audit trail's and the frozen records') on or off."""
    from django.db import connection

    if connection.vendor == "postgresql":
        action = "ENABLE" if enabled else "DISABLE"
        tables = ["audit_auditevent"]
        for name in FROZEN_MIGRATIONS[1:]:
            tables += import_module(name).TABLES
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER USER")
        return
    with connection.cursor() as cursor:
        for name in FROZEN_MIGRATIONS:
            triggers = import_module(name)
            for statement in triggers.SQLITE_FORWARD if enabled else triggers.SQLITE_BACKWARD:
                cursor.execute(statement)


@pytest.fixture(scope="module", autouse=True)
def _database_for_the_live_server(django_db_setup, django_db_blocker):
    """The live server needs a transactional test database, which Django empties after each
    test (TRUNCATE on PostgreSQL, DELETE on SQLite). The audit trail refuses both, so its
    append-only guard is lifted while a browser module runs; these tests are about pages, and
    the guard itself is tested in the audit app. Afterwards the regions are loaded again and
    the guard restored, so the test modules that run later find the database as they expect."""
    with django_db_blocker.unblock():
        _set_audit_guard(enabled=False)
    yield
    with django_db_blocker.unblock():
        _restore_reference_data()
        _set_audit_guard(enabled=True)


def _restore_reference_data() -> None:
    """Put back what migrations and the session set-up loaded, which the flush emptied."""
    from lindungi.programs.models import RateRule
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    if not RateRule.objects.exists():
        rates = import_module("lindungi.programs.migrations.0002_seed_rate_rules")
        RateRule.objects.bulk_create(RateRule(**rule) for rule in rates.RULES)
    from lindungi.benefits.models import BenefitRule
    from lindungi.benefits.rules import load_benefit_rules

    # The benefit rules, loaded by the benefits app's data migration.
    if not BenefitRule.objects.exists():
        load_benefit_rules()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
