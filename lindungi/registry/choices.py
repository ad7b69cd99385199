from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class PovertyLabel(models.TextChoices):
    """Derived from the welfare decile by a configurable mapping (DOMAIN.md §5)."""

    EXTREME_POOR = "extreme_poor", _("Extremely poor")
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near poor")
    VULNERABLE = "vulnerable", _("Vulnerable")
    NOT_POOR = "not_poor", _("Not poor")
    UNKNOWN = "unknown", _("Unknown")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class DuplicateRule(models.TextChoices):
    SAME_NAME_BIRTH_VILLAGE = "same_name_birth_village", _("Same name, birth date and village")
    SAME_KK_NAME = "same_kk_name", _("Same family card and name")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed duplicate")
    DISMISSED = "dismissed", _("Dismissed")


class DuplicateResolution(models.TextChoices):
    """What became of a confirmed pair (issue 19, point 2): both keep their rows and history."""

    MERGED = "merged", _("Merged into the kept record")
    EXCLUDED = "excluded", _("Excluded as a duplicate")


class RejectReason(models.TextChoices):
    """Why a row was rejected. The values are stable: files and reports refer to them."""

    MISSING_REQUIRED = "missing_required", _("A required value is missing")
    NIK_INVALID = "nik_invalid", _("NIK is not 16 digits")
    NIK_EXCEL_DAMAGED = "nik_excel_damaged", _("NIK was damaged by Excel")
    NIK_UNKNOWN_REGION = "nik_unknown_region", _("NIK district code is unknown")
    NIK_BIRTH_MISMATCH = "nik_birth_mismatch", _("NIK does not match birth date or sex")
    KK_INVALID = "kk_invalid", _("Family card number is not 16 digits")
    KK_EXCEL_DAMAGED = "kk_excel_damaged", _("Family card number was damaged by Excel")
    NAME_INVALID = "name_invalid", _("Name is not plausible")
    SEX_INVALID = "sex_invalid", _("Sex is not L or P")
    BIRTH_DATE_INVALID = "birth_date_invalid", _("Birth date is not a real date")
    BIRTH_DATE_FUTURE = "birth_date_future", _("Birth date is in the future")
    VILLAGE_UNKNOWN = "village_unknown", _("Village code is unknown")
    VILLAGE_OUTSIDE_REGION = "village_outside_region", _("Village is outside the served region")
    OUTSIDE_USER_REGENCY = "outside_user_regency", _("Village is outside the uploader's regency")
    DESIL_INVALID = "desil_invalid", _("Desil is not 1 to 10")
    PHONE_INVALID = "phone_invalid", _("Phone number is not valid")
    VALUE_TOO_LONG = "value_too_long", _("A value is too long")
    DUPLICATE_CONFLICT = "duplicate_conflict", _("Same NIK with different identity in the file")
    DUPLICATE_IN_FILE = "duplicate_in_file", _("Same NIK repeated with other details")
    REGISTRY_CONFLICT = "registry_conflict", _("NIK registered with a different identity")
    # The shared intake's reasons (lindungi.core.intake.IntakeReason), same values everywhere.
    NUL_BYTE = "nul_byte", _("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", _("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", _("The row cannot be read as CSV")
    # A regency officer's row about a person registered elsewhere: the province decides moves.
    # The message never says where the person is registered.
    PERSON_OF_OTHER_REGENCY = (
        "person_of_other_regency",
        _("This import may not change this person; the province reviews the row"),
    )


class DeathSource(models.TextChoices):
    """Where a recorded death came from. Stable codes: stored with the person."""

    EXIT = "exit", _("Exit recorded by the programme")
    CLAIM = "claim", _("JKM death benefit claim")
    CIVIL_REGISTRY = "civil_registry", _("Civil registry death list")
