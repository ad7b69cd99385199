"""Reference-region pages: the served regencies with a map, one regency, and a code look-up."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from lindungi.regions import selectors
from lindungi.regions.models import District, Regency, Village


def _count_of(model) -> Coalesce:
    """Children per regency as a correlated subquery (a double join would multiply the rows)."""
    counts = (
        model.objects.filter(regency=OuterRef("code"))
        .order_by()
        .values("regency")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


@login_required
def regency_list(request):
    regencies = selectors.list_regencies().annotate(
        district_count=_count_of(District),
        village_count=_count_of(Village),
    )
    poor = selectors.poor_population()
    rows = [{"regency": regency, "poor": poor.get(regency.code)} for regency in regencies]
    shapes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": regency.boundary,
                "properties": {
                    "code": regency.code,
                    "name": regency.name,
                    "poor": poor.get(regency.code),
                    "url": f"{regency.code}/",
                },
            }
            for regency in regencies
            if regency.boundary
        ],
    }
    return render(request, "regions/regency_list.html", {"rows": rows, "shapes": shapes})


@login_required
def regency_detail(request, code: str):
    regency = get_object_or_404(Regency, code=code)
    districts = regency.districts.annotate(village_count=Count("villages")).order_by("code")
    return render(
        request, "regions/regency_detail.html", {"regency": regency, "districts": districts}
    )


@login_required
def lookup(request):
    """Answer for a village code (dotted or 10 digits) or a NIK / its 6-digit prefix."""
    query = (request.GET.get("q") or "").strip()
    village = nik = None
    digits = query.replace(".", "")
    if query:
        if selectors.normalise_village_code(query):
            try:
                village = selectors.get_village(query)
            except Village.DoesNotExist:
                village = None
        if village is None and digits.isdigit() and len(digits) in (6, 16):
            nik = selectors.lookup_nik_prefix(digits)
    return render(
        request,
        "regions/lookup.html",
        {"query": query, "village": village, "nik": nik, "searched": bool(query)},
    )


@login_required
def options(request):
    """The <option>s of a region picker (htmx): `level=district` lists the districts of
    `regency`, `level=village` the villages of `district`; an empty or unknown parent gives
    only the "all" option. Region names are public reference data."""
    level = request.GET.get("level")
    if level == "district":
        parent = (request.GET.get("regency") or "").strip()
        rows = selectors.list_districts(regency=parent) if parent else []
        empty = _("All districts")
    elif level == "village":
        parent = (request.GET.get("district") or "").strip()
        rows = selectors.list_villages(district=parent) if parent else []
        empty = _("All villages")
    else:
        return HttpResponseBadRequest(_("Choose level=district or level=village."))
    response = render(
        request,
        "regions/_options.html",
        {"empty": empty, "options": [(row.code, row.name) for row in rows]},
    )
    if level == "district":
        # The district picker was replaced: its villages must follow (see PeopleFilterForm).
        response["HX-Trigger-After-Swap"] = "regions-districts-replaced"
    return response
