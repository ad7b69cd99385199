"""Background handler: a selection started from the programme page runs here, with the job
page's progress bar. The CLI (`lindungi run_selection`) runs the same service inline."""

from dataclasses import asdict

from django.urls import reverse
from django.utils.translation import gettext as _

from lindungi.core.permissions import Action, require
from lindungi.jobs.registry import job_handler
from lindungi.programs.models import Programme
from lindungi.programs.selection import run_selection

SELECTION_JOB_KIND = "programs.selection"


@job_handler(SELECTION_JOB_KIND)
def run_selection_job(*, job, progress, programme_id: int, dry_run: bool = False) -> dict:
    programme = Programme.objects.get(pk=programme_id)
    summary = run_selection(
        user=job.created_by, programme=programme, dry_run=dry_run, progress=progress
    )
    return {**asdict(summary), "result_url": reverse("programs:detail", args=[programme.pk])}


def start_selection_job(*, user, programme: Programme):
    """Queue the selection of `programme` as a job; returns the Job. The permission is checked
    here, not only by the page that offers the button."""
    from lindungi.jobs.services import start_job

    require(user, Action.RUN_SELECTION)
    return start_job(
        kind=SELECTION_JOB_KIND,
        params={"programme_id": programme.pk},
        user=user,
        label=_("Selection: %(programme)s") % {"programme": programme.name},
    )
