"""Paritrana Award pages for signed-in users. Thin: parse, call a selector or service, render.

The public results live in views_public.py.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.awards import assessment, panel, results, selectors, services, uploads
from lindungi.awards.choices import CategoryKind, IndicatorKind, PeriodStatus, SubmissionStatus
from lindungi.awards.documents import national_xlsx
from lindungi.awards.forms import (
    AppointForm,
    ConflictForm,
    CopyPeriodForm,
    CriterionFormSet,
    EntryForm,
    EvidenceForm,
    PeriodForm,
    PeriodSettingsForm,
    ReturnForm,
)
from lindungi.awards.models import Category, Criterion, PanelMember
from lindungi.core.errors import LindungiError
from lindungi.core.exports import XLSX_CONTENT_TYPE
from lindungi.core.permissions import Action, can, require


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@login_required
def index(request):
    periods = selectors.list_periods(request.user)
    may_manage = can(request.user, Action.MANAGE_AWARDS)
    latest = periods.first()
    return render(
        request,
        "awards/index.html",
        {
            "periods": periods,
            "may_manage": may_manage,
            "latest": latest,
            "period_form": PeriodForm(),
            "copy_form": CopyPeriodForm(initial={"year": (latest.year + 1) if latest else None}),
        },
    )


@require_POST
@login_required
def period_create(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:index")
    try:
        period = services.create_period(
            user=request.user,
            year=form.cleaned_data["year"],
            submission_deadline=form.cleaned_data["submission_deadline"],
            score_rule=form.cleaned_data["score_rule"],
            categories=tuple(form.cleaned_data["categories"]),
        )
    except LindungiError as error:
        messages.error(request, error.message)
        return redirect("awards:index")
    return redirect("awards:period", pk=period.pk)


@require_POST
@login_required
def period_copy(request, pk: int):
    source = selectors.get_period(request.user, pk)
    form = CopyPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:index")
    try:
        period = services.copy_period(
            user=request.user,
            source=source,
            year=form.cleaned_data["year"],
            submission_deadline=form.cleaned_data["submission_deadline"],
        )
    except LindungiError as error:
        messages.error(request, error.message)
        return redirect("awards:index")
    messages.success(request, _("The criteria of %(year)s were copied.") % {"year": source.year})
    return redirect("awards:period", pk=period.pk)


@login_required
def period_detail(request, pk: int):
    user = request.user
    period = selectors.get_period(user, pk)
    may_manage = can(user, Action.MANAGE_AWARDS)
    member = panel.membership(user, period)
    categories = []
    for category in period.categories.all():
        criteria = list(category.criteria.all())
        categories.append(
            {
                "category": category,
                "criteria": criteria,
                "total": sum((criterion.weight for criterion in criteria), 0),
            }
        )
    entries = selectors.list_entries(user, period)
    conflicts = (
        set(member.conflicts.values_list("regency_id", flat=True)) if member is not None else set()
    )
    return render(
        request,
        "awards/period.html",
        {
            "period": period,
            "categories": categories,
            "entries": entries,
            "counts": {
                SubmissionStatus(status).label: number
                for status, number in selectors.count_by_status(user, period).items()
            },
            "may_manage": may_manage,
            "member": member,
            "conflicts": conflicts,
            "sees_everything": selectors.sees_everything(user),
            "panel": selectors.list_panel(period) if may_manage or member else [],
            "settings_form": PeriodSettingsForm(
                initial={
                    "title": period.title,
                    "submission_deadline": period.submission_deadline,
                    "score_rule": period.score_rule,
                    "ceremony": period.ceremony,
                    "signatory_name": period.signatory_name,
                    "signatory_title": period.signatory_title,
                }
            ),
            "entry_form": EntryForm(),
            "appoint_form": AppointForm(),
            "conflict_form": ConflictForm(),
            "category_kinds": CategoryKind,
            "statuses": PeriodStatus,
        },
    )


@require_POST
@login_required
def period_settings(request, pk: int):
    period = selectors.get_period(request.user, pk)
    form = PeriodSettingsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:period", pk=pk)
    fields = {key: value for key, value in form.cleaned_data.items() if key != "emblem"}
    try:
        if form.cleaned_data.get("emblem"):
            require(request.user, Action.MANAGE_AWARDS)
            checked = uploads.check_file(form.cleaned_data["emblem"], kinds=uploads.IMAGE_KINDS)
            fields["emblem"] = uploads.store(checked, folder="emblem")
        services.update_period(user=request.user, period=period, **fields)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("awards:period", pk=pk)


@require_POST
@login_required
def period_action(request, pk: int, action: str):
    """The province's one-button steps: open, review, publish, refresh figures, add regencies."""
    period = selectors.get_period(request.user, pk)
    user = request.user
    try:
        if action == "open":
            services.advance_period(user=user, period=period, to=PeriodStatus.OPEN)
        elif action == "review":
            services.advance_period(user=user, period=period, to=PeriodStatus.REVIEW)
        elif action == "publish":
            results.publish_results(user=user, period=period)
        elif action == "refresh":
            count = services.refresh_computed(user=user, period=period)
            messages.success(request, _("%(count)s figures computed.") % {"count": count})
        elif action == "regencies":
            category = get_object_or_404(
                Category, period=period, kind=CategoryKind.REGENCY_GOVERNMENT
            )
            added = services.add_all_regencies(user=user, category=category)
            messages.success(request, _("%(count)s participants added.") % {"count": added})
        else:
            raise Http404
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("awards:period", pk=pk)


