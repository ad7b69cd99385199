"""Pages: enrollments by regency and state, batches, responses, exits.

Views parse input, call one selector or service and render; LindungiError becomes a message.
Uploads (insurer responses, exits) run as background jobs: the page redirects to the job.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, require
from lindungi.enrollment import selectors
from lindungi.enrollment.batches import (
    batch_csv_path,
    close_batch,
    make_submission,
    mark_batch_sent,
    write_batch_xlsx,
    write_cover_pdf,
)
from lindungi.enrollment.forms import (
    EnrollmentFilterForm,
    ExitForm,
    ExitUploadForm,
    ResponseUploadForm,
    SubmissionForm,
)
from lindungi.enrollment.jobs import BATCH_XLSX_JOB_KIND, BATCH_XLSX_JOB_THRESHOLD
from lindungi.enrollment.lists import BATCHES, ENROLLMENTS, EXIT_IMPORTS
from lindungi.enrollment.models import SubmissionBatch
from lindungi.enrollment.services import record_exit
from lindungi.enrollment.uploads import start_exits_job, start_response_job
from lindungi.jobs.services import start_job
from lindungi.jobs.views import start_from_page
from lindungi.programs.models import Programme


@login_required
def enrollment_list(request):
    form = EnrollmentFilterForm(request.GET or None)
    form.is_valid()
    listing = ENROLLMENTS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "enrollment/list.html",
        {
            "form": form,
            "listing": listing,
            "page": listing,
            "counts": selectors.count_by_state(user=request.user),
            "can_exit": can(request.user, Action.RECORD_EXIT),
            "show_full_nik": can(request.user, Action.VIEW_FULL_NIK),
        },
    )


@login_required
def batch_list(request):
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = get_object_or_404(Programme, pk=form.cleaned_data["programme"])
        try:
            batch = make_submission(
                user=request.user,
                programme=programme,
                start_date=form.cleaned_data["start_date"],
            )
        except LindungiError as error:
            messages.error(request, error.message)
        else:
            return redirect("enrollment:batch", pk=batch.pk)
    listing = BATCHES.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "enrollment/batches.html",
        {
            "batches": listing,
            "listing": listing,
            "form": form,
            "can_exchange": can(request.user, Action.EXCHANGE_INSURER_FILES),
        },
    )


@login_required
def batch_detail(request, pk: int):
    batch = selectors.get_batch(user=request.user, pk=pk)
    return render(
        request,
        "enrollment/batch.html",
        {
            "batch": batch,
            "responses": batch.responses.all(),
            "can_exchange": can(request.user, Action.EXCHANGE_INSURER_FILES),
        },
    )


@login_required
def batch_file(request, pk: int, kind: str):
    # The file lists people of every regency: only the insurer exchange roles may take it.
    require(request.user, Action.EXCHANGE_INSURER_FILES)
    batch = get_object_or_404(SubmissionBatch, pk=pk)
    if kind == "xlsx" and batch.people > BATCH_XLSX_JOB_THRESHOLD:
        # Writing a hundred thousand rows takes seconds: the worker writes the file.
        job = start_job(
            kind=BATCH_XLSX_JOB_KIND,
            params={"batch_id": batch.pk},
            user=request.user,
            label=_("Batch file %(number)s (XLSX)") % {"number": batch.number},
        )
        return redirect("jobs:detail", pk=job.pk)
    if kind in ("csv", "xlsx", "pdf"):
        record_export(user=request.user, kind="submission_batch", target=batch, file_format=kind)
    if kind == "csv":
        return FileResponse(
            batch_csv_path(batch).open("rb"),
            as_attachment=True,
            filename=batch.file_name,
            content_type="text/csv",
        )
    response = HttpResponse()
    if kind == "xlsx":
        response["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        write_batch_xlsx(batch, response)
    elif kind == "pdf":
        response["Content-Type"] = "application/pdf"
        write_cover_pdf(batch, response)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.{kind}"'
    return response


@login_required
@require_POST
def batch_action(request, pk: int, action: str):
    batch = get_object_or_404(SubmissionBatch, pk=pk)
    service = {"send": mark_batch_sent, "close": close_batch}.get(action)
    if service is None:
        raise Http404
    try:
        service(user=request.user, batch=batch)
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("enrollment:batch", pk=batch.pk)


@login_required
def response_upload(request):
    require(request.user, Action.VIEW_INSURER_FILES)
    may_upload = can(request.user, Action.EXCHANGE_INSURER_FILES)
    if request.method == "POST":
        require(request.user, Action.EXCHANGE_INSURER_FILES)
    form = ResponseUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = None
        if form.cleaned_data["batch"]:
            batch = SubmissionBatch.objects.filter(number=form.cleaned_data["batch"]).first()
        started = start_from_page(
            lambda: start_response_job(user=request.user, uploaded_file=upload, batch=batch),
            refused=lambda message: messages.error(request, message),
        )
        if started is not None:
            return started
    return render(
        request,
        "enrollment/responses.html",
        {
            "form": form if may_upload else None,
            "responses": selectors.list_responses(user=request.user)[:200],
        },
    )


@login_required
def response_detail(request, pk: int):
    response = get_object_or_404(selectors.list_responses(user=request.user), pk=pk)
    return render(
        request,
        "enrollment/response.html",
        {"response": response, "rejected": response.rejected_rows.all()[:500]},
    )


@login_required
def exits(request):
    require(request.user, Action.VIEW_PEOPLE)
    may_upload = can(request.user, Action.RECORD_EXIT)
    if request.method == "POST":
        require(request.user, Action.RECORD_EXIT)
    form = ExitUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        started = start_from_page(
            lambda: start_exits_job(
                user=request.user,
                uploaded_file=upload,
                deaths=form.cleaned_data["kind"] == "deaths",
            ),
            refused=lambda message: messages.error(request, message),
        )
        if started is not None:
            return started
    listing = EXIT_IMPORTS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "enrollment/exits.html",
        {
            "form": form if may_upload else None,
            "imports": listing,
            "listing": listing,
        },
    )


@login_required
def exit_one(request, pk: int):
    require(request.user, Action.RECORD_EXIT)
    enrollment = selectors.get_enrollment(user=request.user, pk=pk)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_exit(
                user=request.user,
                enrollment=enrollment,
                reason=form.cleaned_data["reason"],
                ended_on=form.cleaned_data["ended_on"],
                note=form.cleaned_data["note"],
            )
        except LindungiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The exit is recorded."))
            return redirect("reports:timeline", person_pk=enrollment.person_id)
    return render(request, "enrollment/exit_form.html", {"form": form, "enrollment": enrollment})
