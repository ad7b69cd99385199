"""Cohorts and payers, payments, budgets, claims, the dashboard's figures and the Paritrana
Award results (issue 16.1), and recording a payment (16.2).

Every read goes through the owning app's selector, so a regency's reader sees what the page
shows them: its own regency's share of a payment, its own payers' budgets, its own claims.
"""

from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungi.api import filters as params
from lindungi.api import serializers_money as money
from lindungi.api import serializers_payers as payers
from lindungi.api.errors import BadParameter
from lindungi.api.pagination import CappedLimitOffsetPagination
from lindungi.api.permissions import ReadsByAction, WritesByAction, acting
from lindungi.api.views_files import FilteredListViewSet, FilteredReadViewSet
from lindungi.awards import selectors as award_selectors
from lindungi.awards.choices import PeriodStatus
from lindungi.awards.models import Entry
from lindungi.benefits import selectors as benefit_selectors
from lindungi.benefits.choices import ClaimKind, ClaimStatus, CoverVerdict
from lindungi.contributions import selectors as money_selectors
from lindungi.contributions.budget import budget_overview
from lindungi.contributions.choices import PaymentSource
from lindungi.contributions.models import Invoice, InvoiceLine, Payment
from lindungi.contributions.payments import record_payment
from lindungi.core.dates import local_today
from lindungi.core.permissions import Action, regency_scope, scoped
from lindungi.programs.models import Cohort
from lindungi.reports import selectors as report_selectors

# --- cohorts and payers ---------------------------------------------------------------------

COHORT_FILTERS = {"programme": params.identifier("programme_id", "Programme id")}


@extend_schema(parameters=params.openapi_parameters(COHORT_FILTERS))
class CohortViewSet(FilteredReadViewSet):
    """A programme's cohorts and who funds them (programme settings: any role, as programmes)."""

    required_action = None
    serializer_class = payers.CohortSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = COHORT_FILTERS

    def rows(self):
        return Cohort.objects.order_by("programme_id", "position", "id")


class PayerViewSet(FilteredReadViewSet):
    """Payers with the cohorts they fund (a regency's reader: its own regency's payers)."""

    required_action = Action.VIEW_MONEY
    serializer_class = payers.PayerSerializer
    pagination_class = CappedLimitOffsetPagination

    def rows(self):
        return money_selectors.list_budget_payers(self.request.user).order_by("id")


# --- payments -------------------------------------------------------------------------------

PAYMENT_FILTERS = {
    "invoice": params.identifier("invoice_id", "Invoice id"),
    "payer": params.identifier("invoice__payer_id", "Payer id"),
}


def visible_invoices(user):
    """Invoices the user may read: every one, or those with a line of the user's regency."""
    invoices = Invoice.objects.all()
    if regency_scope(user) is None:
        return invoices
    return invoices.filter(pk__in=scoped(user, InvoiceLine.objects.all()).values("invoice_id"))


def with_visible_amounts(user, payments: list[Payment]) -> list[Payment]:
    """Each payment's `visible_amount`: whole, or the regency's share (as the payments page)."""
    shares: dict[int, tuple[int, int]] = {}
    if regency_scope(user) is not None:
        ids = {payment.invoice_id for payment in payments}
        shares = {
            pk: (int(visible or 0), total)
            for pk, visible, total in money_selectors.list_invoices(user)
            .filter(pk__in=ids)
            .values_list("pk", "visible_total", "total")
        }
    for payment in payments:
        share = shares.get(payment.invoice_id)
        payment.visible_amount = (
            payment.amount if share is None else money_selectors.share_of(payment.amount, share)
        )
    return payments