@require_POST
@login_required
def entry_add(request, pk: int):
    period = selectors.get_period(request.user, pk)
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:period", pk=pk)
    category = get_object_or_404(Category, period=period, pk=form.cleaned_data["category"])
    try:
        services.add_entry(
            user=request.user,
            category=category,
            regency_code=form.cleaned_data["regency"].strip(),
            village_code=form.cleaned_data["village"].strip() or None,
            name=form.cleaned_data["name"],
        )
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("awards:period", pk=pk)


@login_required
def criteria_edit(request, pk: int):
    category = get_object_or_404(Category.objects.select_related("period"), pk=pk)
    require(request.user, Action.MANAGE_AWARDS)
    error = None
    if request.method == "POST":
        formset = CriterionFormSet(request.POST)
        if formset.is_valid():
            rows = [
                services.CriterionInput(
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    weight=form.cleaned_data["weight"],
                    scale_min=form.cleaned_data["scale_min"],
                    scale_max=form.cleaned_data["scale_max"],
                    kind=form.cleaned_data["kind"],
                    computed=form.cleaned_data["computed"],
                    unit=form.cleaned_data["unit"],
                )
                for form in formset
                if form.cleaned_data and not form.is_blank()
            ]
            try:
                services.set_criteria(user=request.user, category=category, rows=rows)
            except LindungiError as caught:
                error = caught.message
            else:
                messages.success(request, _("Criteria saved."))
                return redirect("awards:period", pk=category.period_id)
        else:
            error = _("Check the rows marked below.")
    else:
        formset = CriterionFormSet(
            initial=list(
                category.criteria.values(
                    "code", "name", "weight", "scale_min", "scale_max", "kind", "computed", "unit"
                )
            )
        )
    return render(
        request,
        "awards/criteria.html",
        {"category": category, "formset": formset, "error": error},
        status=400 if error else 200,
    )


def _entry_page(request, entry, *, error: str | None = None, status: int = 200):
    user = request.user
    period = entry.category.period
    member = panel.membership(user, period)
    own = can(user, Action.SUBMIT_SELF_ASSESSMENT)
    lines = selectors.entry_lines(user, entry, member)
    return render(
        request,
        "awards/entry.html",
        {
            "entry": entry,
            "period": period,
            "lines": lines,
            "general_evidence": selectors.general_evidence(entry),
            "may_edit": own and assessment.editable_reason(entry) is None,
            "locked_reason": assessment.editable_reason(entry) if own else None,
            "may_submit": own
            and assessment.editable_reason(entry) is None
            and entry.status != SubmissionStatus.SUBMITTED,
            "may_return": assessment.may_return(user, entry)
            and entry.status == SubmissionStatus.SUBMITTED
            and period.status in (PeriodStatus.OPEN, PeriodStatus.REVIEW),
            "scoring_refusal": panel.scoring_refusal(user, entry) if member else None,
            "member": member,
            "sees_everything": selectors.sees_everything(user),
            "evidence_form": EvidenceForm(),
            "return_form": ReturnForm(),
            "error": error,
            "kinds": IndicatorKind,
        },
        status=status,
    )


@login_required
def entry_detail(request, pk: int):
    return _entry_page(request, selectors.get_entry(request.user, pk))


@require_POST
@login_required
def entry_values(request, pk: int):
    entry = selectors.get_entry(request.user, pk)
    criteria = {c.pk: c for c in selectors.entered_criteria(entry)}
    try:
        for criterion_id, criterion in criteria.items():
            prefix = f"c{criterion_id}"
            value = request.POST.get(f"{prefix}-value", "")
            statement = request.POST.get(f"{prefix}-statement", "")
            source = request.POST.get(f"{prefix}-source", "")
            if not (value.strip() or statement.strip() or source.strip()):
                continue
            assessment.save_entered_value(
                user=request.user,
                entry=entry,
                criterion=criterion,
                value=value,
                statement=statement,
                source=source,
            )
    except LindungiError as error:
        return _entry_page(request, entry, error=error.message, status=400)
    messages.success(request, _("Saved."))
    return redirect("awards:entry", pk=pk)


