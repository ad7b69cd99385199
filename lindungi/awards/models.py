"""The Paritrana Award: periods, categories, criteria, participants, evidence and panel scores.

Everything that scores is data of a period (DOMAIN.md §6: the weights are not public), so a new
year is a copy of the last one, changed where the province decides.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.awards.choices import (
    CategoryKind,
    ComputedIndicator,
    IndicatorKind,
    PeriodStatus,
    ScoreRule,
    SubmissionStatus,
)


class AssessmentPeriod(models.Model):
    year = models.PositiveSmallIntegerField(_("assessment year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    submission_deadline = models.DateField(_("self-assessment deadline"), null=True, blank=True)
    score_rule = models.CharField(
        _("final score rule"), max_length=20, choices=ScoreRule.choices, default=ScoreRule.MEAN
    )
    ceremony = models.CharField(_("award ceremony"), max_length=100, blank=True)
    # Signature on the certificates.
    signatory_name = models.CharField(_("signed by (name)"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signed by (title)"), max_length=200, blank=True)
    # A PNG or JPEG under MEDIA_ROOT; the certificate has no emblem while it is empty.
    emblem = models.CharField(_("emblem"), max_length=300, blank=True)
    # Past periods keep the ranking as announced; their scores were never public.
    results_source = models.CharField(_("source of the results"), max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title or f"Paritrana Award {self.year}"


class Category(models.Model):
    period = models.ForeignKey(
        AssessmentPeriod, on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField(max_length=20, choices=CategoryKind.choices)

    class Meta:
        ordering = ["period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="awards_category_once")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Criterion(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=1)
    code = models.SlugField(max_length=40)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(blank=True)
    # Percent with two decimals; a category's weights add up to exactly 100.
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=100)
    kind = models.CharField(max_length=10, choices=IndicatorKind.choices)
    computed = models.CharField(max_length=20, choices=ComputedIndicator.choices, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="awards_criterion_code"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="awards_criterion_scale"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="awards_criterion_weight"
            ),
            models.CheckConstraint(
                condition=(Q(kind=IndicatorKind.COMPUTED) & ~Q(computed=""))
                | (~Q(kind=IndicatorKind.COMPUTED) & Q(computed="")),
                name="awards_criterion_computed_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One participant of a category: a kabupaten/kota, a village or an enterprise."""

    REGENCY_SCOPE_FIELD = "regency_id"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="entries")
    # The regency it belongs to: the regency itself, the village's or the enterprise's.
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("participant"), max_length=200)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_note = models.TextField(blank=True)
    # Set when the results are published (or recorded from a past announcement).
    final_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["category", "rank", "name"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="awards_entry_once"),
        ]
        indexes = [models.Index(fields=["regency", "category"], name="awards_entry_regency")]

    def __str__(self) -> str:
        return self.name


class EnteredValue(models.Model):
    """A figure the participant reports for an entered criterion, with its source."""

    REGENCY_SCOPE_FIELD = "entry__regency_id"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="values")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="awards_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.value}"


class ComputedValue(models.Model):
    """A figure Lindungi computed for an entry, with the numbers behind it."""

    REGENCY_SCOPE_FIELD = "entry__regency_id"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="computed_values")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    # None when there is nothing to compute from (no invoices, no poverty figure).
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="awards_computed_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.value}"


class Evidence(models.Model):
    REGENCY_SCOPE_FIELD = "entry__regency_id"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=300)
    file_name = models.CharField(_("file"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion__position", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class PanelMember(models.Model):
    """A member of a period's panel, with the seat they hold (chair, secretary, member)."""

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(_("seat on the panel"), max_length=200)

    class Meta:
        ordering = ["period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], name="awards_panel_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.seat})"


class ConflictOfInterest(models.Model):
    """A panel member who may not score a regency's entries (the regency and its villages)."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "regency"], name="awards_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} / {self.regency_id}"


class Score(models.Model):
    """One member's score of one criterion of one entry; changes are audited, never lost."""

    REGENCY_SCOPE_FIELD = "entry__regency_id"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "criterion", "member"], name="awards_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}/{self.member_id}: {self.value}"


ZERO = Decimal("0")
HUNDRED = Decimal("100")
