"""Benefits: the regulation's rules as data, claims from the insurer and the province, heirs.

Rules (`BenefitRule`, `DisabilityRate`) are rows with effective dates, loaded from the CSVs in
`data/` (sources in `data/README.md`); the calculator reads the rows in force on a date and
holds no amount of its own. A claim is one incident of one person; its items hold what was
claimed and paid (from the insurer) next to what the regulation gives (computed here).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.benefits.choices import (
    BenefitItem,
    ClaimKind,
    ClaimRejectReason,
    ClaimSource,
    ClaimStatus,
    Consequence,
    CoverVerdict,
    HeirRelation,
    RuleUnit,
    SchoolLevel,
    TransportMode,
)
from lindungi.core.records import RejectedRowRecord


class BenefitRule(models.Model):
    """One figure of the regulation (an amount, a multiple, a ceiling) over a period."""

    code = models.CharField(_("rule"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    value = models.BigIntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=20, choices=RuleUnit.choices)
    effective_from = models.DateField(_("effective from"))
    # Inclusive last day; empty while in force.
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="benefits_rule_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="benefits_rule_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value} ({self.effective_from})"


class DisabilityRate(models.Model):
    """One line of the partial-disability table: a loss and its percentage."""

    code = models.CharField(_("code"), max_length=60)
    description = models.CharField(_("loss of function"), max_length=200)
    # 4.5 % is 450: the table has half percents.
    percent_bp = models.PositiveIntegerField(_("percentage (basis points)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        ordering = ["-percent_bp", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="benefits_disability_rate_once"
            ),
            models.CheckConstraint(
                condition=Q(percent_bp__gt=0, percent_bp__lte=10_000),
                name="benefits_disability_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.percent_label}"

    @property
    def percent_label(self) -> str:
        """4,5% the Indonesian way."""
        whole, part = divmod(self.percent_bp, 100)
        return f"{whole},{part:02d}".rstrip("0").rstrip(",") + "%"


class ClaimImport(models.Model):
    """One claim file from the insurer: what was read and what became of each row."""

    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    claims_touched = models.PositiveIntegerField(default=0)
    reason_counts = models.JSONField(default=dict)
    # The file's death claims, recorded in the registry (enrollment.deaths): people newly
    # marked deceased, and people whose recorded date of death differs (left as it was).
    deaths_recorded = models.PositiveIntegerField(default=0)
    deaths_conflicting = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rows_read=models.F("rows_created")
                    + models.F("rows_updated")
                    + models.F("rows_unchanged")
                    + models.F("rows_rejected")
                ),
                name="benefits_import_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class RejectedClaimRow(RejectedRowRecord):
    """A claim file row that was not applied, with its original cells and the reason."""

    claim_import = models.ForeignKey(
        ClaimImport, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    reason = models.CharField(max_length=30, choices=ClaimRejectReason.choices)
    claim_number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["claim_import", "row_number"]

    def __str__(self) -> str:
        return f"{self.claim_import_id}:{self.row_number} {self.reason}"


class Claim(models.Model):
    """One incident of one person, as the insurer or the province reported it."""

    REGENCY_SCOPE_FIELD = "regency_id"

    number = models.CharField(_("claim number"), max_length=60, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=ClaimSource.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    kpj = models.CharField("KPJ", max_length=11, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ClaimKind.choices)
    consequence = models.CharField(_("consequence"), max_length=30, choices=Consequence.choices)
    incident_date = models.DateField(_("incident date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    # The declared monthly income the contribution was based on (rupiah).
    income_basis = models.BigIntegerField(_("income basis"), null=True, blank=True)
    disability_percent_bp = models.PositiveIntegerField(null=True, blank=True)
    months_incapacitated = models.PositiveSmallIntegerField(null=True, blank=True)
    transport_mode = models.CharField(max_length=10, choices=TransportMode.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The cover verdict (cover.py): the coverage that held on the incident date, if any.
    enrollment = models.ForeignKey(
        "enrollment.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programs.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.ForeignKey(
        "programs.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(
        _("cover verdict"),
        max_length=20,
        choices=CoverVerdict.choices,
        default=CoverVerdict.UNKNOWN,
    )
    verdict_reasons = models.JSONField(default=list)
    # Paid contribution months across every programme and payer, for the JKM scholarship.
    contribution_months = models.PositiveSmallIntegerField(default=0)
    assessed_on = models.DateField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_import = models.ForeignKey(
        ClaimImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-incident_date", "number"]
        indexes = [
            models.Index(fields=["regency", "incident_date"], name="benefits_claim_regency_date"),
            models.Index(fields=["person"], name="benefits_claim_person"),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimItem(models.Model):
    """One benefit of a claim: claimed and paid (the insurer) beside computed (the regulation).

    `child` numbers the child a scholarship is for (0 for every other item).
    """

    REGENCY_SCOPE_FIELD = "claim__regency_id"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("benefit"), max_length=30, choices=BenefitItem.choices)
    child = models.PositiveSmallIntegerField(default=0)
    claimed_amount = models.BigIntegerField(_("claimed"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("paid"), null=True, blank=True)
    paid_on = models.DateField(_("date paid"), null=True, blank=True)
    computed_amount = models.BigIntegerField(_("by regulation"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["claim", "item", "child"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "item", "child"], name="benefits_item_once"),
            models.CheckConstraint(
                condition=(Q(claimed_amount__isnull=True) | Q(claimed_amount__gte=0))
                & (Q(paid_amount__isnull=True) | Q(paid_amount__gte=0)),
                name="benefits_item_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.item} {self.child}"


class Heir(models.Model):
    """A person the benefit goes to: personal data, scoped with the claim and never public."""

    REGENCY_SCOPE_FIELD = "claim__regency_id"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=10, choices=HeirRelation.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    school_level = models.CharField(
        _("schooling"), max_length=10, choices=SchoolLevel.choices, default=SchoolLevel.NONE
    )

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="benefits_heir_position")
        ]

    def __str__(self) -> str:
        return self.name
