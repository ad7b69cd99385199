"""Registry pages: people, imports with their rejects, the upload, templates, duplicate review.

Views parse input, call one selector or service, and render.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, nik_shown_to, require, scoped_ids
from lindungi.jobs.views import start_from_page
from lindungi.registry import exports, search, selectors, services
from lindungi.registry.forms import PEOPLE_PAGE_FILTERS, PeopleFilterForm, ReviewForm, UploadForm
from lindungi.registry.lists import DUPLICATES, IMPORTS, PEOPLE, duplicate_status
from lindungi.registry.models import CandidateImport, DuplicateCandidate, Person
from lindungi.registry.reading import HEADER_ALIASES
from lindungi.web.hooks import person_panels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _people_search(request, form):
    """The search the request asks for, or None with the bad parameters shown on the form."""
    try:
        return search.parse_people_search(request.GET, only=PEOPLE_PAGE_FILTERS)
    except search.InvalidSearch as error:
        for parameter, (_code, message) in error.errors.items():
            form.add_error(parameter if parameter in form.fields else None, message)
        return None


@login_required
def people(request):
    require(request.user, Action.VIEW_PEOPLE)
    form = PeopleFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    wanted = _people_search(request, form)
    # A bad filter lists nobody: an unfiltered list under a filter form would mislead.
    listing = PEOPLE.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "registry/people.html",
        {
            "form": form,
            "listing": listing,
            "page": listing,
            "invalid": wanted is None,
        },
    )


@login_required
def person(request, pk: int):
    require(request.user, Action.VIEW_PEOPLE)
    try:
        found = selectors.get_person(user=request.user, pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    services.record_person_viewed(user=request.user, person=found)
    return render(
        request,
        "registry/person.html",
        {
            "person": found,
            "show_contact": can(request.user, Action.VIEW_CONTACT_DETAILS),
            "versions": selectors.list_person_versions(person=found),
            "duplicates": selectors.person_duplicates(person=found),
            "resolved_as": selectors.duplicate_resolution_of(person_id=found.pk),
            # Decisions, coverage, contributions, claims and audit, from the apps above.
            "panels": person_panels(request, found),
            "district_unknown": not selectors.nik_district_known(found.nik),
            # The file that brought the person in may be another regency's import.
            "source_import_visible": found.source_import_id is not None
            and selectors.list_imports(user=request.user)
            .filter(pk=found.source_import_id)
            .exists(),
        },
    )


@login_required
def imports(request):
    listing = IMPORTS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "registry/imports.html",
        {
            "listing": listing,
            "page": listing,
            "can_upload": can(request.user, Action.IMPORT_CANDIDATES),
        },
    )


def _import_or_404(request, pk: int) -> CandidateImport:
    require(request.user, Action.VIEW_PEOPLE)
    try:
        return selectors.get_import(user=request.user, pk=pk)
    except CandidateImport.DoesNotExist:
        raise Http404 from None


@login_required
def import_detail(request, pk: int):
    candidate_import = _import_or_404(request, pk)
    rejected = Paginator(
        selectors.list_rejected_rows(candidate_import=candidate_import), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import_detail.html",
        {
            "import": candidate_import,
            "reasons": sorted(
                candidate_import.reason_counts.items(), key=lambda item: (-item[1], item[0])
            ),
            "rejected": rejected,
        },
    )


@login_required
def import_rejects(request, pk: int, kind: str):
    candidate_import = _import_or_404(request, pk)
    name = f"ditolak-{candidate_import.pk}"
    if kind in ("csv", "xlsx"):
        record_export(
            user=request.user, kind="registry_rejects", target=candidate_import, file_format=kind
        )
    if kind == "csv":
        response = StreamingHttpResponse(
            exports.rejects_csv(candidate_import, show_nik=nik_shown_to(request.user)),
            content_type="text/csv; charset=utf-8",
        )
    elif kind == "xlsx":
        buffer = io.BytesIO()
        exports.write_rejects_xlsx(candidate_import, buffer, show_nik=nik_shown_to(request.user))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@login_required
def upload(request):
    require(request.user, Action.IMPORT_CANDIDATES)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        started = start_from_page(
            lambda: services.start_import_job(
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                edition=form.cleaned_data["edition"],
                mapping=form.cleaned_data["mapping"],
            ),
            refused=lambda message: form.add_error(None, message),
        )
        if started is not None:
            return started
    return render(request, "registry/upload.html", {"form": form, "aliases": HEADER_ALIASES})


@login_required
def template(request, kind: str):
    if kind == "xlsx":
        response = HttpResponse(exports.template_bytes(), content_type=XLSX)
    elif kind == "csv":
        response = HttpResponse(exports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="template-calon-peserta.{kind}"'
    return response


@login_required
def duplicates(request):
    listing = DUPLICATES.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request,
        "registry/duplicates.html",
        {
            "listing": listing,
            "page": listing,
            "status": duplicate_status(request.GET),
            "form": ReviewForm(),
            "can_review": can(request.user, Action.REVIEW_DUPLICATES),
            "can_review_moves": can(request.user, Action.REVIEW_REGENCY_MOVES),
        },
    )


@login_required
@require_POST
def review_duplicate(request, pk: int):
    require(request.user, Action.REVIEW_DUPLICATES)
    try:
        pair = selectors.get_duplicate(user=request.user, pk=pk)
    except DuplicateCandidate.DoesNotExist:
        raise Http404 from None
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or dismiss"))
        return redirect("registry:duplicates")
    try:
        services.review_duplicate(
            duplicate=pair,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Review saved"))
    return redirect("registry:duplicates")


@login_required
@require_POST
def review_duplicates(request):
    """The bulk review: the selected pairs, a confirmation page, then one service call."""
    require(request.user, Action.REVIEW_DUPLICATES)
    form = ReviewForm(request.POST)
    ids = request.POST.getlist("ids")
    back = reverse("registry:duplicates")
    if not form.is_valid():
        messages.error(request, _("Choose confirm or dismiss"))
        return redirect(back)
    status, note = form.cleaned_data["status"], form.cleaned_data["note"]
    try:
        if request.POST.get("confirm") != "1":
            chosen = scoped_ids(request.user, DuplicateCandidate.objects.all(), ids)
            pairs = DuplicateCandidate.objects.filter(pk__in=chosen).select_related(
                "first_person", "second_person"
            )
            label = dict(form.fields["status"].choices)[status]
            return render(
                request,
                "web/bulk_confirm.html",
                {
                    "title": _("Review possible duplicates"),
                    "question": ngettext(
                        "Mark %(n)s pair as “%(status)s”?",
                        "Mark %(n)s pairs as “%(status)s”?",
                        len(chosen),
                    )
                    % {"n": len(chosen), "status": label},
                    "items": [
                        f"{p.first_person.full_name} ({p.first_nik}) ~ "
                        f"{p.second_person.full_name} ({p.second_nik})"
                        for p in pairs
                    ],
                    "ids": chosen,
                    "hidden": {"status": status, "note": note},
                    "action": reverse("registry:review_duplicates"),
                    "back": back,
                },
            )
        count = services.review_duplicates(user=request.user, ids=ids, status=status, note=note)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(n)s pair reviewed.", "%(n)s pairs reviewed.", count) % {"n": count},
        )
    return redirect(back)


@login_required
def regency_moves(request):
    """Rows of regency imports about another regency's person: the province decides moves."""
    page = Paginator(selectors.list_regency_move_requests(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/regency_moves.html", {"page": page})
