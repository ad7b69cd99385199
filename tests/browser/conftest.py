"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser of its own (`make browser-deps` installs Chromium).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it (creating users) are still ordinary synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
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


def _guard_audit_table_against_truncate(*, enabled: bool) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite has no TRUNCATE; its row triggers only fire on rows these tests never write
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE audit_auditevent {action} TRIGGER audit_auditevent_no_truncate"
        )


@pytest.fixture(scope="module", autouse=True)
def _database_for_the_live_server(django_db_setup, django_db_blocker):
    """The live server needs a transactional test database, which Django empties after each
    test with TRUNCATE. On PostgreSQL the audit trail refuses TRUNCATE (see the audit app's
    append-only triggers), so the guard is lifted for this module only; afterwards the regions
    are loaded again so the test modules that run later still find them."""
    with django_db_blocker.unblock():
        _guard_audit_table_against_truncate(enabled=False)
    yield
    from lindungi.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions(province_codes=["53"])
        _guard_audit_table_against_truncate(enabled=True)


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
