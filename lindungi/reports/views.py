"""Dashboards, the public page and report downloads: parse the request, call selectors, render."""

import hashlib
import json
import tempfile
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.core.dates import Month, local_today, months_between
from lindungi.core.exports import XLSX_CONTENT_TYPE
from lindungi.core.money import format_number, format_rupiah
from lindungi.core.permissions import (
    Action,
    can,
    can_access_regency,
    regency_scope,
    require,
    scoped,
)
from lindungi.enrollment.choices import EnrollmentState
from lindungi.programs.selectors import current_run
from lindungi.regions.models import Regency
from lindungi.registry import search
from lindungi.registry.models import Person
from lindungi.reports import finance, selectors
from lindungi.reports.benefits import dashboard_impact, public_impact, regency_impact
from lindungi.reports.monthly import build_monthly_report, report_pdf, report_xlsx
from lindungi.reports.services import refresh_summaries
from lindungi.reports.subject_access import write_subject_access
from lindungi.reports.timeline import person_timeline

FUNNEL_LABELS = {
    "candidates": _("Candidates"),
    "eligible": _("Eligible"),
    "selected": _("Selected"),
    "active": _("Active"),
    "ended": _("Ended"),
}


def link(name: str, *args, **query) -> str | None:
    """The URL of a list behind a figure, or None while that page does not exist yet."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


# The people list of a regency dashboard searches by NIK or name, village and state.
REGENCY_PEOPLE_FILTERS = frozenset({"q", "village", "state"})


def _programme(request: HttpRequest):
    raw = request.GET.get("programme", "")
    return selectors.default_programme(int(raw) if raw.isdigit() else None)


def _month_label(day) -> str:
    return Month.of(day).label("id")


GREEN, AMBER, BLUE = "#2a7f62", "#c98a2b", "#1f5f8b"


def _chart(shares, *, dimension: str, regency: str | None) -> dict:
    """A bar chart of people per category, each bar linking to the people behind it."""
    return {
        "type": "bar",
        "labels": [share.label for share in shares],
        "datasets": [
            {"label": str(_("People")), "data": [share.people for share in shares], "color": GREEN}
        ],
        "links": [
            link("registry:people", regency=regency, **{dimension: share.key}) for share in shares
        ],
    }


def _helped(impact: tuple[int, int] | None) -> str:
    """The map tooltip's benefits part: families helped and paid, when there are any."""
    if not impact or not impact[0]:
        return ""
    return "; " + str(_("%(families)s families helped, %(paid)s")) % {
        "families": format_number(impact[0]),
        "paid": format_rupiah(impact[1]),
    }


