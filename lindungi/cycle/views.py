"""Thin views of the yearly cycle: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.core.errors import LindungiError
from lindungi.core.exports import iter_rows, xlsx_response
from lindungi.core.permissions import Action, can, require, scoped
from lindungi.cycle import selectors
from lindungi.cycle.choices import EntryOutcome
from lindungi.cycle.closing import begin_closing, close_programme, closeout_report
from lindungi.cycle.documents import closeout_pdf, closeout_xlsx
from lindungi.cycle.forms import CommentForm, ExceptionForm, RenewForm
from lindungi.cycle.models import Renewal, RenewalEntry
from lindungi.cycle.renewal import preview_renewal, renew_programme
from lindungi.cycle.verification import approve_renewal, comment_entry, reverify, set_exception
from lindungi.programs.models import Programme

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def renew(request, pk: int):
    """GET: the preview of next year's programme; POST: renew."""
    require(request.user, Action.MANAGE_PROGRAMMES)
    programme = get_object_or_404(Programme, pk=pk)
    form = RenewForm(request.POST or None, initial={"year": programme.year + 1})
    year = programme.year + 1
    if request.method == "POST" and form.is_valid():
        try:
            renewal = renew_programme(
                user=request.user, programme=programme, year=form.cleaned_data["year"]
            )
        except LindungiError as error:
            messages.error(request, error.message)
            return redirect("cycle:renew", pk=pk)
        return redirect("cycle:renewal", pk=renewal.pk)
    preview = error = None
    try:
        preview = preview_renewal(programme=programme, year=year)
    except LindungiError as problem:
        error = problem.message
    return render(
        request,
        "cycle/renew.html",
        {"programme": programme, "preview": preview, "error": error, "form": form},
    )


@login_required
@require_POST
def close(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    try:
        if programme.status == "active":
            begin_closing(user=request.user, programme=programme)
            messages.success(request, _("Coverage has ended: the programme is closing."))
        else:
            close_programme(user=request.user, programme=programme)
            messages.success(request, _("The programme is closed."))
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("cycle:closeout", pk=pk)


def _report(request, programme: Programme) -> dict:
    require(request.user, Action.VIEW_MONEY)
    if not can(request.user, Action.MANAGE_BILLING):
        # The report is province-wide money: regency officers read their own pages instead.
        require(request.user, Action.VIEW_AUDIT)
    closeout = selectors.get_closeout(programme)
    return closeout.report if closeout else closeout_report(programme)


@login_required
def closeout(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    report = _report(request, programme)
    return render(
        request,
        "cycle/closeout.html",
        {
            "programme": programme,
            "report": report,
            "frozen": selectors.get_closeout(programme) is not None,
            "can_close": can(request.user, Action.MANAGE_PROGRAMMES)
            and programme.status in ("active", "closing"),
        },
    )


@login_required
def closeout_xlsx_view(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    response = HttpResponse(closeout_xlsx(_report(request, programme)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="penutupan-{programme.pk}.xlsx"'
    return response


@login_required
def closeout_pdf_view(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    response = HttpResponse(
        closeout_pdf(_report(request, programme)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="penutupan-{programme.pk}.pdf"'
    return response


@login_required
def renewal_diff(request, pk: int):
    renewal = get_object_or_404(
        Renewal.objects.select_related("from_programme", "to_programme"), pk=pk
    )
    outcome = request.GET.get("outcome") or ""
    if outcome and outcome not in EntryOutcome.values:
        raise Http404
    entries = selectors.list_entries(user=request.user, renewal=renewal, outcome=outcome or None)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # The counts the user may see: a regency officer's own regency's part only.
    outcomes = [
        (value, label, scoped(request.user, renewal.entries.filter(outcome=value)).count())
        for value, label in EntryOutcome.choices
    ]
    return render(
        request,
        "cycle/renewal.html",
        {
            "renewal": renewal,
            "page": page,
            "outcome": outcome,
            "outcomes": outcomes,
            "reasons": renewal.counts.get("reasons", {}),
            "can_approve": can(request.user, Action.APPROVE_SELECTION),
            "exception_form": ExceptionForm(),
            "comment_form": CommentForm(),
        },
    )


@login_required
def renewal_xlsx(request, pk: int):
    renewal = get_object_or_404(Renewal, pk=pk)
    entries = selectors.list_entries(user=request.user, renewal=renewal)
    return xlsx_response(
        filename=f"verifikasi-ulang-{renewal.pk}.xlsx",
        headers=[
            "NIK",
            _("Name"),
            _("Regency"),
            _("Outcome"),
            _("Reason"),
            "Desil",
            _("Exception"),
            _("Comment"),
        ],
        rows=iter_rows(
            entries,
            [
                "person__nik",
                "person__full_name",
                "regency__name",
                "outcome",
                "reason",
                "desil",
                "exception_note",
                "comment",
            ],
        ),
        text_columns=(0,),
    )


@login_required
@require_POST
def reverify_view(request, pk: int):
    renewal = get_object_or_404(Renewal, pk=pk)
    try:
        reverify(user=request.user, renewal=renewal)
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("cycle:renewal", pk=pk)


@login_required
@require_POST
def approve(request, pk: int):
    renewal = get_object_or_404(Renewal, pk=pk)
    try:
        counts = approve_renewal(user=request.user, renewal=renewal)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved: %(carried)s people continue from 1 January.") % counts,
        )
    return redirect("cycle:renewal", pk=pk)


def _entry(request, pk: int) -> RenewalEntry:
    entry = scoped(request.user, RenewalEntry.objects.select_related("renewal")).filter(pk=pk)
    return get_object_or_404(entry)


@login_required
@require_POST
def exception(request, pk: int):
    entry = _entry(request, pk)
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome and write why (at least 10 characters)."))
    else:
        try:
            set_exception(
                user=request.user,
                renewal=entry.renewal,
                entry=entry,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except LindungiError as error:
            messages.error(request, error.message)
    return redirect("cycle:renewal", pk=entry.renewal_id)


@login_required
@require_POST
def comment(request, pk: int):
    entry = _entry(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_entry(user=request.user, entry=entry, comment=form.cleaned_data["comment"])
        except LindungiError as error:
            messages.error(request, error.message)
    return redirect("cycle:renewal", pk=entry.renewal_id)