@require_POST
@login_required
def evidence_upload(request, pk: int):
    entry = selectors.get_entry(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _entry_page(request, entry, error=_form_errors(form), status=400)
    criterion = None
    if form.cleaned_data.get("criterion"):
        criterion = get_object_or_404(
            Criterion, pk=form.cleaned_data["criterion"], category=entry.category
        )
    try:
        assessment.add_evidence(
            user=request.user,
            entry=entry,
            criterion=criterion,
            uploaded_file=form.cleaned_data["file"],
        )
    except LindungiError as error:
        return _entry_page(request, entry, error=error.message, status=400)
    messages.success(request, _("Evidence uploaded."))
    return redirect("awards:entry", pk=pk)


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.get_evidence(request.user, pk)
    path = uploads.absolute(evidence.path)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"), content_type=evidence.content_type, filename=evidence.file_name
    )


@require_POST
@login_required
def evidence_remove(request, pk: int):
    evidence = selectors.get_evidence(request.user, pk)
    try:
        assessment.remove_evidence(user=request.user, evidence=evidence)
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("awards:entry", pk=evidence.entry_id)


@require_POST
@login_required
def entry_submit(request, pk: int):
    entry = selectors.get_entry(request.user, pk)
    try:
        assessment.submit_self_assessment(user=request.user, entry=entry)
    except LindungiError as error:
        return _entry_page(request, entry, error=error.message, status=400)
    messages.success(request, _("The self-assessment was submitted."))
    return redirect("awards:entry", pk=pk)


@require_POST
@login_required
def entry_return(request, pk: int):
    entry = selectors.get_entry(request.user, pk)
    try:
        assessment.return_self_assessment(
            user=request.user, entry=entry, note=request.POST.get("note", "")
        )
    except LindungiError as error:
        return _entry_page(request, entry, error=error.message, status=400)
    messages.success(request, _("The self-assessment was returned."))
    return redirect("awards:entry", pk=pk)


@require_POST
@login_required
def entry_scores(request, pk: int):
    entry = selectors.get_entry(request.user, pk)
    rows = [
        (
            criterion,
            request.POST.get(f"s{criterion.pk}-score", ""),
            request.POST.get(f"s{criterion.pk}-note", ""),
        )
        for criterion in entry.category.criteria.all()
    ]
    try:
        recorded = panel.record_scores(user=request.user, entry=entry, scores=rows)
    except LindungiError as error:
        return _entry_page(request, entry, error=error.message, status=400)
    messages.success(request, _("%(count)s scores saved.") % {"count": recorded})
    return redirect("awards:entry", pk=pk)


@require_POST
@login_required
def panel_appoint(request, pk: int):
    period = selectors.get_period(request.user, pk)
    form = AppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:period", pk=pk)
    member = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
    if member is None:
        messages.error(request, _("No such user."))
        return redirect("awards:period", pk=pk)
    try:
        panel.appoint_member(
            user=request.user, period=period, member=member, seat=form.cleaned_data["seat"]
        )
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("awards:period", pk=pk)


@require_POST
@login_required
def panel_conflict(request, pk: int):
    period = selectors.get_period(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("awards:period", pk=pk)
    member = get_object_or_404(PanelMember, pk=form.cleaned_data["member"], period=period)
    try:
        panel.declare_conflict(
            user=request.user,
            member=member,
            regency_code=form.cleaned_data["regency"].strip(),
            reason=form.cleaned_data["reason"],
        )
    except LindungiError as error:
        messages.error(request, error.message)
    return redirect("awards:period", pk=pk)


@login_required
def period_results(request, pk: int):
    """The ranking as it stands: for the province and auditors before publication; for every
    signed-in user with access to the award once published."""
    period = selectors.get_period(request.user, pk)
    if period.status != PeriodStatus.PUBLISHED and not selectors.sees_everything(request.user):
        raise PermissionDenied("results_not_published")
    return render(
        request,
        "awards/results.html",
        {
            "period": period,
            "categories": results.compute(period),
            "public": False,
            "map_data": selectors.regency_ranks(period),
        },
    )


@login_required
def period_export(request, pk: int):
    period = selectors.get_period(request.user, pk)
    if period.status != PeriodStatus.PUBLISHED and not selectors.sees_everything(request.user):
        raise PermissionDenied("results_not_published")
    body = national_xlsx(period, results.compute(period))
    return HttpResponse(
        body,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="paritrana-ntt-{period.year}.xlsx"'},
    )
