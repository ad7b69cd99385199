"""Thin views: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, can_access_regency, require, scoped_ids
from lindungi.programs import selectors
from lindungi.programs.approval import (
    approve_run,
    decide_exclusion,
    decide_exclusions,
    propose_exclusion,
)
from lindungi.programs.choices import Outcome
from lindungi.programs.forms import (
    DecideExclusionForm,
    ExclusionForm,
    ProgrammeForm,
    RateRuleForm,
)
from lindungi.programs.jobs import start_selection_job
from lindungi.programs.lifecycle import editable_table
from lindungi.programs.lists import DECISIONS, decision_outcome
from lindungi.programs.models import (
    Decision,
    ExclusionProposal,
    Programme,
    ProposedRateRule,
    SelectionRun,
)
from lindungi.programs.rate_changes import decide_rate_rule, pending_proposals, propose_rate_rule
from lindungi.programs.reference import reference_values
from lindungi.programs.services import create_programme


@login_required
def programme_list(request):
    return render(
        request,
        "programs/programme_list.html",
        {
            "programmes": selectors.list_programmes(),
            "can_manage": can(request.user, Action.MANAGE_PROGRAMMES),
        },
    )


@login_required
def programme_create(request):
    require(request.user, Action.MANAGE_PROGRAMMES)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province, regency = data.pop("province"), data.pop("regency")
        try:
            programme = create_programme(
                user=request.user,
                province_code=province.code if province else None,
                regency_code=regency.code if regency else None,
                **data,
            )
        except LindungiError as error:
            form.add_error(None, error.message)
        else:
            return redirect("programs:detail", pk=programme.pk)
    return render(request, "programs/programme_form.html", {"form": form})


@login_required
def programme_detail(request, pk: int):
    programme = get_object_or_404(selectors.list_programmes(), pk=pk)
    run = selectors.current_run(programme)
    context = {
        "programme": programme,
        "editable": editable_table(programme),
        "shares": selectors.list_funding_shares(programme),
        "run": run,
        "quotas": selectors.list_run_quotas(run) if run else [],
        "results": selectors.regency_results(user=request.user, run=run)
        if run and can(request.user, Action.VIEW_PEOPLE)
        else [],
        "proposals": selectors.list_proposals(user=request.user, run=run)
        if run and can(request.user, Action.VIEW_PEOPLE)
        else [],
        "can_run": can(request.user, Action.RUN_SELECTION),
        "can_approve": can(request.user, Action.APPROVE_SELECTION),
        "can_decide": can(request.user, Action.DECIDE_EXCLUSION),
    }
    return render(request, "programs/programme_detail.html", context)


@login_required
def quotas(request, run_id: int):
    run = get_object_or_404(SelectionRun.objects.select_related("programme"), pk=run_id)
    return render(
        request,
        "programs/quotas.html",
        {
            "run": run,
            "quotas": selectors.list_run_quotas(run),
            "shapes": selectors.quota_map(run),
        },
    )


@login_required
def rate_table(request):
    """The rate table, the rate changes waiting for a second person, the reference settings
    with their sources, and (for managers) the form that proposes a new regulation's rates."""
    can_manage = can(request.user, Action.MANAGE_PROGRAMMES)
    form = RateRuleForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require(request.user, Action.MANAGE_PROGRAMMES)
        if form.is_valid():
            try:
                propose_rate_rule(user=request.user, **form.cleaned_data)
            except LindungiError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The rate is proposed; it applies once a second person approves it.")
                )
                return redirect("programs:rates")
    return render(
        request,
        "programs/rates.html",
        {
            "rules": selectors.list_rate_rules(),
            "proposals": pending_proposals(),
            "can_manage": can_manage,
            "reference": reference_values(),
            "form": form,
        },
    )


@login_required
@require_POST
def decide_rate(request, pk: int):
    """A second person approves or refuses a proposed rate (the service checks who)."""
    require(request.user, Action.MANAGE_PROGRAMMES)
    proposal = get_object_or_404(ProposedRateRule, pk=pk)
    try:
        decide_rate_rule(
            proposal=proposal,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("programs:rates")


@login_required
@require_POST
def start_selection(request, pk: int):
    """Start the selection as a job (a million candidates take seconds) and show its progress."""
    programme = get_object_or_404(Programme, pk=pk)
    try:
        job = start_selection_job(user=request.user, programme=programme)
    except LindungiError as error:
        messages.error(request, error.message)
        return redirect("programs:detail", pk=pk)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def approve(request, run_id: int):
    run = get_object_or_404(SelectionRun, pk=run_id)
    try:
        approve_run(user=request.user, run=run)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The selection is approved and frozen."))
    return redirect("programs:detail", pk=run.programme_id)


@login_required
def decisions(request, run_id: int, regency_code: str):
    if not can_access_regency(request.user, regency_code):
        raise Http404  # another regency's list looks like one that does not exist
    run = get_object_or_404(SelectionRun.objects.select_related("programme"), pk=run_id)
    outcome = decision_outcome(request.GET)
    listing = DECISIONS.page(request, run_id=run.pk, regency_code=regency_code)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "programs/decisions.html",
        {
            "run": run,
            "page": listing,
            "listing": listing,
            "show_full_nik": can(request.user, Action.VIEW_FULL_NIK),
            "outcome": outcome,
            "regency_code": regency_code,
            "outcomes": Outcome.choices,
            "can_propose": can(request.user, Action.PROPOSE_EXCLUSION),
        },
    )


