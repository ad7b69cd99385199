"""Two workers billing the same month at once must yield one invoice (PostgreSQL only:
SQLite serialises writers, so the race cannot happen there).

The audit table refuses TRUNCATE and DELETE, so a transactional test (flushed afterwards)
cannot run here. Instead the data is committed from helper threads, the audit write is
stubbed for the two workers, and the committed rows are removed with plain SQL at the end.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Invoice, InvoiceDetail, InvoiceLine, Payer
from lindungi.core.dates import Month
from lindungi.core.sql import table
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Cohort, Programme
from lindungi.programs.tests.helpers import cohort_with_payer
from lindungi.registry.models import Person


def in_thread(function: Callable[[], object]) -> object:
    """Run on a fresh connection that commits, as another worker would."""
    result: list = []
    errors: list = []

    def target() -> None:
        try:
            result.append(function())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _setup():
    from lindungi.contributions.tests.conftest import enroll
    from lindungi.programs.choices import FundingSource, PayerType

    programme = Programme.objects.create(
        name="Concurrency",
        province_id="53",
        year=2025,
        coverage_start="2025-07-18",
        coverage_end="2025-12-31",
        target_headcount=50,
    )
    cohort = cohort_with_payer(
        programme=programme,
        name="APBD",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemprov NTT (concurrency test)",
        funding_source=FundingSource.APBD,
        headcount=50,
    )
    for _ in range(50):
        enroll(cohort)
    return programme.pk


def _cleanup(programme_id: int) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The invoice is frozen (contributions migration 0004): lift the triggers for the
        # clean-up of this committed test data only.
        cursor.execute("SET session_replication_role = replica")
        for model, where in (
            (InvoiceDetail, "invoice_id IN (SELECT id FROM {i} WHERE programme_id = %s)"),
            (InvoiceLine, "invoice_id IN (SELECT id FROM {i} WHERE programme_id = %s)"),
            (Invoice, "programme_id = %s"),
        ):
            cursor.execute(
                f"DELETE FROM {table(model)} WHERE " + where.format(i=table(Invoice)),  # noqa: S608
                [programme_id],
            )
        people = list(
            Enrollment.objects.filter(programme_id=programme_id).values_list("person_id", flat=True)
        )
        Enrollment.objects.filter(programme_id=programme_id).delete()
        Person.objects.filter(pk__in=people).delete()
        Cohort.objects.filter(programme_id=programme_id).delete()
        Programme.objects.filter(pk=programme_id).delete()
        cursor.execute(
            f"DELETE FROM {quote(Payer._meta.db_table)} WHERE name = %s",  # noqa: S608
            ["Pemprov NTT (concurrency test)"],
        )
        cursor.execute("SET session_replication_role = origin")


@pytest.mark.postgres
def test_two_concurrent_runs_yield_one_invoice(db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    monkeypatch.setattr("lindungi.contributions.billing.record_event", lambda **kwargs: None)
    # Nor may the workers leave a committed summary-refresh task behind for later tests.
    monkeypatch.setattr("lindungi.contributions.billing.notify", lambda *args, **kwargs: None)
    programme_id = in_thread(_setup)
    try:
        barrier = threading.Barrier(2)
        outcomes: list = []

        def worker() -> tuple[int, int, int]:
            programme = Programme.objects.get(pk=programme_id)
            barrier.wait()
            result = bill_month(user=acting_officer(), programme=programme, month=Month(2025, 7))
            invoice = (result.created or result.existing)[0]
            return len(result.created), len(result.existing), invoice.pk

        threads = [
            threading.Thread(target=lambda: outcomes.append(in_thread(worker))) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome[:2] for outcome in outcomes) == [(0, 1), (1, 0)]
        assert outcomes[0][2] == outcomes[1][2]
        counts = in_thread(
            lambda: (
                Invoice.objects.filter(programme_id=programme_id).count(),
                InvoiceDetail.objects.filter(invoice__programme_id=programme_id).count(),
            )
        )
        assert counts == (1, 50)
    finally:
        in_thread(lambda: _cleanup(programme_id) or True)


@pytest.mark.postgres
def test_two_concurrent_statement_imports_yield_one_result(db, monkeypatch):
    """The same statement uploaded twice at once (two workers): one reconciliation, and the
    other import is refused as a repeat, not doubled."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import io

    from lindungi.accounts.models import User
    from lindungi.contributions.models import StatementImport, StatementLine
    from lindungi.contributions.reconciliation import import_statement, read_statement
    from lindungi.core.errors import InvalidInput

    monkeypatch.setattr("lindungi.contributions.reconciliation.record_event", lambda **kw: None)
    programme_id = in_thread(_setup)
    user_id = in_thread(lambda: User.objects.create(username="stmt_race", is_superuser=True).pk)
    try:
        kpjs = in_thread(
            lambda: list(
                Enrollment.objects.filter(programme_id=programme_id).values_list("kpj", flat=True)
            )
        )
        content = ("KPJ,Iuran\n" + "".join(f"{kpj},16800\n" for kpj in kpjs)).encode()
        barrier = threading.Barrier(2)
        outcomes: list = []

        def worker() -> str:
            programme = Programme.objects.get(pk=programme_id)
            statement_file = read_statement(io.BytesIO(content), month=Month(2025, 8))
            barrier.wait()
            try:
                import_statement(
                    programme=programme,
                    month=Month(2025, 8),
                    statement_file=statement_file,
                    file_name="race.csv",
                    user=User.objects.get(pk=user_id),
                )
            except InvalidInput as error:
                return error.code
            return "imported"

        threads = [
            threading.Thread(target=lambda: outcomes.append(in_thread(worker))) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["imported", "statement_already_imported"]
        counts = in_thread(
            lambda: (
                StatementImport.objects.filter(programme_id=programme_id).count(),
                StatementLine.objects.filter(statement__programme_id=programme_id).count(),
            )
        )
        assert counts == (1, 50)
    finally:

        def cleanup() -> bool:
            StatementLine.objects.filter(statement__programme_id=programme_id).delete()
            StatementImport.objects.filter(programme_id=programme_id).delete()
            User.objects.filter(pk=user_id).delete()
            _cleanup(programme_id)
            return True

        in_thread(cleanup)