@extend_schema(parameters=params.openapi_parameters(PAYMENT_FILTERS))
class PaymentViewSet(mixins.CreateModelMixin, FilteredReadViewSet):
    """Payments received, newest first; POST records a bank transfer (the payments page's
    service and audit). Posting the same invoice and bank reference again changes nothing."""

    permission_classes = [WritesByAction]
    required_action = Action.VIEW_MONEY
    write_action = Action.RECORD_PAYMENT
    serializer_class = money.PaymentSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = PAYMENT_FILTERS

    def rows(self):
        return (
            Payment.objects.filter(invoice__in=visible_invoices(self.request.user))
            .select_related("invoice")
            .order_by("-paid_on", "-id")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = with_visible_amounts(request.user, list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        (payment,) = with_visible_amounts(request.user, [self.get_object()])
        return Response(self.get_serializer(payment).data)

    @extend_schema(
        request=money.PaymentInputSerializer,
        responses={201: money.PaymentSerializer, 200: money.PaymentSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        given = money.PaymentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        invoice = visible_invoices(request.user).filter(pk=data["invoice"]).first()
        if invoice is None:
            raise BadParameter("invoice", "not_found", "No such invoice.")
        reference = data["bank_reference"].strip()
        earlier = Payment.objects.filter(
            invoice=invoice, source=PaymentSource.BANK, bank_reference=reference
        ).first()
        if earlier is not None and (earlier.amount, earlier.paid_on) == (
            data["amount"],
            data["paid_on"],
        ):
            # The same transfer posted again (a retry): nothing changes.
            (earlier,) = with_visible_amounts(request.user, [earlier])
            return Response(self.get_serializer(earlier).data, status=status.HTTP_200_OK)
        try:
            payment = record_payment(
                invoice=invoice,
                paid_on=data["paid_on"],
                amount=data["amount"],
                bank_reference=reference,
                user=request.user,
            )
        except IntegrityError:
            raise BadParameter(
                "bank_reference", "duplicate_reference", "This reference is already recorded."
            ) from None
        (payment,) = with_visible_amounts(request.user, [payment])
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


# --- budgets --------------------------------------------------------------------------------


def _month(value) -> str | None:
    return None if value is None else f"{value.year:04d}-{value.month:02d}"


YEAR = params.Param("year", params.parse_year, "Fiscal year (default: this year)", kind=int)


class BudgetView(APIView):
    """Per payer the user may see (a regency's reader: its own payers), the fiscal year's
    budget, what was spent (billed) and paid, and the forecast of the budget page."""

    permission_classes = [ReadsByAction]
    required_action = Action.VIEW_MONEY

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Fiscal year (default: this year)"),
            OpenApiParameter("payer", int, description="One payer's id"),
        ],
        responses=money.BudgetSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params.refuse_unknown(request, {"year", "payer"})
        given = params.parse_values(request, {"year": YEAR})
        year = given.get("year") or local_today().year
        payer_list = money_selectors.list_budget_payers(request.user)
        payer_list = params.apply(
            payer_list, request, {"payer": params.identifier("pk", "Payer id")}, known={"year"}
        )
        rows = []
        for payer in payer_list:
            overview = budget_overview(payer=payer, fiscal_year=year)
            forecast = overview.forecast
            rows.append(
                {
                    "payer": payer.pk,
                    "payer_name": payer.name,
                    "payer_type": payer.payer_type,
                    "regency": payer.regency_id,
                    "fiscal_year": year,
                    "appropriated": overview.appropriated,
                    "spent": overview.billed,
                    "paid": overview.paid,
                    "remaining": overview.remaining,
                    "headcount": overview.headcount,
                    "monthly_cost": overview.monthly_cost,
                    "forecast": None
                    if forecast is None
                    else {
                        "months_left": forecast.months_left,
                        "guaranteed_until": _month(forecast.guaranteed_until),
                        "runs_out_in": _month(forecast.runs_out_in),
                        "max_headcount": forecast.max_headcount,
                    },
                }
            )
        return Response(money.BudgetSerializer(rows, many=True).data)


# --- claims ---------------------------------------------------------------------------------

CLAIM_FILTERS = {
    "regency": params.regency(),
    "kind": params.choice("kind", ClaimKind.values, "Kind of claim"),
    "status": params.choice("status", ClaimStatus.values, "Claim status"),
    "verdict": params.choice("verdict", CoverVerdict.values, "Cover verdict"),
    "nik": params.nik("person__nik"),
}


@extend_schema(parameters=params.openapi_parameters(CLAIM_FILTERS))
class ClaimViewSet(FilteredReadViewSet):
    """Claims with their items (claimed, paid, by regulation) and the cover verdict; one
    claim's detail also carries its heirs, and reading them is audited as on the claim page."""

    required_action = Action.VIEW_CLAIMS
    serializer_class = money.ClaimSerializer
    filters = CLAIM_FILTERS

    def rows(self):
        return benefit_selectors.list_claims(user=self.request.user).prefetch_related("items")

    @extend_schema(responses=money.ClaimDetailSerializer)
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        with acting(request):
            claim.visible_heirs = list(benefit_selectors.list_heirs(user=request.user, claim=claim))
        return Response(money.ClaimDetailSerializer(claim).data)


# --- the dashboard's figures and the award results -----------------------------------------


class DashboardView(APIView):
    """The dashboard's figures from the summary tables: the funnel, the figures per regency
    and the monthly headcount of one programme, over the regencies the reader may see."""

    permission_classes = [ReadsByAction]
    required_action = Action.VIEW_PEOPLE

    @extend_schema(
        parameters=params.openapi_parameters(
            {
                "programme": params.identifier("programme_id", "Programme id (default: newest)"),
                "regency": params.regency(),
            }
        ),
        responses=money.DashboardSerializer,
    )
    def get(self, request: Request) -> Response:
        params.refuse_unknown(request, {"programme", "regency"})
        wanted = params.parse_values(
            request,
            {
                "programme": params.identifier("programme_id", ""),
                "regency": params.regency(),
            },
        )
        programme = report_selectors.default_programme(wanted.get("programme"))
        if wanted.get("programme") and programme is None:
            raise BadParameter("programme", "unknown_value", "No such programme.")
        regency = wanted.get("regency")
        user = request.user
        state = report_selectors.summary_state()
        figures = report_selectors.regency_figures(user=user, programme=programme, regency=regency)
        months = report_selectors.monthly_headcount(user=user, programme=programme, regency=regency)
        body = {
            "refreshed_at": state.refreshed_at if state else None,
            "as_of": state.as_of if state else None,
            "programme": programme.pk if programme else None,
            "funnel": report_selectors.funnel(user=user, programme=programme, regency=regency),
            "regencies": [{**vars(row), "covered": row.covered} for row in figures],
            "monthly": [{"month": month, "covered": covered} for month, covered in months],
        }
        return Response(money.DashboardSerializer(body).data)


AWARD_FILTERS = {"year": params.Param(
    "category__period__year", params.parse_year, "Assessment year", kind=int)}  # fmt: skip


@extend_schema(parameters=params.openapi_parameters(AWARD_FILTERS))
class AwardResultViewSet(FilteredListViewSet):
    """The Paritrana Award's ranked participants: published periods only, except for the
    province and auditors, who follow an assessment before it is published (as the pages)."""

    required_action = None
    serializer_class = money.AwardResultSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = AWARD_FILTERS

    def rows(self):
        entries = Entry.objects.select_related("category__period").order_by(
            "-category__period__year", "category__kind", "rank", "name", "id"
        )
        if award_selectors.sees_everything(self.request.user):
            return entries
        return entries.filter(category__period__status=PeriodStatus.PUBLISHED, rank__isnull=False)
