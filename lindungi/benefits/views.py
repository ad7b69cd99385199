"""Pages: claims, one claim (verdict, items checked, heirs, scholarships), claim files, the
province's death report, the differences with the insurer, and the rules in force.

Views parse input, call one selector or service and render; LindungiError becomes a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindungi.audit.context import audit_context
from lindungi.benefits import selectors
from lindungi.benefits.compute import explain
from lindungi.benefits.forms import ClaimFilterForm, ClaimUploadForm, DeathReportForm
from lindungi.benefits.importing import start_claims_import
from lindungi.benefits.lists import CLAIMS
from lindungi.benefits.models import BenefitRule
from lindungi.benefits.services import HeirInput, reassess_claim, report_death
from lindungi.core.dates import local_today
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, require


def _context(request):
    return audit_context(source="request", reference="", user_id=request.user.pk)


@login_required
def claim_list(request):
    form = ClaimFilterForm(request.GET or None)
    form.is_valid()
    listing = CLAIMS.page(request)
    if listing.export is not None:
        return listing.export
    rows = selectors.impact(user=request.user) if can(request.user, Action.VIEW_MONEY) else []
    return render(
        request,
        "benefits/list.html",
        {
            "form": form,
            "page": listing,
            "listing": listing,
            "totals": selectors.totals(rows),
            "can_manage": can(request.user, Action.MANAGE_CLAIMS),
            "can_exchange": can(request.user, Action.EXCHANGE_INSURER_FILES),
        },
    )


@require_GET
@login_required
def claim_detail(request, pk: int):
    claim = selectors.get_claim(user=request.user, pk=pk)
    with _context(request):
        heirs = list(selectors.list_heirs(user=request.user, claim=claim))
    payers = []
    if claim.cohort_id:
        cohort = claim.cohort
        payers = [share.payer.name for share in cohort.first_shares()]
    return render(
        request,
        "benefits/claim.html",
        {
            "claim": claim,
            "checks": selectors.item_checks(user=request.user, claim=claim),
            "heirs": heirs,
            "payers": payers,
            "calculation": explain(claim),
            "reason_labels": _reason_labels(claim),
            "can_manage": can(request.user, Action.MANAGE_CLAIMS),
        },
    )


def _reason_labels(claim) -> list[str]:
    from lindungi.benefits.choices import CoverReason

    labels = dict(CoverReason.choices)
    return [str(labels.get(code, code)) for code in claim.verdict_reasons]


@login_required
@require_POST
def claim_reassess(request, pk: int):
    claim = selectors.get_claim(user=request.user, pk=pk)
    try:
        with _context(request):
            reassess_claim(user=request.user, claim=claim)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim is assessed again."))
    return redirect("benefits:claim", pk=pk)


@login_required
def import_list(request):
    require(request.user, Action.VIEW_CLAIMS)
    form = ClaimUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request.user, Action.EXCHANGE_INSURER_FILES)
        if form.is_valid():
            try:
                with _context(request):
                    job = start_claims_import(
                        user=request.user, uploaded_file=form.cleaned_data["file"]
                    )
            except LindungiError as error:
                messages.error(request, error.message)
            else:
                return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "benefits/imports.html",
        {
            "form": form,
            "imports": selectors.list_imports(user=request.user)[:100],
            "can_exchange": can(request.user, Action.EXCHANGE_INSURER_FILES),
        },
    )


@login_required
def import_detail(request, pk: int):
    claim_import = selectors.get_import(user=request.user, pk=pk)
    return render(
        request,
        "benefits/import.html",
        {"claim_import": claim_import, "rejected": claim_import.rejected_rows.all()[:500]},
    )


@login_required
def death_report(request):
    require(request.user, Action.MANAGE_CLAIMS)
    form = DeathReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        heirs = [HeirInput(data["spouse_name"], "spouse")] if data["spouse_name"] else []
        for number in (1, 2):
            if data[f"child{number}_name"]:
                heirs.append(
                    HeirInput(
                        data[f"child{number}_name"],
                        "child",
                        data[f"child{number}_birth"],
                        data[f"child{number}_level"],
                    )
                )
        try:
            with _context(request):
                claim = report_death(
                    user=request.user,
                    nik=data["nik"],
                    died_on=data["died_on"],
                    kind=data["kind"],
                    reported_by_name=data["reported_by_name"],
                    note=data["note"],
                    heirs=tuple(heirs),
                )
        except LindungiError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The death is recorded as claim %(number)s.") % {"number": claim.number}
            )
            return redirect("benefits:claim", pk=claim.pk)
    return render(request, "benefits/report_death.html", {"form": form})


@login_required
def differences(request):
    items = selectors.list_differences(user=request.user)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(request, "benefits/checks.html", {"page": page})


@login_required
def rules(request):
    require(request.user, Action.VIEW_CLAIMS)
    today = local_today()
    return render(
        request,
        "benefits/rules.html",
        {
            "rules": BenefitRule.objects.all(),
            "rates": selectors.list_disability_rates(on=today),
            "today": today,
        },
    )
