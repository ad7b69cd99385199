"""States and codes of the programmes app. Values are stable: they are stored and exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Component(models.TextChoices):
    JKK = "JKK", _("Work accident (JKK)")
    JKM = "JKM", _("Death (JKM)")
    JHT = "JHT", _("Old-age savings (JHT)")


class RateKind(models.TextChoices):
    # `value` holds basis points of the declared income (100 = 1%).
    PERCENT_OF_BASIS = "percent_of_basis", _("Percent of the declared income")
    # `value` holds whole rupiah.
    FIXED_AMOUNT = "fixed_amount", _("Fixed amount")
    # `value` holds the share still payable, in basis points (5000 = half, 100 = 1%).
    DISCOUNT = "discount", _("Discount")


class Package(models.TextChoices):
    JKK_JKM = "jkk_jkm", _("JKK + JKM")
    JKK_JKM_JHT = "jkk_jkm_jht", _("JKK + JKM + JHT")

    @property
    def components(self) -> tuple[str, ...]:
        if self is Package.JKK_JKM_JHT:
            return (Component.JKK, Component.JKM, Component.JHT)
        return (Component.JKK, Component.JKM)


class Sector(models.TextChoices):
    """Only the sectors that a rate rule distinguishes (PP 50/2025 singles out transport)."""

    TRANSPORT = "transport", _("Transport (e.g. ojek riders)")
    OTHER = "other", _("Other sectors")


class FundingSource(models.TextChoices):
    APBD = "APBD", _("Regional budget (APBD)")
    APBN = "APBN", _("State budget (APBN)")
    VILLAGE_FUND = "village_fund", _("Village fund")
    CSR = "CSR", _("Company CSR")
    SELF = "self", _("The worker")


class PayerType(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency/city")
    VILLAGE = "village", _("Village (village fund)")
    CSR_COMPANY = "csr_company", _("Company (CSR)")
    WORKER = "worker", _("The worker")


class ProgrammeStatus(models.TextChoices):
    """The programme's lifecycle (issue 13): draft -> active -> closing -> closed.

    Draft: being prepared, everything may change. Active: its selection is approved and its
    first people are covered. Closing: coverage has ended, the last statements and payments
    still arrive. Closed: the close-out report is frozen and nothing changes any more.
    """

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


class QuotaMethod(models.TextChoices):
    MANUAL = "manual", _("Typed in")
    ELIGIBLE = "eligible", _("In proportion to eligible candidates")
    POOR_POPULATION = "poor_population", _("In proportion to the poor population")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Outcome(models.TextChoices):
    INELIGIBLE = "ineligible", _("Not eligible")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    EXCLUDED = "excluded", _("Excluded on proposal")


class ExclusionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Criterion(models.TextChoices):
    """Priority criteria, applied in the order the programme lists them."""

    DESIL = "desil", _("Lowest welfare decile first")
    POVERTY_LABEL = "poverty_label", _("Poorest label first")
    HOUSEHOLD_FIRST = "household_first", _("Households with no member already selected first")
    OLDER_FIRST = "older_first", _("Older first")
    YOUNGER_FIRST = "younger_first", _("Younger first")
    # Renewal (issue 13): last year's participants carried over keep their place first.
    CONTINUED = "continued", _("Continued from last year first")


DEFAULT_CRITERIA = [
    Criterion.DESIL.value,
    Criterion.POVERTY_LABEL.value,
    Criterion.HOUSEHOLD_FIRST.value,
    Criterion.OLDER_FIRST.value,
]


class Reason(models.IntegerChoices):
    """Why a candidate is not eligible. Each value is one bit of `Decision.reasons`."""

    AGE_OUT_OF_RANGE = 1, _("Age at coverage start outside the allowed range")
    OUTSIDE_REGION = 2, _("Lives outside the programme's region")
    DESIL_ABOVE_LIMIT = 4, _("Welfare decile above the limit")
    DESIL_UNKNOWN = 8, _("Welfare decile unknown")
    DECEASED = 16, _("Deceased")
    ALREADY_ACTIVE = 32, _("Already an active participant of the insurer")
    WAGE_EARNER = 64, _("Wage earner (covered by an employer)")
    IN_OTHER_PROGRAMME = 128, _("Selected in another programme for overlapping months")
    DUPLICATE_PENDING = 256, _("Likely duplicate of another registered person, awaiting review")
    DUPLICATE_CONFIRMED = 512, _("Confirmed duplicate of another registered person")
    HOUSEHOLD_LIMIT = 1024, _("The household (KK) already holds the most places allowed")


REASON_CODES = {
    Reason.AGE_OUT_OF_RANGE: "age_out_of_range",
    Reason.OUTSIDE_REGION: "outside_region",
    Reason.DESIL_ABOVE_LIMIT: "desil_above_limit",
    Reason.DESIL_UNKNOWN: "desil_unknown",
    Reason.DECEASED: "deceased",
    Reason.ALREADY_ACTIVE: "already_active",
    Reason.WAGE_EARNER: "wage_earner",
    Reason.IN_OTHER_PROGRAMME: "in_other_programme",
    Reason.DUPLICATE_PENDING: "duplicate_pending",
    Reason.DUPLICATE_CONFIRMED: "duplicate_confirmed",
    Reason.HOUSEHOLD_LIMIT: "household_limit",
}


class PendingDuplicates(models.TextChoices):
    """What a likely duplicate not yet reviewed does to a selection (issue 19, point 2)."""

    HOLD = "hold", _("Hold the second person out of the selection until reviewed")
    BLOCK_APPROVAL = (
        "block_approval",
        _("Select as usual; the run cannot be approved until reviewed"),
    )


def decode_reasons(mask: int) -> list[Reason]:
    return [reason for reason in Reason if mask & reason.value]


class ActiveListRejectReason(models.TextChoices):
    """Why a row of the insurer's active-participant list was not taken."""

    NIK_INVALID = "nik_invalid", _("NIK is not 16 digits")
    NIK_REPEATED = "nik_repeated", _("NIK appears again with other details")
    # The shared intake's reasons (lindungi.core.intake.IntakeReason), same values everywhere.
    NUL_BYTE = "nul_byte", _("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", _("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", _("The row cannot be read as CSV")