def _dashboard_context(request: HttpRequest, *, regency: str | None) -> dict:
    user = request.user
    programme = _programme(request)
    run = current_run(programme) if programme else None
    figures = selectors.regency_figures(user=user, programme=programme, regency=regency)
    funnel = selectors.funnel(user=user, programme=programme, regency=regency)
    funnel_links = {
        "candidates": link("registry:people", regency=regency),
        "eligible": link("programs:detail", programme.pk) if programme else None,
        "selected": link("programs:detail", programme.pk) if programme else None,
        "active": link("enrollment:list", regency=regency, state="active"),
        "ended": link("enrollment:list", regency=regency, state="ended"),
    }
    impact_by_regency = regency_impact(user=user)
    map_data = {
        row.code: {
            "name": row.name,
            "candidates": row.candidates,
            "quota": row.quota,
            "covered": row.covered,
            "poor": row.poor_population,
            "of_quota": row.of_quota,
            "of_poor": row.of_poor,
            "url": reverse("reports:regency", args=[row.code]),
            "families": impact_by_regency.get(row.code, (0, 0))[0],
            "benefits_paid": impact_by_regency.get(row.code, (0, 0))[1],
            "tooltip": f"{row.name}: {format_number(row.covered or 0)} / "
            f"{format_number(row.quota or 0)}" + _helped(impact_by_regency.get(row.code)),
        }
        for row in figures
    }
    headcount = selectors.monthly_headcount(user=user, programme=programme, regency=regency)
    charts = {
        "headcount": {
            "type": "line",
            "labels": [_month_label(month) for month, _count in headcount],
            "datasets": [
                {
                    "label": str(_("Covered")),
                    "data": [count for _month, count in headcount],
                    "color": GREEN,
                }
            ],
        },
        "sex": _chart(
            selectors.spread(user=user, dimension="sex", regency=regency),
            dimension="sex",
            regency=regency,
        ),
        "age": _chart(
            selectors.spread(user=user, dimension="age_band", regency=regency),
            dimension="age_band",
            regency=regency,
        ),
        "occupation": _chart(
            selectors.spread(user=user, dimension="occupation", regency=regency),
            dimension="occupation",
            regency=regency,
        ),
        "desil": _chart(
            selectors.spread(user=user, dimension="desil", regency=regency),
            dimension="desil",
            regency=regency,
        ),
    }
    money = burn_down = None
    if can(user, Action.VIEW_MONEY):
        money = finance.billed_and_paid(user=user, programme=programme, regency=regency)
        charts["money"] = {
            "type": "bar",
            "labels": [_month_label(row.month) for row in money],
            "datasets": [
                {"label": str(_("Billed")), "data": [row.billed for row in money], "color": AMBER},
                {"label": str(_("Paid")), "data": [row.paid for row in money], "color": GREEN},
            ],
        }
        burn_down = (
            finance.budget_burn_down(user=user, programme=programme) if not regency else None
        )
        if burn_down:
            charts["burn_down"] = {
                "type": "line",
                "labels": [_month_label(point.month) for point in burn_down.points],
                "datasets": [
                    {
                        "label": str(_("Remaining")),
                        "data": [point.remaining for point in burn_down.points],
                        "color": BLUE,
                        "dashed": [point.forecast for point in burn_down.points],
                    }
                ],
            }
    quality_totals, rejections = selectors.data_quality(user=user)
    return {
        "programme": programme,
        "programmes": selectors.list_programmes(),
        "run": run,
        "state": selectors.summary_state(),
        "figures": figures,
        "funnel": [
            (FUNNEL_LABELS[stage], funnel[stage], funnel_links[stage])
            for stage in selectors.FUNNEL_STAGES
        ],
        "map_data": map_data,
        # The boundaries (~130 KB) are fetched by the map script from a cacheable URL instead
        # of being inlined in every page view.
        "shapes_url": link("reports:shapes", regency=regency),
        "charts": charts,
        "money": money,
        "burn_down": burn_down,
        "quality_totals": quality_totals,
        "rejections": rejections,
        "rejections_link": link("registry:imports"),
        "can_refresh": can(user, Action.MANAGE_PROGRAMMES),
        "impact": dashboard_impact(user=user, regency=regency),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The province dashboard; a regency officer is taken to their own regency's."""
    require(request.user, Action.VIEW_PEOPLE)
    own = regency_scope(request.user)
    if own is not None:
        return redirect("reports:regency", code=own)
    context = _dashboard_context(request, regency=None)
    context["regencies"] = Regency.objects.filter(code__in=context["map_data"]).values(
        "code", "name"
    )
    return render(request, "reports/dashboard.html", context)


@login_required
def regency_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_PEOPLE)
    regency = Regency.objects.filter(code=code).only("code", "name").first()
    if regency is None:
        raise Http404
    if not can_access_regency(request.user, code):
        raise PermissionDenied("regency")
    context = _dashboard_context(request, regency=code)
    # `programme` picks the dashboard's programme (above); the state filter follows it.
    params = {key: value for key, value in request.GET.items() if key != "programme"}
    try:
        wanted = search.parse_people_search(params, only=REGENCY_PEOPLE_FILTERS)
        search_errors: dict = {}
    except search.InvalidSearch as error:
        wanted, search_errors = None, error.errors
    if wanted is not None:
        programme = context["programme"]
        if wanted.enrollment_state:
            # The state column is the dashboard programme's: so is the state filter.
            wanted = replace(wanted, programme=programme.pk if programme else 0)
        people = search.search_people(
            user=request.user, search=replace(wanted, regency=code)
        ).select_related("village")
    else:
        people = Person.objects.none()
    page = search.people_page(people, after=search.parse_cursor(request.GET.get("after")))
    states = selectors.enrollment_states(
        user=request.user, programme=context["programme"], people=page.people
    )
    labels = dict(EnrollmentState.choices)
    context.update(
        {
            "regency": regency,
            "people_page": page,
            "people_rows": [(person, labels.get(states.get(person.pk))) for person in page.people],
            "query": request.GET.get("q", ""),
            "village": request.GET.get("village", ""),
            "state_filter": request.GET.get("state", ""),
            "search_errors": [message for _code, message in search_errors.values()],
            "state_choices": EnrollmentState.choices,
            "villages": regency.villages.order_by("name").values_list("code", "name"),
        }
    )
    return render(request, "reports/regency.html", context)


@login_required
def shapes(request: HttpRequest) -> HttpResponse:
    """The regency boundaries the user may see, as GeoJSON, for the dashboard map.

    Boundaries change only when regions are reloaded: the browser keeps them for a day and
    then revalidates with the ETag (a 304 without a body).
    """
    require(request.user, Action.VIEW_PEOPLE)
    regency = request.GET.get("regency") or None
    if regency is not None and not can_access_regency(request.user, regency):
        raise PermissionDenied("regency")
    body = json.dumps(
        selectors.regency_boundaries(user=request.user, regency=regency), separators=(",", ":")
    ).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    # Private: what a user may see depends on their regency.
    response["Cache-Control"] = "private, max-age=86400"
    response["Vary"] = "Cookie"
    return response


