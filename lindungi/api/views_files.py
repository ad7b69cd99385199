"""Imports and the files exchanged with the insurer, and their rejected rows (issue 16.1).

Each list reads through the owning app's selector (the same permission checks as the page)
and `scoped()`; rejected rows page by cursor (a file may reject a million rows).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lindungi.api import filters as params
from lindungi.api import serializers_files as files
from lindungi.api.pagination import CappedLimitOffsetPagination, KeysetPagination
from lindungi.api.permissions import ReadsByAction
from lindungi.benefits import selectors as benefit_selectors
from lindungi.benefits.models import RejectedClaimRow
from lindungi.contributions import selectors as money_selectors
from lindungi.contributions.choices import ReconciliationCategory
from lindungi.contributions.models import StatementLine, StatementRejectedRow
from lindungi.core.permissions import Action, regency_scope, scoped
from lindungi.enrollment import selectors as enrollment_selectors
from lindungi.enrollment.choices import BatchStatus
from lindungi.enrollment.models import RejectedExitRow, RejectedResponseRow
from lindungi.registry.choices import RejectReason
from lindungi.registry.models import RejectedRow


class FilteredListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list (no detail) of `rows()`, filtered by the typed parameters of `filters`."""

    permission_classes = [ReadsByAction]
    required_action: Action | None = Action.VIEW_PEOPLE
    filters: dict[str, params.Param] = {}
    pagination_class = KeysetPagination

    def rows(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The OpenAPI generator has no real user: the model types the path parameters.
            return self.get_serializer_class().Meta.model.objects.none()
        return params.apply(self.rows(), self.request, self.filters)


class FilteredReadViewSet(mixins.RetrieveModelMixin, FilteredListViewSet):
    """A list and its detail; the detail reads the same rows (so the same scope)."""

    def get_queryset(self):
        if self.action == "list" or getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return self.rows()


def _listed(spec: dict[str, params.Param]):
    return extend_schema(parameters=params.openapi_parameters(spec))


# --- rejected rows of imports -------------------------------------------------------------

CANDIDATE_REJECT_FILTERS = {
    "candidate_import": params.identifier("candidate_import_id", "Candidate import id"),
    "reason": params.choice("reason", RejectReason.values, "Reason code"),
}


@_listed(CANDIDATE_REJECT_FILTERS)
class CandidateRejectViewSet(FilteredListViewSet):
    """Rows of candidate imports that were not taken, with their cells as read."""

    serializer_class = files.CandidateRejectSerializer
    filters = CANDIDATE_REJECT_FILTERS

    def rows(self):
        return scoped(self.request.user, RejectedRow.objects.all())


RESPONSE_REJECT_FILTERS = {"response": params.identifier("response_id", "Response file id")}


@_listed(RESPONSE_REJECT_FILTERS)
class ResponseRejectViewSet(FilteredListViewSet):
    """Rejected rows of the insurer's response files (they span every regency)."""

    required_action = Action.VIEW_INSURER_FILES
    serializer_class = files.ResponseRejectSerializer
    filters = RESPONSE_REJECT_FILTERS

    def rows(self):
        responses = enrollment_selectors.list_responses(user=self.request.user)
        return scoped(self.request.user, RejectedResponseRow.objects.filter(response__in=responses))


EXIT_REJECT_FILTERS = {"exit_import": params.identifier("exit_import_id", "Exit import id")}


@_listed(EXIT_REJECT_FILTERS)
class ExitRejectViewSet(FilteredListViewSet):
    """Rejected rows of exit files and death lists (a regency's own files for its officer)."""

    serializer_class = files.ExitRejectSerializer
    filters = EXIT_REJECT_FILTERS

    def rows(self):
        imports = enrollment_selectors.list_exit_imports(user=self.request.user)
        return scoped(self.request.user, RejectedExitRow.objects.filter(exit_import__in=imports))


CLAIM_REJECT_FILTERS = {"claim_file": params.identifier("claim_import_id", "Claim file id")}


@_listed(CLAIM_REJECT_FILTERS)
class ClaimRejectViewSet(FilteredListViewSet):
    """Rejected rows of the insurer's claim files: province-wide readers only, as the page."""

    required_action = Action.VIEW_CLAIMS
    serializer_class = files.ClaimRejectSerializer
    filters = CLAIM_REJECT_FILTERS

    def rows(self):
        imports = benefit_selectors.list_imports(user=self.request.user)
        return RejectedClaimRow.objects.filter(claim_import__in=imports)


STATEMENT_REJECT_FILTERS = {"statement": params.identifier("statement_id", "Statement id")}


@_listed(STATEMENT_REJECT_FILTERS)
class StatementRejectViewSet(FilteredListViewSet):
    """Statement rows that could not be reconciled: they name people of no known regency, so
    a regency's reader gets none (as on the statement page)."""

    required_action = Action.VIEW_MONEY
    serializer_class = files.StatementRejectSerializer
    filters = STATEMENT_REJECT_FILTERS

    def rows(self):
        if regency_scope(self.request.user) is not None:
            return StatementRejectedRow.objects.none()
        money_selectors.list_statements(self.request.user)  # the page's permission check
        return StatementRejectedRow.objects.all()


# --- the files ----------------------------------------------------------------------------

BATCH_FILTERS = {
    "programme": params.identifier("programme_id", "Programme id"),
    "status": params.choice("status", BatchStatus.values, "Batch status"),
}


@_listed(BATCH_FILTERS)
class BatchViewSet(FilteredReadViewSet):
    """Submission batches sent to the insurer (as the batches page lists them)."""

    serializer_class = files.BatchSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = BATCH_FILTERS

    def rows(self):
        return enrollment_selectors.list_batches(user=self.request.user).order_by("-id")


RESPONSE_FILTERS = {"batch": params.identifier("batch_id", "Submission batch id")}


@_listed(RESPONSE_FILTERS)
class ResponseViewSet(FilteredReadViewSet):
    """The insurer's response files and what became of their rows."""

    required_action = Action.VIEW_INSURER_FILES
    serializer_class = files.ResponseFileSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = RESPONSE_FILTERS

    def rows(self):
        return enrollment_selectors.list_responses(user=self.request.user).order_by("-id")


EXIT_FILTERS = {"kind": params.choice("kind", ("exits", "deaths"), "Exits or a death list")}


@_listed(EXIT_FILTERS)
class ExitImportViewSet(FilteredReadViewSet):
    serializer_class = files.ExitImportSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = EXIT_FILTERS

    def rows(self):
        return enrollment_selectors.list_exit_imports(user=self.request.user).order_by("-id")


class ClaimFileViewSet(FilteredReadViewSet):
    """The insurer's claim files (province-wide readers: their rejects span every regency)."""

    required_action = Action.VIEW_CLAIMS
    serializer_class = files.ClaimImportSerializer
    pagination_class = CappedLimitOffsetPagination

    def rows(self):
        return benefit_selectors.list_imports(user=self.request.user).order_by("-id")


STATEMENT_FILTERS = {
    "programme": params.identifier("programme_id", "Programme id"),
    "month": params.month("month"),
}


@_listed(STATEMENT_FILTERS)
class StatementViewSet(FilteredReadViewSet):
    """The insurer's statements; one statement's detail carries its reconciliation result per
    category, counted over the lines the reader may see."""

    required_action = Action.VIEW_MONEY
    serializer_class = files.StatementSerializer
    pagination_class = CappedLimitOffsetPagination
    filters = STATEMENT_FILTERS

    def rows(self):
        return money_selectors.list_statements(self.request.user)

    @extend_schema(responses=files.StatementDetailSerializer)
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        statement = self.get_object()
        summary = money_selectors.statement_summary(request.user, statement)
        statement.summary = summary
        return Response(files.StatementDetailSerializer(statement).data)


STATEMENT_LINE_FILTERS = {
    "statement": params.identifier("statement_id", "Statement id"),
    "category": params.choice("category", ReconciliationCategory.values, "Reconciliation category"),
    "regency": params.regency(),
    "resolved": params.flag("resolved", "Resolved (true) or still open (false)"),
}


@_listed(STATEMENT_LINE_FILTERS)
class StatementLineViewSet(FilteredListViewSet):
    """The reconciliation's lines: one person each, in a category (a regency's own lines for
    its reader)."""

    required_action = Action.VIEW_MONEY
    serializer_class = files.StatementLineSerializer
    filters = STATEMENT_LINE_FILTERS

    def rows(self):
        money_selectors.list_statements(self.request.user)  # the page's permission check
        return scoped(self.request.user, StatementLine.objects.all())
