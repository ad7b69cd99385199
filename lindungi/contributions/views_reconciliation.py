"""Reconciliation pages: statements, upload, the report by category, resolving a line and
formula-safe exports. Thin: parse, call a selector or service, render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.contributions.choices import ReconciliationCategory
from lindungi.contributions.forms import ResolveForm, StatementForm
from lindungi.contributions.reconciliation import (
    resolve_line,
    resolve_lines,
    start_statement_import,
)
from lindungi.contributions.selectors import (
    get_statement,
    list_statement_lines,
    list_statement_rejections,
    list_statements,
    statement_summary,
)
from lindungi.core.dates import Month
from lindungi.core.errors import LindungiError
from lindungi.core.exports import neutralise, xlsx_response
from lindungi.core.permissions import Action, can, require, scoped_ids

EXPORT_HEADER = ("Baris", "KPJ", "NIK", "Kab/Kota", "Kategori", "Tagihan BPJS", "Seharusnya")
EXPORT_FIELDS = (
    "row_number",
    "kpj",
    "nik",
    "regency_id",
    "category",
    "insurer_amount",
    "expected_amount",
    "resolved",
    "resolution_note",
)
PAGE_SIZE = 200


@login_required
def reconciliation(request, form: StatementForm | None = None):
    statements = list_statements(request.user)
    return render(
        request,
        "contributions/reconciliation.html",
        {
            "statements": statements[:200],
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
    lines = list_statement_lines(request.user, statement.pk)
    category = request.GET.get("category", "")
    if category in ReconciliationCategory.values:
        lines = lines.filter(category=category)
    if request.GET.get("open"):
        lines = lines.filter(resolved=False)
    return render(
        request,
        "contributions/statement_detail.html",
        {
            "statement": statement,
            "summary": statement_summary(request.user, statement),
            "lines": lines.order_by("category", "row_number", "id")[:PAGE_SIZE],
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
    """The lines the user may see, every text cell neutralised against formulas."""
    statement = get_statement(request.user, pk)
    rows = (
        list_statement_lines(request.user, statement.pk)
        .order_by("category", "row_number", "id")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=2000)
    )
    header = (*EXPORT_HEADER, "Selesai", "Catatan")
    name = f"rekonsiliasi-{statement.month:%Y-%m}-{statement.pk}"
    if file_format not in {"csv", "xlsx"}:
        raise Http404(file_format)
    record_export(user=request.user, kind="statement", target=statement, file_format=file_format)
    if file_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(value) for value in row])
        return response
    # KPJ and NIK stay text so Excel keeps every digit; written to a temporary file, not memory.
    return xlsx_response(
        filename=f"{name}.xlsx",
        headers=header,
        rows=rows,
        sheet_title="Rekonsiliasi",
        text_columns=(1, 2),
    )
