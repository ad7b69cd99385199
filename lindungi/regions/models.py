"""Kemendagri administrative regions: the current edition plus every code seen since 2015."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegencyType(models.TextChoices):
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")


class VillageType(models.TextChoices):
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")


class Edition(models.Model):
    """One edition of the code decrees (labelled by the year its file was used)."""

    label = models.CharField(max_length=8, primary_key=True)
    source_path = models.CharField(max_length=200)
    decree = models.CharField(max_length=200, blank=True)
    provinces = models.PositiveIntegerField()
    regencies = models.PositiveIntegerField()
    districts = models.PositiveIntegerField()
    villages = models.PositiveIntegerField()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    code = models.CharField(max_length=5, primary_key=True, help_text="Dotted, e.g. 53.01")
    code_nik = models.CharField(max_length=4, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=RegencyType.choices)
    # GeoJSON MultiPolygon (WGS84) and centroid, only where boundaries are shipped (NTT).
    boundary = models.JSONField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "regencies"

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(max_length=8, primary_key=True, help_text="Dotted, e.g. 53.01.04")
    code_nik = models.CharField(max_length=6, unique=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)
    boundary = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    code = models.CharField(max_length=13, primary_key=True, help_text="Dotted, e.g. 53.01.04.2003")
    code_undotted = models.CharField(max_length=10, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    # Denormalised so that people can be filtered by regency without two joins.
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=VillageType.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DistrictCode(models.Model):
    """Every 6-digit district code (the NIK prefix) present in any edition since 2015."""

    code_nik = models.CharField(max_length=6, primary_key=True)
    code = models.CharField(max_length=8)
    name = models.CharField(max_length=100)
    regency_code_nik = models.CharField(max_length=4, db_index=True)
    first_edition = models.CharField(max_length=8)
    last_edition = models.CharField(max_length=8)
    in_current = models.BooleanField()
    editions = models.CharField(max_length=60)
    earlier_names = models.CharField(max_length=300, blank=True)
    # Retired codes only: the current district holding most of its villages. Stored as codes, not
    # a foreign key, so that the national history loads even where districts are not loaded.
    successor_code_nik = models.CharField(max_length=6, blank=True)
    successor_name = models.CharField(max_length=100, blank=True)
    successor_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code_nik"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegencyCode(models.Model):
    """Every 4-digit regency code present in any edition since 2015."""

    code_nik = models.CharField(max_length=4, primary_key=True)
    code = models.CharField(max_length=5)
    name = models.CharField(max_length=100)
    province_code = models.CharField(max_length=2)
    type = models.CharField(max_length=10, choices=RegencyType.choices)
    first_edition = models.CharField(max_length=8)
    last_edition = models.CharField(max_length=8)
    in_current = models.BooleanField()
    editions = models.CharField(max_length=60)
    earlier_names = models.CharField(max_length=300, blank=True)
    successor_code_nik = models.CharField(max_length=4, blank=True)
    successor_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code_nik"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegencyStatistic(models.Model):
    """A published figure for a regency (population, area, poverty), with its source."""

    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="statistics")
    indicator = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    reference_period = models.CharField(max_length=60)
    source = models.CharField(max_length=300)
    source_ref = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["regency", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "indicator", "year"], name="regions_stat_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.indicator} {self.year}"
