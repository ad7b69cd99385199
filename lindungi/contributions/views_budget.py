"""Budget pages (appropriations, amendments, burn-down with forecast) and the scenario
calculator. Thin: parse, call a selector or service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.contributions.budget import (
    add_appropriation,
    amend_appropriation,
    budget_overview,
    scenario,
)
from lindungi.contributions.forms import AmendmentForm, AppropriationForm, ScenarioForm
from lindungi.contributions.selectors import list_appropriations, list_budget_payers
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, require


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return date.today().year


def chart_data(overview) -> dict:
    """Remaining budget per month: actual for billed months, then the forecast at the
    current monthly cost (dashed on the chart) to December."""
    labels, remaining, forecast = [], [], []
    billed = [index for index, (_label, spent, _left) in enumerate(overview.burn_down) if spent]
    last_billed = billed[-1] if billed else -1
    left = overview.appropriated
    for index, (label, _spent, actual) in enumerate(overview.burn_down):
        projected = overview.forecast is not None and index > last_billed
        left = left - overview.monthly_cost if projected else actual
        labels.append(label)
        remaining.append(left)
        forecast.append(projected)
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {
                "label": str(_("Remaining")),
                "data": remaining,
                "color": "#1f5f8b",
                "dashed": forecast,
            }
        ],
    }


@login_required
def budgets(request, appropriation_form=None, amendment_form=None):
    year = _year(request)
    payers = list_budget_payers(request.user)
    appropriations = list_appropriations(request.user, year)
    overviews = [
        budget_overview(payer=payer, fiscal_year=year)
        for payer in payers
        if any(a.payer_id == payer.pk for a in appropriations)
    ]
    may_manage = can(request.user, Action.MANAGE_BUDGET)
    invalid = appropriation_form is not None or amendment_form is not None
    return render(
        request,
        "contributions/budgets.html",
        {
            "year": year,
            "overviews": [(o, chart_data(o), f"burn-{o.payer.pk}") for o in overviews],
            "appropriations": appropriations,
            "may_manage": may_manage,
            "appropriation_form": appropriation_form
            or AppropriationForm(initial={"fiscal_year": year}),
            "amendment_form": amendment_form or AmendmentForm(),
        },
        status=400 if invalid else 200,
    )


@login_required
@require_POST
def appropriation_add(request):
    form = AppropriationForm(request.POST)
    if form.is_valid():
        try:
            add_appropriation(user=request.user, **form.cleaned_data)
        except LindungiError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Budget recorded."))
            return redirect_to_year(form.cleaned_data["fiscal_year"])
    return budgets(request, appropriation_form=form)


@login_required
@require_POST
def appropriation_amend(request):
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            amendment = amend_appropriation(user=request.user, **form.cleaned_data)
        except LindungiError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Amendment recorded."))
            return redirect_to_year(amendment.fiscal_year)
    return budgets(request, amendment_form=form)


def redirect_to_year(year: int):
    return redirect(f"{reverse('contributions:budgets')}?year={year}")


@login_required
def scenario_view(request):
    require(request.user, Action.VIEW_MONEY)
    form = ScenarioForm(request.GET or None)
    result, error = None, None
    if form.is_bound and form.is_valid():
        try:
            result = scenario(
                headcount=form.cleaned_data["headcount"],
                months=form.cleaned_data["months"],
                monthly_contribution=form.cleaned_data["monthly_contribution"],
                shares=form.shares(),
            )
        except LindungiError as caught:
            error = caught.message
    rows = []
    if result is not None:
        rows = [
            (name, result.per_month[name], result.per_period[name]) for name in result.per_month
        ]
    return render(
        request,
        "contributions/scenario.html",
        {"form": form, "result": result, "rows": rows, "error": error},
    )
