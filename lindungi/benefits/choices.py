"""States and codes of the benefits app. Values are stable: they are stored and exchanged."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimKind(models.TextChoices):
    JKK_ACCIDENT = "jkk_accident", _("JKK: work accident")
    JKK_DISEASE = "jkk_disease", _("JKK: occupational disease")
    JKM_DEATH = "jkm_death", _("JKM: death")


class Consequence(models.TextChoices):
    """What the incident led to: decides which benefits the regulation gives."""

    DEATH = "death", _("Death")
    TOTAL_DISABILITY = "total_disability", _("Total permanent disability")
    PARTIAL_DISABILITY = "partial_disability", _("Partial permanent disability")
    TEMPORARY_INCAPACITY = "temporary_incapacity", _("Temporary incapacity to work (STMB)")
    TREATMENT = "treatment", _("Treatment only")


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    UNDER_REVIEW = "under_review", _("Under review")
    PAID = "paid", _("Paid")
    REFUSED = "refused", _("Refused")


class ClaimSource(models.TextChoices):
    INSURER_FILE = "insurer_file", _("Insurer's claim file")
    PROVINCE_FORM = "province_form", _("Reported to the province")


class BenefitItem(models.TextChoices):
    JKM_LUMP_SUM = "jkm_lump_sum", _("JKM lump sum")
    JKM_PERIODIC = "jkm_periodic", _("JKM periodic benefit (paid at once)")
    FUNERAL = "funeral", _("Funeral costs")
    JKK_DEATH = "jkk_death", _("JKK death benefit")
    PERIODIC = "periodic", _("JKK periodic benefit (paid at once)")
    TOTAL_DISABILITY = "total_disability", _("Total permanent disability benefit")
    PARTIAL_DISABILITY = "partial_disability", _("Partial disability benefit")
    STMB = "stmb", _("Temporary incapacity (STMB)")
    TRANSPORT = "transport", _("Transport")
    HOME_CARE = "home_care", _("Home care")
    MEDICAL = "medical", _("Medical care")
    SCHOLARSHIP = "scholarship", _("Scholarship")


class TransportMode(models.TextChoices):
    LAND = "land", _("Land, river or lake")
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")


class SchoolLevel(models.TextChoices):
    """Scholarship levels, in the order a child passes them."""

    TK_SD = "tk_sd", _("TK/SD (kindergarten, primary)")
    SMP = "smp", _("SMP (junior secondary)")
    SMA = "sma", _("SMA/SMK (senior secondary)")
    PT = "pt", _("S1/vocational (higher education)")
    NONE = "none", _("Not in school")


SCHOOL_ORDER = (SchoolLevel.TK_SD, SchoolLevel.SMP, SchoolLevel.SMA, SchoolLevel.PT)
# What files, forms and the command may say for a level.
SCHOOL_ALIASES = {
    **{level.value: level for level in SchoolLevel},
    "tk": SchoolLevel.TK_SD,
    "sd": SchoolLevel.TK_SD,
    "tk/sd": SchoolLevel.TK_SD,
    "smk": SchoolLevel.SMA,
    "sma/smk": SchoolLevel.SMA,
    "s1": SchoolLevel.PT,
    "kuliah": SchoolLevel.PT,
    "pelatihan": SchoolLevel.PT,
    "": SchoolLevel.NONE,
    "-": SchoolLevel.NONE,
    "tidak sekolah": SchoolLevel.NONE,
}


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other relative")


class CoverVerdict(models.TextChoices):
    COVERED = "covered", _("Covered")
    COVERED_IN_GRACE = "covered_in_grace", _("Covered: month unpaid but within the grace rule")
    NOT_COVERED = "not_covered", _("Not covered")
    UNKNOWN = "unknown", _("Not yet assessed")


class CoverReason(models.TextChoices):
    """Why the verdict is what it is. Stable codes: pages and exports list them."""

    ACTIVE_THAT_DAY = "active_that_day", _("Enrolled and active on the incident date")
    NOT_ACTIVE_THAT_DAY = "not_active_that_day", _("No coverage on the incident date")
    MONTH_PAID = "month_paid", _("The contribution month is paid")
    MONTH_NOT_BILLED = "month_not_billed", _("The contribution month is not billed yet")
    MONTH_UNPAID_IN_GRACE = (
        "month_unpaid_in_grace",
        _("The contribution month is unpaid but still within the arrears period"),
    )
    PAYER_DELAY_ACCEPTED = (
        "payer_delay_accepted",
        _("The month is unpaid; the insurer accepted the government payer's late payment"),
    )
    MONTH_UNPAID = "month_unpaid", _("The contribution month is unpaid beyond the grace rule")


class ClaimRejectReason(models.TextChoices):
    """Why a claim file row was not applied. Stable codes: exports and reports refer to them."""

    MISSING_REQUIRED = "missing_required", _("A required value is missing")
    NIK_INVALID = "nik_invalid", _("NIK is not 16 digits")
    KPJ_INVALID = "kpj_invalid", _("KPJ is not 11 digits")
    PERSON_UNKNOWN = "person_unknown", _("Neither the NIK nor the KPJ is known")
    KPJ_OTHER_PERSON = "kpj_other_person", _("The KPJ belongs to another person than the NIK")
    NOT_ENROLLED = "not_enrolled", _("The person was never enrolled")
    KIND_INVALID = "kind_invalid", _("Unknown claim kind")
    CONSEQUENCE_INVALID = (
        "consequence_invalid",
        _("Unknown consequence, or not possible for the kind"),
    )
    ITEM_INVALID = "item_invalid", _("Unknown benefit item")
    STATUS_INVALID = "status_invalid", _("Unknown claim status")
    DATE_INVALID = "date_invalid", _("A date is not a date")
    DATE_FUTURE = "date_future", _("The incident date is in the future")
    DATE_BEFORE_ENROLLMENT = (
        "date_before_enrollment",
        _("The incident date is before the person's first enrollment"),
    )
    AMOUNT_INVALID = "amount_invalid", _("An amount is not whole rupiah")
    PERCENT_NOT_IN_TABLE = (
        "percent_not_in_table",
        _("The disability percentage is not in the regulation's table"),
    )
    NUMBER_INVALID = "number_invalid", _("A number of months or a child number is invalid")
    TRANSPORT_INVALID = "transport_invalid", _("Unknown transport mode")
    HEIRS_INVALID = "heirs_invalid", _("The heirs cannot be read")
    ROW_REPEATED = "row_repeated", _("Duplicate claim number: the same claim item appears twice")
    CLAIM_CONFLICT = (
        "claim_conflict",
        _("Duplicate claim number: it is already used for another person, kind or date"),
    )


class RuleUnit(models.TextChoices):
    RUPIAH = "rupiah", _("Rupiah")
    TIMES_BASIS = "times_basis", _("Times the income basis")
    BASIS_POINTS = "basis_points", _("Basis points (1/100 of a percent)")
    MONTHS = "months", _("Months")
    YEARS = "years", _("Years")
    COUNT = "count", _("Count")
