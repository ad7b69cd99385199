"""Reconciliation pages: statements, upload, the report by category, resolving a line and
formula-safe exports. Thin: parse, call a selector or service, render."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.contributions.choices import ReconciliationCategory
from lindungi.contributions.exports import (
    is_large,
    statement_name,
    statement_rows,
    write_statement_export,
)
from lindungi.contributions.forms import ResolveForm, StatementForm
from lindungi.contributions.jobs import STATEMENT_EXPORT_JOB_KIND
from lindungi.contributions.lists import STATEMENT_LINES, STATEMENTS
from lindungi.contributions.reconciliation import (
    resolve_line,
    resolve_lines,
    start_statement_import,
)
from lindungi.contributions.selectors import (
    get_statement,
    list_statement_lines,
    list_statement_rejections,
    statement_summary,
)
from lindungi.core.dates import Month
from lindungi.core.errors import LindungiError
from lindungi.core.exports import XLSX_CONTENT_TYPE
from lindungi.core.permissions import Action, can, require, scoped_ids
from lindungi.jobs.services import start_job

PAGE_SIZE = 200


@login_required
def reconciliation(request, form: StatementForm | None = None):
    listing = STATEMENTS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "contributions/reconciliation.html",
        {
            "statements": listing,
            "listing": listing,
            "form": form or StatementForm(),
            "may_import": can(request.user, Action.MANAGE_BILLING),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def statement_upload(request):
    require(request.user, Action.MANAGE_BILLING)
    form = StatementForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_statement_import(
                user=request.user,
                uploaded_file=upload,
                programme=form.cleaned_data["programme"],
                month=Month.parse(form.cleaned_data["month"]),
                payer=form.cleaned_data.get("payer"),
            )
        except LindungiError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The statement is being reconciled in the background."))
            return redirect("jobs:detail", pk=job.pk)
    return reconciliation(request, form=form)


@login_required
def statement_detail(request, pk: int):
    statement = get_statement(request.user, pk)
    listing = STATEMENT_LINES.page(request, statement_id=statement.pk)
    if listing.export is not None:
        return listing.export
    category = request.GET.get("category", "")
    return render(
        request,
        "contributions/statement_detail.html",
        {
            "statement": statement,
            "summary": statement_summary(request.user, statement),
            "lines": listing,
            "listing": listing,
            "rejected": list_statement_rejections(request.user, statement.pk)[:PAGE_SIZE],
            "superseded_by": getattr(statement, "superseded_by", None),
            "category": category,
            "categories": ReconciliationCategory.choices,
            "resolve_form": ResolveForm(),
            "may_resolve": can(request.user, Action.MANAGE_BILLING),
        },
    )


@login_required
@require_POST
def statement_line_resolve(request, pk: int, line_pk: int):
    require(request.user, Action.MANAGE_BILLING)
    statement = get_statement(request.user, pk)
    line = get_object_or_404(list_statement_lines(request.user, statement.pk), pk=line_pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A resolution needs a note."))
    else:
        try:
            resolve_line(line=line, note=form.cleaned_data["note"], user=request.user)
        except LindungiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Line resolved."))
    return redirect("contributions:statement", pk=statement.pk)


@login_required
@require_POST
def statement_lines_resolve(request, pk: int):
    """The bulk resolution: the selected lines, a confirmation page, then one service call."""
    require(request.user, Action.MANAGE_BILLING)
    statement = get_statement(request.user, pk)
    back = reverse("contributions:statement", args=[statement.pk])
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A resolution needs a note."))
        return redirect(back)
    note, ids = form.cleaned_data["note"], request.POST.getlist("ids")
    try:
        if request.POST.get("confirm") != "1":
            lines = list_statement_lines(request.user, statement.pk)
            chosen = scoped_ids(request.user, lines, ids)
            return render(
                request,
                "web/bulk_confirm.html",
                {
                    "title": _("Resolve statement lines"),
                    "question": ngettext(
                        "Resolve %(n)s line with the note “%(note)s”?",
                        "Resolve %(n)s lines with the note “%(note)s”?",
                        len(chosen),
                    )
                    % {"n": len(chosen), "note": note},
                    "items": [
                        f"{line.row_number or '–'} · {line.kpj} · {line.get_category_display()}"
                        for line in lines.filter(pk__in=chosen).order_by("row_number", "id")
                    ],
                    "ids": chosen,
                    "hidden": {"note": note},
                    "action": reverse("contributions:resolve_lines", args=[statement.pk]),
                    "back": back,
                },
            )
        count = resolve_lines(user=request.user, statement=statement, ids=ids, note=note)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, ngettext("%(n)s line resolved.", "%(n)s lines resolved.", count) % {"n": count}
        )
    return redirect(back)


@login_required
def statement_export(request, pk: int, file_format: str):
    """The lines the user may see, every text cell neutralised against formulas; a large
    statement is written by a job and downloaded from its page (issue 17.3)."""
    statement = get_statement(request.user, pk)
    if file_format not in {"csv", "xlsx"}:
        raise Http404(file_format)
    if is_large(statement_rows(request.user, statement)):
        job = start_job(
            kind=STATEMENT_EXPORT_JOB_KIND,
            params={"statement_id": statement.pk, "file_format": file_format},
            user=request.user,
            label=_("Reconciliation export %(name)s") % {"name": statement_name(statement)},
        )
        return redirect("jobs:detail", pk=job.pk)
    record_export(user=request.user, kind="statement", target=statement, file_format=file_format)
    name = statement_name(statement)
    if file_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        write_statement_export(request.user, statement, file_format, response)
        return response
    # Written to a temporary file, not memory, then streamed.
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_statement_export(request.user, statement, file_format, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
