"""Work that comes to you: what waits for each user, counted, with the page to act on it.

Registered with the shell (`web.hooks`) when the reports app loads: the home page lists the
items and the menu shows their total. Each item is one COUNT over an indexed column, scoped to
what the user may see, and shown only to a user who may act on it. The counts are cached for a
minute per user, since the menu shows them on every page.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.approvals import waiting_count
from lindungi.contributions.choices import InvoiceKind, ReconciliationCategory
from lindungi.contributions.models import Invoice, InvoiceLine, Payment, StatementLine, WriteOff
from lindungi.core.checker import ApprovalStatus
from lindungi.core.permissions import Action, can, regency_scope, scoped
from lindungi.enrollment.choices import BatchStatus, EnrollmentState
from lindungi.enrollment.models import Enrollment, SubmissionBatch
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.selectors import list_jobs
from lindungi.programs.choices import ExclusionStatus
from lindungi.programs.models import ExclusionProposal
from lindungi.programs.rate_changes import waiting_count as rate_waiting_count
from lindungi.registry.selectors import list_duplicates
from lindungi.web.hooks import AttentionItem

CACHE_SECONDS = 60
# Invoices falling due within this many days are shown before they are late.
DUE_SOON_DAYS = 14
FAILED_JOBS_DAYS = 7


def _url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _sum_of(queryset, *, by: str, field: str):
    """A correlated subquery: the sum of `field` over `queryset`, which filters `by` on OuterRef."""
    totals = queryset.order_by().values(by).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(totals[:1]), 0)


def open_invoices(user, *, today):
    """Invoices not yet paid in full (credit notes counted) that fall due soon or are late."""
    invoices = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)
    )
    if regency_scope(user) is not None:
        invoices = invoices.filter(
            pk__in=InvoiceLine.objects.filter(regency_id=regency_scope(user)).values("invoice_id")
        )
    paid = Payment.objects.filter(invoice_id=OuterRef("pk"))
    corrected = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, corrects_id=OuterRef("pk"))
    written_off = WriteOff.objects.filter(invoice_id=OuterRef("pk"), status=ApprovalStatus.APPROVED)
    return invoices.annotate(
        paid=_sum_of(paid, by="invoice_id", field="amount"),
        corrected=_sum_of(corrected, by="corrects_id", field="total"),
        written_off=_sum_of(written_off, by="invoice_id", field="amount"),
    ).filter(paid__lt=F("total") + F("corrected") - F("written_off"))


def compute_attention(user) -> list[AttentionItem]:
    """The items for one user, uncached."""
    today = timezone.localdate()
    items: list[AttentionItem] = []
    if can(user, Action.REVIEW_DUPLICATES):
        items.append(
            AttentionItem(
                "duplicates",
                _("Possible duplicates to review"),
                list_duplicates(user=user).count(),
                _url("registry:duplicates"),
            )
        )
    if can(user, Action.IMPORT_CANDIDATES):
        rejected = scoped(user, Enrollment.objects.filter(state=EnrollmentState.REJECTED))
        items.append(
            AttentionItem(
                "insurer_rejections",
                _("People the insurer refused: correct their data"),
                rejected.count(),
                _url("enrollment:list", state=EnrollmentState.REJECTED),
            )
        )
    if can(user, Action.DECIDE_EXCLUSION):
        proposals = scoped(user, ExclusionProposal.objects.filter(status=ExclusionStatus.PROPOSED))
        latest = proposals.order_by("-pk").values_list("decision__run__programme_id", flat=True)
        programme_id = latest.first()
        items.append(
            AttentionItem(
                "exclusions",
                _("Exclusions proposed by regencies"),
                proposals.count(),
                reverse("programs:detail", args=[programme_id])
                if programme_id
                else _url("programs:list"),
                "warning",
            )
        )
    if can(user, Action.RECORD_PAYMENT):
        unpaid = open_invoices(user, today=today)
        overdue = unpaid.filter(due_date__lt=today).count()
        items.append(
            AttentionItem(
                "overdue_invoices",
                _("Invoices past their due date"),
                overdue,
                _url("contributions:arrears"),
                "warning",
            )
        )
        items.append(
            AttentionItem(
                "due_invoices",
                _("Invoices falling due in the next two weeks"),
                unpaid.filter(due_date__gte=today).count(),
                _url("contributions:invoices"),
            )
        )
    if can(user, Action.MANAGE_PROGRAMMES):
        items.append(
            AttentionItem(
                "rate_proposals",
                _("Rate changes waiting for your approval"),
                rate_waiting_count(user),
                _url("programs:rates"),
                "warning",
            )
        )
    if can(user, Action.RECORD_PAYMENT) or can(user, Action.MANAGE_BILLING):
        items.append(
            AttentionItem(
                "approvals",
                _("Payments and write-offs waiting for your approval"),
                waiting_count(user),
                _url("contributions:approvals"),
                "warning",
            )
        )
    if can(user, Action.MANAGE_BILLING):
        unmatched = StatementLine.objects.filter(resolved=False).exclude(
            category=ReconciliationCategory.MATCHED
        )
        items.append(
            AttentionItem(
                "statement_lines",
                _("Statement lines that do not match"),
                unmatched.count(),
                _url("contributions:reconciliation"),
            )
        )
    if can(user, Action.EXCHANGE_INSURER_FILES):
        items.append(
            AttentionItem(
                "open_batches",
                _("Submission batches not yet sent to the insurer"),
                SubmissionBatch.objects.filter(status=BatchStatus.OPEN).count(),
                _url("enrollment:batches"),
            )
        )
    failed = list_jobs(user=user).filter(
        status=JobStatus.FAILED, created_at__gte=timezone.now() - timedelta(days=FAILED_JOBS_DAYS)
    )
    items.append(
        AttentionItem(
            "failed_jobs",
            _("Background jobs that failed this week"),
            failed.count(),
            _url("jobs:list"),
            "warning",
        )
    )
    return [item for item in items if item.count > 0]


def attention(user) -> list[AttentionItem]:
    """The items for one user, counted at most once a minute."""
    if not (user and user.is_authenticated and (user.is_superuser or user.role)):
        return []
    key = f"lindungi:attention:{user.pk}:{user.role}:{user.regency_id or ''}"
    items = cache.get(key)
    if items is None:
        items = compute_attention(user)
        cache.set(key, items, CACHE_SECONDS)
    return items
