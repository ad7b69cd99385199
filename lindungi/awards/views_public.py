"""The public results: no login; only published periods, only what the ranking shows."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from lindungi.awards import results, selectors
from lindungi.awards.documents import WINNING_RANKS, certificate_pdf


@cache_control(public=True, max_age=300)
def public_results(request, year: int | None = None):
    periods = list(selectors.list_published_periods())
    if year is None:
        period = periods[0] if periods else None
    else:
        period = selectors.get_published_period(year)
    return render(
        request,
        "awards/results.html",
        {
            "period": period,
            "periods": periods,
            "categories": results.compute(period) if period else [],
            "public": True,
            "map_data": selectors.regency_ranks(period) if period else {},
        },
    )


@cache_control(public=True, max_age=300)
def public_entry(request, pk: int):
    entry = selectors.get_published_entry(pk)
    period = entry.category.period
    category = next(
        result for result in results.compute(period) if result.category.pk == entry.category_id
    )
    row = next((row for row in category.entries if row.entry.pk == entry.pk), None)
    if row is None:
        raise Http404
    return render(
        request,
        "awards/public_entry.html",
        {
            "entry": entry,
            "period": period,
            "lines": list(zip(category.criteria, row.criteria, strict=True)),
            "row": row,
            "evidence": entry.evidence.select_related("criterion"),
        },
    )


def certificate(request, pk: int):
    entry = selectors.get_published_entry(pk)
    if entry.rank not in WINNING_RANKS:
        raise Http404
    slug = "".join(ch if ch.isalnum() else "-" for ch in entry.name.lower())
    return HttpResponse(
        certificate_pdf(entry),
        content_type="application/pdf",
        headers={
            "Content-Disposition": (
                f'inline; filename="piagam-paritrana-{entry.category.period.year}-{slug}.pdf"'
            )
        },
    )


@cache_control(public=True, max_age=86400)
def shapes(request):
    """Kabupaten/kota boundaries (public reference data) for the results map."""
    return HttpResponse(
        json.dumps(selectors.regency_shapes(), separators=(",", ":")),
        content_type="application/geo+json",
    )
