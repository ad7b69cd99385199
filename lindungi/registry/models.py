"""The candidate registry: one row per person, keyed by NIK."""

from django.db import models

from lindungi.core.records import RejectedRowRecord
from lindungi.registry.choices import (
    DeathSource,
    DuplicateResolution,
    DuplicateRule,
    DuplicateStatus,
    ImportStatus,
    PovertyLabel,
    RejectReason,
    Sex,
)


class Person(models.Model):
    REGENCY_SCOPE_FIELD = "regency_id"

    # Unique through Meta.constraints, not unique=True: on PostgreSQL a unique CharField gets a
    # second (varchar_pattern_ops) index for LIKE, which NIK prefix search does not need (see
    # selectors.nik_prefix) and a million-row import would pay for.
    nik = models.CharField(max_length=16)
    kk_number = models.CharField(max_length=16)
    full_name = models.CharField(max_length=150)
    # Upper-cased, accents and punctuation folded, single spaces: for duplicate detection.
    # No index of its own: registry_person_likely_same (name first) serves name look-ups too.
    name_normalised = models.CharField(max_length=150)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    # No index on the village alone: selectors.in_village searches through reg_nik.
    # village, regency and source_import have no database foreign key (ADR 0002): the import
    # copies them from the village index it read inside its own transaction and from its own
    # row, regions are never deleted, and the checks cost 8 s of a million-row import.
    village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Denormalised from the village so that scoping and dashboards need no join.
    # No index of its own: registry_person_reg_nik (regency first) serves it; every index
    # costs time on a million-row import.
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    address = models.CharField(max_length=300, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)
    poverty_label = models.CharField(
        max_length=20, choices=PovertyLabel.choices, default=PovertyLabel.UNKNOWN
    )
    died_on = models.DateField(null=True, blank=True)
    # Where the death came from (registry.services.record_deaths) and which file or claim.
    # Database defaults: the import's raw INSERT names only the columns it fills.
    death_source = models.CharField(
        max_length=20, choices=DeathSource.choices, blank=True, db_default=""
    )
    death_reference = models.CharField(max_length=255, blank=True, db_default="")
    # Provenance of the current values: which import, which row, which source edition.
    # No index: nothing looks people up by import except the import itself, once, by a scan.
    source_import = models.ForeignKey(
        "registry.CandidateImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_edition = models.CharField(max_length=7, blank=True)  # YYYY-MM
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nik"]
        indexes = [
            # Plain b-trees (on PostgreSQL db_index=True on a CharField adds a LIKE index too).
            models.Index(fields=["kk_number"], name="registry_person_kk"),
            # The first likely-duplicate rule, whole: same name, birth date and village.
            models.Index(
                fields=["name_normalised", "birth_date", "village"],
                name="registry_person_likely_same",
            ),
            # The regency dashboard's people list: one regency's people in NIK order, a page at
            # a time. Measured cost on the million-row import: see bench/registry_import.py.
            models.Index(fields=["regency", "nik"], name="registry_person_reg_nik"),
            # The deceased, a few in a hundred: billing and submission look for open places of
            # the deceased before every run, and must not scan every person to find none.
            models.Index(
                fields=["died_on"],
                name="registry_person_deceased",
                condition=models.Q(died_on__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nik"], name="registry_person_nik_unique"),
            models.CheckConstraint(
                condition=models.Q(desil__isnull=True) | models.Q(desil__gte=1, desil__lte=10),
                name="registry_person_desil_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class CandidateImport(models.Model):
    """One uploaded candidate file and what became of its rows."""

    REGENCY_SCOPE_FIELD = "regency_id"

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=60, blank=True)
    edition = models.CharField(max_length=7, blank=True)
    # Set when a regency officer uploaded it: rows outside this regency are rejected.
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    sheet_name = models.CharField(max_length=100, blank=True)
    # Canonical column -> header as found in the file (what the reader actually used).
    column_mapping = models.JSONField(default=dict, blank=True)
    # The header row exactly as read, so rejected rows can be exported in the file's own layout.
    headers = models.JSONField(default=list, blank=True)
    job_reference = models.CharField(max_length=64, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # Reason code -> number of rejected rows.
    reason_counts = models.JSONField(default=dict, blank=True)
    duplicates_flagged = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed")
                | models.Q(
                    rows_read=models.F("rows_accepted")
                    + models.F("rows_updated")
                    + models.F("rows_unchanged")
                    + models.F("rows_rejected")
                ),
                name="registry_import_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class RejectedRow(RejectedRowRecord):
    """A row that was not taken, with its values exactly as read and a stable reason."""

    REGENCY_SCOPE_FIELD = "candidate_import__regency_id"

    candidate_import = models.ForeignKey(
        CandidateImport, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    reason = models.CharField(max_length=30, choices=RejectReason.choices)
    # For conflicts: the other rows of the file, or the registered NIK, that clash with this one.
    related_rows = models.JSONField(default=list, blank=True)
    related_nik = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["candidate_import", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_import", "row_number"], name="registry_rejected_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_import_id}:{self.row_number} {self.reason}"


class PersonVersion(models.Model):
    """The values a person had before an import changed them (one row per replaced value set)."""

    REGENCY_SCOPE_FIELD = "person__regency_id"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="versions")
    kk_number = models.CharField(max_length=16)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)
    poverty_label = models.CharField(max_length=20, choices=PovertyLabel.choices)
    # Where these (old) values came from...
    source_import = models.ForeignKey(
        CandidateImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_edition = models.CharField(max_length=7, blank=True)
    valid_from = models.DateTimeField()
    # ...and which import replaced them.
    replaced_by_import = models.ForeignKey(
        CandidateImport, on_delete=models.PROTECT, related_name="replaced_versions"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["person", "-replaced_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "replaced_by_import"], name="registry_version_once_per_import"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} before import {self.replaced_by_import_id}"


class DuplicateCandidate(models.Model):
    """Two people with different NIKs who look like the same person: reviewed, never merged."""

    REGENCY_SCOPE_FIELD = "first_person__regency_id"

    # first_person.id < second_person.id, so a pair is stored once.
    first_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    first_nik = models.CharField(max_length=16)
    second_nik = models.CharField(max_length=16)
    rule = models.CharField(max_length=30, choices=DuplicateRule.choices)
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    note = models.TextField(blank=True)
    found_by_import = models.ForeignKey(
        CandidateImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # A confirmed pair resolved (issue 19, point 2): the record kept, and the other one merged
    # into it or excluded, with the reason. Both Person rows stay, with their NIK, history and
    # import provenance; the other one is never selected again and its places end.
    # db_default: the import's bulk INSERT of pairs names only the columns it knows.
    resolution = models.CharField(
        max_length=10, choices=DuplicateResolution.choices, blank=True, default="", db_default=""
    )
    kept_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    resolution_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolution="", kept_person__isnull=True)
                | (
                    ~models.Q(resolution="")
                    & models.Q(kept_person__isnull=False, status="confirmed")
                ),
                name="registry_duplicate_resolution_kept",
            ),
            models.UniqueConstraint(
                fields=["first_person", "second_person", "rule"],
                name="registry_duplicate_pair_once",
            ),
            models.CheckConstraint(
                condition=models.Q(first_person__lt=models.F("second_person")),
                name="registry_duplicate_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "rule"], name="registry_dup_status_rule")]

    def __str__(self) -> str:
        return f"{self.first_nik} ~ {self.second_nik} ({self.rule})"

    @property
    def other_person_id(self) -> int | None:
        """The person merged away or excluded (None while unresolved)."""
        if not self.kept_person_id:
            return None
        if self.kept_person_id == self.first_person_id:
            return self.second_person_id
        return self.first_person_id
