"""Starting and running background jobs.

`start_job` records the job and queues one django-tasks task for it once the caller's
transaction commits; the worker (`lindungi db_worker`) then calls `execute_job`, which runs the
handler in one transaction: either everything it wrote is kept and the job succeeded, or
nothing is kept and the job failed with its error.
"""

import json
import logging
import traceback
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindungi.audit.context import audit_context
from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput, LindungiError
from lindungi.core.permissions import regency_scope
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job
from lindungi.jobs.progress import JobProgress, forget_live_progress
from lindungi.jobs.registry import get_handler, is_registered, runs_own_transactions
from lindungi.jobs.worker import current_worker_id, set_current_job
from lindungi.regions.models import Regency

logger = logging.getLogger(__name__)


def start_job(
    *,
    kind: str,
    params: dict[str, Any],
    user,
    label: str = "",
    regency: Regency | None = None,
) -> Job:
    """Record a queued job and have a worker run it once the current transaction commits."""
    if not is_registered(kind):
        raise InvalidInput(_("Unknown job kind: %(kind)s.") % {"kind": kind}, code="unknown_kind")
    try:
        # Params travel through the task queue as JSON; refuse what would not survive it.
        if not isinstance(params, dict):
            raise TypeError("params must be a dict")
        json.dumps(params, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidInput(
            _("Job parameters must be plain JSON values."), code="invalid_params"
        ) from error
    limit = regency_scope(user)
    if limit is not None:
        # A regency officer's work always belongs to their own regency.
        if regency is not None and regency.pk != limit:
            raise PermissionDenied("job_outside_regency")
        regency = Regency.objects.get(pk=limit) if regency is None else regency
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params,
            label=str(label)[:200],
            created_by=user,
            regency=regency,
        )
        record_event(
            action="jobs.start",
            target=job,
            after={
                "kind": kind,
                "label": job.label,
                "params": params,
                "regency": regency.pk if regency else None,
            },
            user=user,
        )
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from lindungi.jobs.tasks import run_job

    try:
        task_result = run_job.enqueue(job_id)
    except Exception as error:
        # Without a queued task the job would wait forever; say so on its page instead.
        logger.exception("Could not queue job %s", job_id)
        with (
            translation.override(settings.LANGUAGE_CODE),
            audit_context(source="system", reference=f"job:{job_id}"),
        ):
            record_failure(
                job_id=job_id,
                message=_("The job could not be queued. Please try again later."),
                error=error,
                progress=None,
            )
        return
    Job.objects.filter(pk=job_id).update(task_result_id=str(task_result.id)[:64])


def execute_job(*, job_id: int) -> str | None:
    """Run one queued job to its end; returns its final status, or None if it was not queued.

    Called by the `run_job` task. The claim is a conditional UPDATE, so a job handed to two
    workers still runs once.
    """
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), worker_id=current_worker_id()
    )
    if not claimed:
        logger.warning("Job %s is not queued; not running it again.", job_id)
        return None
    set_current_job(job_id)
    job = Job.objects.select_related("created_by", "regency").get(pk=job_id)
    progress = JobProgress(job.pk)
    # Stored messages are read in the default (Indonesian) interface.
    with (
        translation.override(settings.LANGUAGE_CODE),
        audit_context(source="job", reference=f"job:{job.pk}", user_id=job.created_by_id),
    ):
        try:
            handler = _handler_for(job.kind)
            if runs_own_transactions(job.kind):
                result = _as_json_result(handler(job=job, progress=progress, **job.params))
                with transaction.atomic():
                    _record_success(job=job, result=result, progress=progress)
            else:
                with transaction.atomic():
                    result = _as_json_result(handler(job=job, progress=progress, **job.params))
                    _record_success(job=job, result=result, progress=progress)
        except BaseException as error:
            if isinstance(error, LindungiError):
                message = error.message
            else:
                message = _(
                    "The job stopped because of an unexpected error; nothing it changed was "
                    "kept. Please report job number %(id)s to the administrator."
                ) % {"id": job.pk}
            record_failure(job_id=job.pk, message=message, error=error, progress=progress)
            if not isinstance(error, Exception):
                raise  # KeyboardInterrupt, SystemExit: the worker is stopping.
        finally:
            forget_live_progress(job.pk)
            set_current_job(None)
    return Job.objects.values_list("status", flat=True).get(pk=job.pk)


def _handler_for(kind: str):
    try:
        return get_handler(kind)
    except KeyError:
        raise LookupError(f"No handler is registered for job kind {kind!r}.") from None


def _as_json_result(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"A job handler must return a dict, not {type(value).__name__}.")
    # Dates and decimals become strings, exactly as the page and the JSON view will show them.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _record_success(*, job: Job, result: dict[str, Any], progress: JobProgress) -> None:
    """Inside the handler's transaction: the job succeeded only if its writes are kept."""
    progress_figures = progress.figures()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result=result,
        done=progress_figures["done"],
        total=progress_figures["total"],
    )
    record_event(
        action="jobs.succeed",
        target=job,
        before={"status": JobStatus.RUNNING},
        after={"status": JobStatus.SUCCEEDED},
        summary={
            "kind": job.kind,
            "done": progress_figures["done"],
            "total": progress_figures["total"],
        },
    )


def record_failure(
    *,
    job_id: int,
    message: str,
    error: BaseException,
    progress: JobProgress | None,
    only_if_status: tuple[str, ...] | None = None,
) -> None:
    """After the handler's transaction was rolled back: keep the error, in a new transaction.

    `only_if_status`: leave the job alone unless it is still in one of these states (the
    sweep of abandoned jobs must not overwrite a job that finished meanwhile)."""
    detail = "".join(traceback.format_exception(error))
    fields: dict[str, Any] = {
        "status": JobStatus.FAILED,
        "finished_at": timezone.now(),
        "error_message": str(message),
        "error_detail": detail,
    }
    if progress is not None:
        # How far it got before failing; the figures describe work that was undone.
        fields.update(done=progress.done, total=progress.total)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        previous_status = job.status
        if only_if_status is not None and previous_status not in only_if_status:
            return
        Job.objects.filter(pk=job_id).update(**fields)
        record_event(
            action="jobs.fail",
            target=job,
            before={"status": previous_status},
            after={"status": JobStatus.FAILED},
            summary={
                "kind": job.kind,
                "error": str(message),
                "exception": f"{type(error).__module__}.{type(error).__qualname__}",
            },
        )
