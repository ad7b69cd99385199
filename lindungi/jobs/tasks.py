"""The one django-tasks task: run a Job row. Handlers never become tasks themselves."""

from django_tasks import task

from lindungi.jobs.services import execute_job


@task()
def run_job(job_id: int) -> str | None:
    return execute_job(job_id=job_id)
