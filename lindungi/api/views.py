"""The REST API's endpoints. Every people- or money-bearing queryset goes through scoped(); the
people list goes through `registry.search`, the one people search of the pages and exports.

Bad query parameters are refused with 400 and a stable code (`api.errors`); big lists page
with opaque cursors (`api.pagination.KeysetPagination`), short ones with a capped limit.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungi.api import filters as params
from lindungi.api import serializers
from lindungi.api.errors import BadParameter
from lindungi.api.pagination import CappedLimitOffsetPagination, KeysetPagination
from lindungi.api.permissions import ReadsByAction
from lindungi.contributions.models import Invoice, InvoiceLine
from lindungi.core.permissions import Action, regency_scope, scoped
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision, Programme
from lindungi.regions.selectors import list_regencies
from lindungi.registry import search
from lindungi.registry.models import CandidateImport
from lindungi.reports import selectors as report_selectors


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list of scoped rows, filtered by the typed parameters of `filters`."""

    permission_classes = [ReadsByAction]
    required_action: Action | None = Action.VIEW_PEOPLE
    filters: dict[str, params.Param] = {}
    pagination_class = KeysetPagination

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = scoped(self.request.user, self.base_queryset())
        if self.action == "list":
            queryset = params.apply(queryset, self.request, self.filters)
        return queryset


class RegencyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsByAction]
    required_action = None
    serializer_class = serializers.RegencySerializer
    pagination_class = CappedLimitOffsetPagination
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}"

    def get_queryset(self):
        if self.action == "list":
            params.refuse_unknown(self.request, {})
        return list_regencies().defer("boundary")


# The people search's parameters, typed for the OpenAPI document (the search checks them).
PEOPLE_PARAMETERS = [
    OpenApiParameter("q", str, description="A NIK, the start of one, or part of a name"),
    OpenApiParameter("nik", str, pattern=r"^\d{16}$", description="A whole NIK"),
    OpenApiParameter("kk", str, pattern=r"^\d{16}$", description="Family card (KK) number"),
    OpenApiParameter("name", str, description="Part of the name"),
    OpenApiParameter("regency", str, pattern=r"^\d{2}\.\d{2}$", description="e.g. 53.05"),
    OpenApiParameter("district", str, pattern=r"^\d{2}\.\d{2}\.\d{2}$", description="53.05.01"),
    OpenApiParameter(
        "village", str, pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", description="53.05.01.2001"
    ),
    OpenApiParameter("desil", int, enum=list(range(1, 11)), description="Welfare decile"),
    OpenApiParameter("desil_min", int, enum=list(range(1, 11))),
    OpenApiParameter("desil_max", int, enum=list(range(1, 11))),
    OpenApiParameter("sex", str, enum=["L", "P"]),
    OpenApiParameter("age_band", str, enum=["15-24", "25-34", "35-44", "45-54", "55-65", "other"]),
    OpenApiParameter("age_min", int, description="Youngest age in years (0-130)"),
    OpenApiParameter("age_max", int, description="Oldest age in years (0-130)"),
    OpenApiParameter("occupation", str),
    OpenApiParameter("alive", bool),
    OpenApiParameter("programme", int, description="Programme id (with state or kpj)"),
    OpenApiParameter("state", str, enum=list(EnrollmentState.values)),
    OpenApiParameter("kpj", str, description="The insurer's participant number"),
]
PEOPLE_API_FILTERS = frozenset(parameter.name for parameter in PEOPLE_PARAMETERS)


@extend_schema(parameters=PEOPLE_PARAMETERS)
class PersonViewSet(ScopedViewSet):
    serializer_class = serializers.PersonSerializer
    lookup_field = "nik"
    lookup_value_regex = r"\d{16}"

    def get_queryset(self):
        if self.action != "list":
            return search.search_people(user=self.request.user)
        params.refuse_unknown(self.request, PEOPLE_API_FILTERS)
        wanted = search.parse_people_search(self.request.query_params, only=PEOPLE_API_FILTERS)
        return search.search_people(user=self.request.user, search=wanted)


