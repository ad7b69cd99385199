"""Handlers used only by the tests; importing this module registers them."""

from datetime import date

from lindungi.accounts.models import User
from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput
from lindungi.jobs.registry import job_handler


@job_handler("jobs_test.count")
def count(*, job, progress, n: int) -> dict:
    progress.start(n, "Menghitung")
    for _ in range(n):
        progress.advance()
    progress.finish()
    record_event(action="jobs_test.counted", target=job, summary={"n": n})
    return {"counted": n, "on": date(2025, 7, 18), "parts": [1, 2], "result_url": "/jobs/"}


@job_handler("jobs_test.explode")
def explode(*, job, progress, steps: int) -> dict:
    """Writes a user and two audit rows, reports some progress, then fails."""
    progress.start(steps, "Menulis")
    User.objects.create(username="written_by_failed_job")
    record_event(action="jobs_test.first_write", target=job)
    progress.advance(2)
    record_event(action="jobs_test.second_write", target=job)
    progress.advance(1)
    raise RuntimeError("boom")


@job_handler("jobs_test.refuse")
def refuse(*, job, progress) -> dict:
    record_event(action="jobs_test.before_refusal", target=job)
    raise InvalidInput("Berkas tidak memiliki kolom NIK.", code="missing_column")


@job_handler("jobs_test.not_a_dict")
def not_a_dict(*, job, progress) -> dict:
    record_event(action="jobs_test.before_bad_result", target=job)
    return ["not", "a", "dict"]  # type: ignore[return-value]


@job_handler("jobs_test.echo_url")
def echo_url(*, job, progress, url: str) -> dict:
    return {"result_url": url}
