"""The background task other apps enqueue (through services.schedule_refresh) after a change."""

from dataclasses import asdict

from django_tasks import task

from lindungi.audit.context import audit_context
from lindungi.reports.services import refresh_after


@task()
def refresh_summaries_task(kind: str, regency: str | None = None) -> dict:
    with audit_context(source="system", reference=f"reports.refresh:{kind}"):
        return asdict(refresh_after(kind, regency=regency))