class CandidateImportViewSet(ScopedViewSet):
    serializer_class = serializers.CandidateImportSerializer
    pagination_class = CappedLimitOffsetPagination

    def base_queryset(self):
        return CandidateImport.objects.order_by("-id")


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsByAction]
    required_action = None
    serializer_class = serializers.ProgrammeSerializer
    pagination_class = CappedLimitOffsetPagination

    def get_queryset(self):
        if self.action == "list":
            params.refuse_unknown(self.request, {})
        return Programme.objects.order_by("-year", "id")


DECISION_FILTERS = {
    "run": params.identifier("run_id", "Selection run id"),
    "outcome": params.choice("outcome", Outcome.values, "Outcome of the selection"),
    "regency": params.regency(),
    "nik": params.nik(),
}


@extend_schema(parameters=params.openapi_parameters(DECISION_FILTERS))
class DecisionViewSet(ScopedViewSet):
    serializer_class = serializers.DecisionSerializer
    filters = DECISION_FILTERS

    def base_queryset(self):
        return Decision.objects.all()


ENROLLMENT_FILTERS = {
    "programme": params.identifier("programme_id", "Programme id"),
    "state": params.choice("state", EnrollmentState.values, "Enrollment state"),
    "regency": params.regency(),
}


@extend_schema(parameters=params.openapi_parameters(ENROLLMENT_FILTERS))
class EnrollmentViewSet(ScopedViewSet):
    serializer_class = serializers.EnrollmentSerializer
    filters = ENROLLMENT_FILTERS

    def base_queryset(self):
        return Enrollment.objects.select_related("person")


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Whole invoices are per payer across regencies: province-wide users only.

    A regency officer reads their regency's share through invoice lines.
    """

    permission_classes = [ReadsByAction]
    required_action = Action.VIEW_MONEY
    serializer_class = serializers.InvoiceSerializer
    pagination_class = CappedLimitOffsetPagination

    def get_queryset(self):
        if self.action == "list":
            params.refuse_unknown(self.request, {})
        if regency_scope(self.request.user) is not None:
            return Invoice.objects.none()
        return Invoice.objects.order_by("-month", "id")


INVOICE_LINE_FILTERS = {
    "invoice": params.identifier("invoice_id", "Invoice id"),
    "regency": params.regency(),
}


@extend_schema(parameters=params.openapi_parameters(INVOICE_LINE_FILTERS))
class InvoiceLineViewSet(ScopedViewSet):
    required_action = Action.VIEW_MONEY
    serializer_class = serializers.InvoiceLineSerializer
    filters = INVOICE_LINE_FILTERS

    def base_queryset(self):
        return InvoiceLine.objects.select_related("invoice")


class PublicRegencyView(APIView):
    """Candidates and covered workers per regency; counts under 10 are null. No login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", int, description="Programme year (default: the newest published)"
            )
        ],
        responses=serializers.PublicRegencySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params.refuse_unknown(request, {"year"})
        # Only approved programmes are published; a draft selection never shows here.
        year = request.query_params.get("year", "")
        if year and report_selectors.parse_year(year) is None:
            raise BadParameter("year", "bad_format", "Give a year of four digits.")
        programme = report_selectors.public_programme(year=report_selectors.parse_year(year))
        rows = report_selectors.public_regencies(programme=programme)
        return Response(serializers.PublicRegencySerializer(rows, many=True).data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, for signed-in users and API clients only: it maps every endpoint
    and parameter, which an attacker need not be handed."""

    permission_classes = [ReadsByAction]
    required_action = None


@login_required
def docs(request):
    """The API's reference, rendered by Redoc built from npm (no CDN)."""
    return render(request, "api/docs.html")


def not_found(request, *args, **kwargs):
    return JsonResponse({"code": "not_found", "detail": "Not found.", "errors": {}}, status=404)
