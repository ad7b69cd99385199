"""Read-only endpoints. Every people- or money-bearing queryset goes through scoped()."""

from django.shortcuts import render
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungi.api import serializers
from lindungi.api.permissions import ReadsByAction
from lindungi.contributions.models import Invoice, InvoiceLine
from lindungi.core.permissions import Action, regency_scope, scoped
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Decision, Programme
from lindungi.regions.selectors import list_regencies
from lindungi.registry.models import CandidateImport, Person
from lindungi.registry.selectors import in_village
from lindungi.reports import selectors as report_selectors


def _filter(queryset, params, allowed: dict[str, str]):
    """Apply the query parameters named in `allowed` (parameter -> ORM lookup)."""
    for parameter, lookup in allowed.items():
        value = params.get(parameter)
        if value:
            queryset = queryset.filter(**{lookup: value})
    return queryset


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsByAction]
    required_action: Action | None = Action.VIEW_PEOPLE
    filters: dict[str, str] = {}

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = scoped(self.request.user, self.base_queryset())
        return _filter(queryset, self.request.query_params, self.filters)


def _parameters(names: dict[str, str]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, description=text) for name, text in names.items()]


class RegencyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsByAction]
    required_action = None
    serializer_class = serializers.RegencySerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}"

    def get_queryset(self):
        return list_regencies().defer("boundary")


@extend_schema(
    parameters=_parameters(
        {
            "regency": "Regency code, e.g. 53.05",
            "nik": "NIK",
            "village": "Village code, e.g. 53.05.01.2001",
        }
    )
)
class PersonViewSet(ScopedViewSet):
    serializer_class = serializers.PersonSerializer
    lookup_field = "nik"
    lookup_value_regex = r"\d{16}"
    filters = {"regency": "regency_id", "nik": "nik"}

    def base_queryset(self):
        return Person.objects.order_by("nik")

    def get_queryset(self):
        people = super().get_queryset()
        village = self.request.query_params.get("village")
        return people.filter(in_village(village)) if village else people


class CandidateImportViewSet(ScopedViewSet):
    serializer_class = serializers.CandidateImportSerializer

    def base_queryset(self):
        return CandidateImport.objects.all()


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsByAction]
    required_action = None
    serializer_class = serializers.ProgrammeSerializer
    queryset = Programme.objects.order_by("-year", "id")


@extend_schema(
    parameters=_parameters(
        {"run": "Selection run id", "outcome": "selected, waitlisted, ...", "regency": "code"}
    )
)
class DecisionViewSet(ScopedViewSet):
    serializer_class = serializers.DecisionSerializer
    filters = {"run": "run_id", "outcome": "outcome", "regency": "regency_id", "nik": "nik"}

    def base_queryset(self):
        return Decision.objects.order_by("run_id", "regency_id", "rank", "nik")


@extend_schema(
    parameters=_parameters({"programme": "Programme id", "state": "state", "regency": "code"})
)
class EnrollmentViewSet(ScopedViewSet):
    serializer_class = serializers.EnrollmentSerializer
    filters = {"programme": "programme_id", "state": "state", "regency": "regency_id"}

    def base_queryset(self):
        return Enrollment.objects.select_related("person").order_by("id")


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Whole invoices are per payer across regencies: province-wide users only.

    A regency officer reads their regency's share through invoice lines.
    """

    permission_classes = [ReadsByAction]
    required_action = Action.VIEW_MONEY
    serializer_class = serializers.InvoiceSerializer

    def get_queryset(self):
        if regency_scope(self.request.user) is not None:
            return Invoice.objects.none()
        return Invoice.objects.order_by("-month", "id")


class InvoiceLineViewSet(ScopedViewSet):
    required_action = Action.VIEW_MONEY
    serializer_class = serializers.InvoiceLineSerializer
    filters = {"invoice": "invoice_id", "regency": "regency_id"}

    def base_queryset(self):
        return InvoiceLine.objects.select_related("invoice").order_by("invoice_id", "id")


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
        # Only approved programmes are published; a draft selection never shows here.
        year = request.query_params.get("year", "")
        programme = report_selectors.public_programme(year=report_selectors.parse_year(year))
        rows = report_selectors.public_regencies(programme=programme)
        return Response(serializers.PublicRegencySerializer(rows, many=True).data)


def docs(request):
    """A plain list of the endpoints: Swagger UI and Redoc load from a CDN, which we never use."""
    from lindungi.api.urls import router

    endpoints = [(prefix, basename) for prefix, _viewset, basename in router.registry]
    return render(request, "api/docs.html", {"endpoints": endpoints})
