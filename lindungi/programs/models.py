"""Programmes, their payers (cohorts), rates, quotas and the frozen decisions of selection runs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindungi.core.checker import MakerChecker
from lindungi.core.records import RejectedRowRecord
from lindungi.programs.choices import (
    DEFAULT_CRITERIA,
    ActiveListRejectReason,
    Component,
    ExclusionStatus,
    FundingSource,
    Outcome,
    Package,
    PayerType,
    PendingDuplicates,
    ProgrammeStatus,
    QuotaMethod,
    RateKind,
    RunStatus,
    Sector,
    decode_reasons,
)


def default_criteria() -> list[str]:
    return list(DEFAULT_CRITERIA)


class RateFields(models.Model):
    """What one line of the rate table says (a rule in force, or a proposed one)."""

    component = models.CharField(max_length=3, choices=Component.choices)
    kind = models.CharField(max_length=20, choices=RateKind.choices)
    # Basis points of the income (percent), whole rupiah (fixed), or payable share (discount).
    value = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    # Blank: every sector. `only_sector` limits the rule to one sector; `except_sector`
    # excludes one.
    only_sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    except_sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    # Funding sources the rule does not apply to (PP 50/2025 excludes APBN/APBD).
    excluded_funding_sources = models.JSONField(default=list, blank=True)
    legal_basis = models.CharField(max_length=300)

    class Meta:
        abstract = True


class RateRule(RateFields):
    """One line of the contribution rate table: a base rate or a discount, valid for a period.

    Rules are data so that a new regulation is a new row, not a code change (DOMAIN.md §2).
    A new rule comes from an approved `ProposedRateRule` (`programs.rate_changes`).
    """

    class Meta:
        ordering = ["component", "effective_from", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="programs_rate_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RateKind.DISCOUNT) | Q(value__lte=10_000),
                name="programs_rate_discount_at_most_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.kind} {self.value} from {self.effective_from}"


class ProposedRateRule(MakerChecker, RateFields):
    """A rate change waiting for a second person (issue 19, point 3): not in force (billing reads
    only `RateRule`) until approved, which creates `rule`; frozen once decided (migration 0013)."""

    rule = models.OneToOneField(
        RateRule, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )

    class Meta:
        ordering = ["-prepared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.component} {self.kind} {self.value} from {self.effective_from} (proposed)"


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Exactly one of province or regency: the region whose residents may be selected.
    province = models.ForeignKey(
        "regions.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    coverage_start = models.DateField(_("coverage start"))
    coverage_end = models.DateField(_("coverage end"))
    package = models.CharField(
        _("package"), max_length=20, choices=Package.choices, default=Package.JKK_JKM
    )
    income_basis = models.PositiveIntegerField(_("declared income basis"), default=1_000_000)
    target_headcount = models.PositiveIntegerField(_("target headcount"))
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    # Eligibility rules (DOMAIN.md §2, §5); each can be tuned per programme.
    min_age = models.PositiveSmallIntegerField(default=15)
    max_age = models.PositiveSmallIntegerField(default=65)
    max_desil = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    exclude_active_participants = models.BooleanField(default=True)
    exclude_wage_earners = models.BooleanField(default=True)
    exclude_other_programmes = models.BooleanField(default=True)
    # Integrity (issue 19, point 2): likely duplicates awaiting review, places per household.
    pending_duplicates = models.CharField(
        max_length=20, choices=PendingDuplicates.choices, default=PendingDuplicates.HOLD
    )
    # The most people of one family card (KK) the programme selects; empty: no limit.
    max_per_household = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Quotas and priority.
    quota_method = models.CharField(
        max_length=20, choices=QuotaMethod.choices, default=QuotaMethod.POOR_POPULATION
    )
    redistribute_surplus = models.BooleanField(default=True)
    criteria = models.JSONField(default=default_criteria)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, regency__isnull=True)
                | Q(province__isnull=True, regency__isnull=False),
                name="programs_programme_one_region",
            ),
            models.CheckConstraint(
                condition=Q(coverage_end__gte=F("coverage_start")),
                name="programs_programme_coverage_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_age__gte=F("min_age")), name="programs_programme_age_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        return str(self.regency or self.province)


class Payer(models.Model):
    """Who pays: the province, a kabupaten/kota government, a village fund, a company's CSR, or
    the participant themself, with the funding source its money comes from.

    A payer is a record, not a name typed into each cohort: a government payer is found by its
    region (one per province and per regency), so a second spelling of the same government
    never becomes a second payer with its own invoices and budget. The table keeps its
    original name: invoices and appropriations have pointed at it since the first release.
    """

    payer_type = models.CharField(_("payer type"), max_length=20, choices=PayerType.choices)
    name = models.CharField(_("name"), max_length=200)
    funding_source = models.CharField(
        _("funding source"),
        max_length=20,
        choices=FundingSource.choices,
        default=FundingSource.APBD,
    )
    province = models.ForeignKey(
        "regions.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "contributions_payer"
        ordering = ["payer_type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["payer_type", "name"], name="contrib_payer_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """A group of places in a programme, paid by its funding shares (any number of payers)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    # Cohorts fill places in this order where they share a regency.
    position = models.PositiveSmallIntegerField(default=1)
    headcount = models.PositiveIntegerField()
    # Blank: places spread over the programme's whole region; set: all places in this regency.
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["programme", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def first_shares(self) -> list["FundingShare"]:
        """The shares the cohort started with (its earliest month), largest first."""
        shares = sorted(self.funding_shares.all(), key=lambda s: (s.from_month, -s.share_bp))
        return [share for share in shares if share.from_month == shares[0].from_month]

    @property
    def funding_source(self) -> str:
        """The funding source of the cohort's main payer (the largest first share)."""
        shares = self.first_shares()
        return shares[0].payer.funding_source if shares else FundingSource.APBD


class FundingShare(models.Model):
    """One payer's share of a cohort's cost from a month on (until the cohort's next change).

    The shares of a cohort with the same `from_month` add up to 10,000 basis points (checked by
    `programs.funding.set_funding_shares`, the only writer). Rounding rule: each invoice line
    amount is split over the month's payers by the largest-remainder method, payers in id
    order, so the parts add up to the line exactly and every payer's invoice computes the same
    split (`core.money.largest_remainder`).
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="funding_shares")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="funding_shares")
    # First day of the first contribution month the share applies to.
    from_month = models.DateField()
    share_bp = models.PositiveIntegerField()

    class Meta:
        ordering = ["cohort", "from_month", "payer"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "from_month", "payer"], name="programs_share_once"
            ),
            models.CheckConstraint(
                condition=Q(share_bp__gte=1, share_bp__lte=10_000),
                name="programs_share_within_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.payer_id} {self.share_bp} from {self.from_month}"


class Quota(models.Model):
    """A typed-in quota (programme quota method "manual")."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="quotas")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField()

    class Meta:
        ordering = ["cohort", "regency"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "regency"], name="programs_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cohort} {self.regency_id}: {self.headcount}"


class ActiveParticipantImport(models.Model):
    """One list of active participants from the insurer and what became of its rows.

    Every list is kept: its rows stay (no longer current) when a newer list arrives, so
    what selection excluded at any time can still be shown.
    """

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    # A NIK repeated with the same details: counted once, the repeat is not an error.
    rows_repeated = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    wage_earners = models.PositiveIntegerField(default=0)
    # How many participants the previous current list had (replaced as the current one).
    replaced = models.PositiveIntegerField(default=0)
    reason_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_read=F("rows_accepted") + F("rows_repeated") + F("rows_rejected")),
                name="programs_active_list_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class ActiveInsurerParticipant(models.Model):
    """A NIK the insurer reports as active. Selection reads the current list only; the rows of
    earlier lists stay, no longer current (history).

    The insurer's list carries the membership segment, so "wage earner" (PU, covered by an
    employer) is a flag of this list rather than a registry attribute we would have to guess.
    """

    # Indexed on its own too: selection joins every person to the list by NIK.
    nik = models.CharField(max_length=16, db_index=True)
    kpj = models.CharField(max_length=20, blank=True)
    is_wage_earner = models.BooleanField(default=False)
    source_file = models.CharField(max_length=255)
    imported_at = models.DateTimeField()
    list_import = models.ForeignKey(
        ActiveParticipantImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["nik"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(is_current=True),
                name="programs_active_participant_current_once",
            ),
            models.UniqueConstraint(
                fields=["list_import", "nik"], name="programs_active_participant_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return self.nik


class RejectedActiveParticipantRow(RejectedRowRecord):
    """A row of an active-participant list that was not taken, with its values as read."""

    list_import = models.ForeignKey(
        ActiveParticipantImport, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    reason = models.CharField(max_length=30, choices=ActiveListRejectReason.choices)

    class Meta:
        ordering = ["list_import", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["list_import", "row_number"], name="programs_rejected_active_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_import_id}:{self.row_number} {self.reason}"


class SelectionRun(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    # The rules as they were when the run was made, so the run explains itself later.
    parameters = models.JSONField(default=dict)
    candidates = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=RunStatus.APPROVED),
                name="programs_run_one_approved_per_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"


class RunQuota(models.Model):
    """The quota a run applied to one regency and cohort, and where it was filled."""

    REGENCY_SCOPE_FIELD = "regency_id"

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="quotas")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    # Before surplus redistribution, and after it.
    initial_quota = models.PositiveIntegerField()
    quota = models.PositiveIntegerField()
    # Ranks (rank_from, rank_to] in this regency's list go to this cohort.
    rank_from = models.PositiveIntegerField()
    rank_to = models.PositiveIntegerField()
    eligible = models.PositiveIntegerField()
    filled = models.PositiveIntegerField(default=0)
    last_desil = models.PositiveSmallIntegerField(null=True)
    # Why the figure is what it is, e.g. the poor-population fallback used for this regency.
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["run", "regency", "cohort__position"]
        constraints = [
            # Regency before cohort: the selection joins each ranked row to its regency's quotas.
            models.UniqueConstraint(
                fields=["run", "regency", "cohort"], name="programs_runquota_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.regency_id} {self.cohort_id}: {self.quota}"


class Decision(models.Model):
    """One candidate's outcome in one run, with the values it was based on frozen in place."""

    REGENCY_SCOPE_FIELD = "regency_id"

    # No single-column indexes on run, person and regency: the composite indexes below lead
    # with them, and every extra index slows the million-row INSERT ... SELECT.
    # No database-level foreign keys on them either (db_constraint=False): only
    # selection.run_selection writes these rows, copying the ids from their parents in the same
    # transaction, and checking a million rows per run cost more than the selection itself
    # (PostgreSQL fires a trigger and locks the parent row per row and key, 35 s of 55 s at a
    # million candidates; SQLite probes the parent per row). PROTECT and CASCADE still hold
    # through the ORM, and registry people are never deleted, only versioned.
    run = models.ForeignKey(
        SelectionRun,
        on_delete=models.CASCADE,
        related_name="decisions",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    nik = models.CharField(max_length=16)
    kk_number = models.CharField(max_length=16)
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    desil = models.PositiveSmallIntegerField(null=True)
    poverty_label = models.CharField(max_length=20)
    birth_date = models.DateField()
    age = models.SmallIntegerField()
    # Bit set of choices.Reason; 0 means eligible.
    reasons = models.PositiveIntegerField()
    household_first = models.BooleanField(default=True)
    # Carried over from last year's programme by the renewal (criterion "continued").
    continued = models.BooleanField(default=False)
    tie_break = models.BigIntegerField()
    rank = models.PositiveIntegerField(null=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # No database-level foreign key either: the cohort is copied from the run's quota (whose
    # own foreign key the database checks) in the same INSERT, or from another decision of the
    # run. PostgreSQL queued a deferred check for each of the million rows, 0.5 s at commit.
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["run", "regency", "rank", "nik"]
        constraints = [
            # Person first: it also serves a person's decisions across runs (the timeline, the
            # PROTECT check), so no separate person index is maintained on every insert.
            models.UniqueConstraint(fields=["person", "run"], name="programs_decision_unique"),
            # Partial: only the eligible have a rank, and two thirds of a run's rows are not;
            # leaving them out of the index makes the million-row insert much cheaper.
            models.UniqueConstraint(
                fields=["run", "regency", "rank"],
                condition=Q(rank__isnull=False),
                name="programs_decision_rank_unique",
            ),
        ]
        indexes = [
            # Serves a run's rows and a run's rows in one regency. A decision is found by NIK
            # through the person (unique NIK, then the person-first unique constraint), so no
            # (run, nik) index is maintained on the million-row insert.
            models.Index(fields=["run", "regency"], name="programs_decision_run_regency"),
            # Only the selected have a cohort; the index serves the PROTECT check and billing.
            models.Index(
                fields=["cohort"],
                condition=Q(cohort__isnull=False),
                name="programs_decision_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nik} {self.outcome}"

    @property
    def reason_list(self):
        return decode_reasons(self.reasons)


class ExclusionProposal(models.Model):
    """A regency officer's written request to drop a selected person from a draft run."""

    REGENCY_SCOPE_FIELD = "decision__regency_id"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="proposals")
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=ExclusionStatus.choices, default=ExclusionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status=ExclusionStatus.PROPOSED),
                name="programs_exclusion_one_open_per_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.status})"
