"""The candidate registry: one row per person, keyed by NIK."""

from django.db import models

from lindungi.registry.choices import PovertyLabel, Sex


class Person(models.Model):
    REGENCY_SCOPE_FIELD = "regency_id"

    nik = models.CharField(max_length=16, unique=True)
    kk_number = models.CharField(max_length=16, db_index=True)
    full_name = models.CharField(max_length=150)
    # Upper-cased, accents and punctuation folded, single spaces: for duplicate detection.
    name_normalised = models.CharField(max_length=150, db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the village so that scoping and dashboards need no join.
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)
    poverty_label = models.CharField(
        max_length=20, choices=PovertyLabel.choices, default=PovertyLabel.UNKNOWN
    )
    died_on = models.DateField(null=True, blank=True)
    # Provenance of the current values: which import, which row, which source edition.
    source_import = models.ForeignKey(
        "registry.CandidateImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_edition = models.CharField(max_length=7, blank=True)  # YYYY-MM
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nik"]
        indexes = [
            models.Index(fields=["regency", "desil"], name="registry_person_reg_desil"),
            models.Index(fields=["name_normalised", "birth_date"], name="registry_person_name_dob"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desil__isnull=True) | models.Q(desil__gte=1, desil__lte=10),
                name="registry_person_desil_1_10",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class CandidateImport(models.Model):
    """One uploaded candidate file (details are added by the import pipeline)."""

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

    def __str__(self) -> str:
        return self.file_name