@require_POST
@login_required
def refresh(request: HttpRequest) -> HttpResponse:
    """Rebuild the summaries now (jobs do it after every change; this is for the impatient)."""
    require(request.user, Action.MANAGE_PROGRAMMES)
    refresh_summaries(user=request.user)
    return redirect(request.POST.get("next") or "reports:dashboard")


@cache_control(public=True, max_age=300)
def public(request: HttpRequest) -> HttpResponse:
    """Aggregate figures for anyone: no login, no person, no count under 10; ?year=YYYY picks
    the year (only approved programmes are published)."""
    # ?lang=en|id: a plain link switches the language of this page (it is cached publicly, so
    # it carries no form and no cookie; each language is its own URL).
    language = request.GET.get("lang", "")
    if language in dict(settings.LANGUAGES):
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return _public(request)
    return _public(request)


def _public(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    programme = selectors.public_programme(year=selectors.parse_year(year))
    regencies = selectors.public_regencies(programme=programme)
    months = selectors.public_months(programme=programme)
    largest = max((row.covered or 0 for row in regencies), default=0) or 1
    bars = [{"row": row, "width": round(100 * (row.covered or 0) / largest)} for row in regencies]
    return render(
        request,
        "reports/public.html",
        {
            "programme": programme,
            "years": selectors.public_years(),
            "bars": bars,
            "months": [(_month_label(month), count) for month, count in months],
            "totals": selectors.public_totals(programme=programme),
            "state": selectors.summary_state(),
            "impact": public_impact(),
            "contact": settings.LINDUNGI_PUBLIC_CONTACT,
            "year": year,
        },
    )


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """?programme=ID&month=YYYY-MM&format=pdf|xlsx; without a format, a page to choose them."""
    require(request.user, Action.VIEW_MONEY)
    programme = _programme(request)
    if programme is None:
        raise Http404
    months = months_between(Month.of(programme.coverage_start), Month.of(programme.coverage_end))
    try:
        month = Month.parse(request.GET["month"]) if request.GET.get("month") else None
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    if month not in months:
        # Open on the newest month with figures (the selector then shows the month displayed).
        latest = selectors.latest_month_with_data(programme)
        today = Month.of(local_today())
        month = Month.of(latest) if latest else (today if today in months else months[0])
    report = build_monthly_report(user=request.user, programme=programme, month=month)
    output = request.GET.get("format", "")
    name = f"laporan-bulanan-{programme.pk}-{month}"
    if output == "pdf":
        return HttpResponse(
            report_pdf(report),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    if output == "xlsx":
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        report_xlsx(report, spool)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE
        )
    return render(
        request,
        "reports/monthly.html",
        {"report": report, "programme": programme, "month": month, "months": months},
    )


@login_required
def integrity(request):
    """The auditors' integrity page: each check with its count and an XLSX export."""
    from lindungi.reports.integrity import checks

    return render(request, "reports/integrity.html", {"checks": checks(request.user)})


@login_required
def integrity_export(request, check: str):
    from lindungi.core.exports import xlsx_response
    from lindungi.reports.integrity import EXPORTS

    require(request.user, Action.VIEW_AUDIT)
    if check not in EXPORTS:
        raise Http404(check)
    headers, rows, text_columns = EXPORTS[check]
    return xlsx_response(
        filename=f"integritas-{check}.xlsx",
        headers=headers,
        rows=rows(request.user),
        sheet_title=check,
        text_columns=text_columns,
    )


@login_required
def timeline(request: HttpRequest, person_pk: int) -> HttpResponse:
    """One person's history across the apps."""
    require(request.user, Action.VIEW_PEOPLE)
    person = get_object_or_404(scoped(request.user, Person.objects.all()), pk=person_pk)
    return render(
        request,
        "reports/timeline.html",
        {"person": person, "entries": person_timeline(person=person, user=request.user)},
    )


@login_required
def subject_access(request: HttpRequest, person_pk: int) -> FileResponse:
    """Everything held about one person, as one workbook (UU 27/2022 art. 7); audited as an
    export of personal data, and the export's own audit row is in the file."""
    require(request.user, Action.EXPORT_SUBJECT_DATA)
    person = get_object_or_404(
        scoped(request.user, Person.objects.select_related("village", "regency", "source_import")),
        pk=person_pk,
    )
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    with transaction.atomic():
        record_export(user=request.user, kind="subject_access", target=person, file_format="xlsx")
        write_subject_access(user=request.user, person=person, target=spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"data-pribadi-{person.pk}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
