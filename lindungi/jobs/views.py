import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_htmx.http import HTMX_STOP_POLLING

from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, require
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.files import is_expired, job_file_path
from lindungi.jobs.lists import JOBS
from lindungi.jobs.models import Job
from lindungi.jobs.selectors import get_job, get_progress, job_as_dict
from lindungi.jobs.worker import worker_status


def _visible_job(request, pk: int) -> Job:
    try:
        return get_job(user=request.user, job_id=pk)
    except Job.DoesNotExist:
        # Another regency's job looks exactly like a job that does not exist.
        raise Http404 from None


def result_template_name(kind: str) -> str:
    """The optional per-kind result template, e.g. "registry/jobs/registry_import_result.html"."""
    app = kind.split(".", 1)[0]
    return f"{app}/jobs/{kind.replace('.', '_')}_result.html"


def _result_rows(result: dict) -> list[tuple[str, object]]:
    """The fallback display of a result: one row per key, nested values as JSON."""
    rows = []
    for key, value in result.items():
        if key == "result_url":
            continue
        if not (value is None or isinstance(value, str | int | float | bool)):
            value = json.dumps(value, ensure_ascii=False)
        rows.append((key, value))
    return rows


def _progress_context(request, job: Job) -> dict:
    context = {"job": job, "progress": get_progress(job), "show_detail": request.user.is_superuser}
    if job.is_finished and job.result is not None:
        name = result_template_name(job.kind)
        try:
            get_template(name)
        except TemplateDoesNotExist:
            context["result_rows"] = _result_rows(job.result)
        else:
            context["result_template"] = name
        context["result"] = job.result
        url = job.result.get("result_url") or ""
        # Results are built from user input (file names, filters); never link off-site.
        if isinstance(url, str) and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            context["result_url"] = url
    return context


def start_from_page(
    start: Callable[[], Job], *, refused: Callable[[str], object]
) -> HttpResponse | None:
    """Start a job from a page's form: the redirect to the job's page, or None after handing
    a refusal's (translated) message to `refused` (a form error or a message), so the page is
    shown again."""
    try:
        job = start()
    except LindungiError as error:
        refused(error.message)
        return None
    return redirect("jobs:detail", pk=job.pk)


@login_required
def job_list(request):
    listing = JOBS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "jobs/job_list.html",
        {"page": listing, "listing": listing, "workers": worker_status()},
    )


@never_cache
def health(request):
    """For a monitor: 200 when the database answers and a worker is alive, else 503.

    No login and no personal data: counts and ages only."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status = worker_status()
    except DatabaseError:
        return JsonResponse({"status": "down", "database": "unreachable"}, status=503)
    body = {
        "status": "ok" if status.healthy else "degraded",
        "database": "ok",
        "workers_alive": len(status.alive),
        "last_heartbeat_seconds": min(
            (int((timezone.now() - beat.last_seen).total_seconds()) for beat in status.alive),
            default=None,
        ),
        "jobs_queued": status.queued,
        "jobs_running": status.running,
        "oldest_queued_seconds": status.oldest_queued_seconds,
    }
    return JsonResponse(body, status=200 if status.healthy else 503)


@login_required
def job_detail(request, pk: int):
    job = _visible_job(request, pk)
    return render(request, "jobs/job_detail.html", _progress_context(request, job))


@login_required
def job_progress(request, pk: int):
    """The htmx partial the detail page polls; 286 tells htmx to stop once the job is done."""
    job = _visible_job(request, pk)
    response = render(request, "jobs/_progress.html", _progress_context(request, job))
    if job.is_finished:
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
def job_json(request, pk: int):
    return JsonResponse(job_as_dict(_visible_job(request, pk)))


@login_required
def job_file(request, pk: int):
    """The file a finished job produced (a large export), for the user who started it only.

    The job is read through `scoped()` (another regency's job is a 404), must be the user's own
    (an export holds what its creator may read, no more and no less), and the permission the
    file needs is checked again now: a user who lost it cannot take an old file."""
    job = _visible_job(request, pk)
    result = job.result or {}
    name = result.get("file")
    if job.created_by_id != request.user.pk or job.status != JobStatus.SUCCEEDED or not name:
        raise Http404
    action = result.get("action")
    if action:
        try:
            require(request.user, Action(action))
        except ValueError:
            raise PermissionDenied("unknown_action") from None
    suffix = str(name).rsplit(".", 1)[-1]
    path = job_file_path(job.pk, suffix)
    if is_expired(job.finished_at) or not path.exists():
        path.unlink(missing_ok=True)
        return HttpResponse(
            _("This file has expired; start the export again."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=str(result.get("download_name") or path.name),
    )