@login_required
def explanation(request, run_id: int):
    run = get_object_or_404(SelectionRun.objects.select_related("programme"), pk=run_id)
    nik = (request.GET.get("nik") or "").strip()
    sentence = error = None
    decision = None
    if nik:
        try:
            sentence = selectors.explain(user=request.user, run=run, nik=nik)
            decision = selectors.get_decision(user=request.user, run=run, nik=nik)
        except Decision.DoesNotExist:
            error = _("No decision for this NIK in this selection.")
        except LindungiError as problem:
            error = problem.message
    return render(
        request,
        "programs/explain.html",
        {
            "run": run,
            "nik": nik,
            "sentence": sentence,
            "decision": decision,
            "error": error,
            "form": ExclusionForm(),
            "can_propose": can(request.user, Action.PROPOSE_EXCLUSION),
        },
    )


@login_required
@require_POST
def propose(request, run_id: int, nik: str):
    run = get_object_or_404(SelectionRun, pk=run_id)
    try:
        decision = selectors.get_decision(user=request.user, run=run, nik=nik)
    except Decision.DoesNotExist:
        raise Http404 from None
    form = ExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the exclusion (at least 10 characters)."))
    else:
        try:
            propose_exclusion(
                user=request.user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except LindungiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Exclusion proposed."))
    return redirect(f"{reverse('programs:explain', args=[run_id])}?nik={nik}")


@login_required
@require_POST
def decide(request, proposal_id: int):
    proposal = get_object_or_404(
        ExclusionProposal.objects.select_related("decision"), pk=proposal_id
    )
    form = DecideExclusionForm(request.POST)
    if form.is_valid():
        try:
            decide_exclusion(
                user=request.user,
                proposal=proposal,
                accept=form.cleaned_data["accept"],
                note=form.cleaned_data["note"],
            )
        except LindungiError as error:
            messages.error(request, error.message)
    return redirect("programs:detail", pk=proposal.decision.run.programme_id)


@login_required
@require_POST
def decide_many(request, run_id: int):
    """The bulk decision on exclusion proposals: a confirmation page, then one service call."""
    require(request.user, Action.DECIDE_EXCLUSION)
    run = get_object_or_404(SelectionRun, pk=run_id)
    back = reverse("programs:detail", args=[run.programme_id])
    form = DecideExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or refuse."))
        return redirect(back)
    accept, note = form.cleaned_data["accept"], form.cleaned_data["note"]
    ids = request.POST.getlist("ids")
    try:
        if request.POST.get("confirm") != "1":
            proposals = selectors.list_proposals(user=request.user, run=run)
            chosen = scoped_ids(request.user, proposals, ids)
            question = (
                ngettext(
                    "Accept %(n)s exclusion proposal? The next waitlisted people take the places.",
                    "Accept %(n)s exclusion proposals? The next waitlisted people take the places.",
                    len(chosen),
                )
                if accept
                else ngettext(
                    "Refuse %(n)s exclusion proposal?",
                    "Refuse %(n)s exclusion proposals?",
                    len(chosen),
                )
            )
            return render(
                request,
                "web/bulk_confirm.html",
                {
                    "title": _("Exclusion proposals"),
                    "question": question % {"n": len(chosen)},
                    "items": [
                        f"{p.decision.nik} · {p.decision.regency.name} · {p.reason}"
                        for p in proposals.filter(pk__in=chosen)
                    ],
                    "ids": chosen,
                    "hidden": {"accept": "1" if accept else "0", "note": note},
                    "action": reverse("programs:decide_many", args=[run.pk]),
                    "back": back,
                },
            )
        count = decide_exclusions(user=request.user, run=run, ids=ids, accept=accept, note=note)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(n)s proposal decided.", "%(n)s proposals decided.", count) % {"n": count},
        )
    return redirect(back)
