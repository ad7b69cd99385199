"""The one place that decides what a user may see and do.

Every view, export, API endpoint and command that touches people or money asks `require()` for
the action and passes its queryset through `scoped()`; nothing else filters by region.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput
from lindungi.core.roles import Role


class Action(StrEnum):
    VIEW_PEOPLE = "view_people"
    VIEW_MONEY = "view_money"
    VIEW_AUDIT = "view_audit"
    IMPORT_CANDIDATES = "import_candidates"
    REVIEW_DUPLICATES = "review_duplicates"
    MANAGE_PROGRAMMES = "manage_programmes"
    RUN_SELECTION = "run_selection"
    APPROVE_SELECTION = "approve_selection"
    PROPOSE_EXCLUSION = "propose_exclusion"
    DECIDE_EXCLUSION = "decide_exclusion"
    EXCHANGE_INSURER_FILES = "exchange_insurer_files"
    # Reading the insurer's files (responses with every regency's rejected rows): the province,
    # the insurer's liaison and auditors; regency officers see their people's outcome instead.
    VIEW_INSURER_FILES = "view_insurer_files"
    RECORD_EXIT = "record_exit"
    MANAGE_BILLING = "manage_billing"
    RECORD_PAYMENT = "record_payment"
    MANAGE_BUDGET = "manage_budget"
    MANAGE_USERS = "manage_users"
    # Claims, their heirs and the benefit checks (personal data: never public).
    VIEW_CLAIMS = "view_claims"
    MANAGE_CLAIMS = "manage_claims"
    # Paritrana Award (awards app).
    VIEW_AWARDS = "view_awards"
    MANAGE_AWARDS = "manage_awards"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    SCORE_AWARDS = "score_awards"
    # Rows of a regency's import about another regency's person: only the province decides.
    REVIEW_REGENCY_MOVES = "review_regency_moves"
    # Personal data by need (issue 12.8): a person's address and phone, and the full NIK, are
    # shown only to roles whose work needs them. The insurer receives those of the people
    # submitted to it in the submission files, which is what its work needs.
    VIEW_CONTACT_DETAILS = "view_contact_details"
    VIEW_FULL_NIK = "view_full_nik"
    # The data subject's access (UU 27/2022 art. 7): everything held about one person in one
    # file, answered by the province office (the controller), never by a regency or auditor.
    EXPORT_SUBJECT_DATA = "export_subject_data"


READ_ACTIONS = frozenset(
    {
        Action.VIEW_PEOPLE,
        Action.VIEW_MONEY,
        Action.VIEW_AUDIT,
        Action.VIEW_CONTACT_DETAILS,
        Action.VIEW_FULL_NIK,
        Action.VIEW_INSURER_FILES,
        Action.VIEW_CLAIMS,
        Action.VIEW_AWARDS,
    }
)
# Only panel members score and only a regency fills in its own self-assessment.
AWARD_ROLE_ONLY = frozenset({Action.SCORE_AWARDS, Action.SUBMIT_SELF_ASSESSMENT})
ALL_ACTIONS = frozenset(Action)

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.PROVINCE_ADMIN: ALL_ACTIONS - AWARD_ROLE_ONLY,
    Role.PROVINCE_OFFICER: ALL_ACTIONS - {Action.MANAGE_USERS} - AWARD_ROLE_ONLY,
    Role.REGENCY_OFFICER: frozenset(
        {
            Action.VIEW_PEOPLE,
            Action.VIEW_MONEY,
            Action.IMPORT_CANDIDATES,
            Action.PROPOSE_EXCLUSION,
            Action.RECORD_EXIT,
            Action.VIEW_CONTACT_DETAILS,
            Action.VIEW_FULL_NIK,
            Action.VIEW_CLAIMS,
            Action.VIEW_AWARDS,
            Action.SUBMIT_SELF_ASSESSMENT,
        }
    ),
    Role.INSURER_LIAISON: frozenset(
        {
            Action.VIEW_PEOPLE,
            Action.VIEW_INSURER_FILES,
            Action.EXCHANGE_INSURER_FILES,
            Action.RECORD_EXIT,
            Action.VIEW_CLAIMS,
        }
    ),
    # Auditors read everything and change nothing.
    Role.AUDITOR: READ_ACTIONS,
    # The Paritrana Award panel sees the assessment, never people or money.
    Role.PANEL_MEMBER: frozenset({Action.VIEW_AWARDS, Action.SCORE_AWARDS}),
}

M = TypeVar("M", bound=Model)


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can(user, action: Action) -> bool:
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    return action in ROLE_ACTIONS.get(user.role, frozenset())


def require(user, action: Action) -> None:
    """Raise PermissionDenied unless the user may perform the action."""
    if not can(user, action):
        raise PermissionDenied(action.value)


def regency_scope(user) -> str | None:
    """The one regency code a user is limited to, or None for the whole installation."""
    if _is_active(user) and not user.is_superuser and user.role == Role.REGENCY_OFFICER:
        return user.regency_id
    return None


def can_access_regency(user, regency_code: str | None) -> bool:
    if not _is_active(user) or not (user.is_superuser or user.role):
        return False
    limit = regency_scope(user)
    return limit is None or limit == regency_code


def scoped(user, queryset: QuerySet[M], *, regency_field: str | None = None) -> QuerySet[M]:
    """Limit a queryset of people or money to what the user may read.

    The model names the path to its regency code in `REGENCY_SCOPE_FIELD` (for example
    "regency_id" or "person__regency_id"); `regency_field` overrides it for ad hoc querysets.
    """
    if not _is_active(user) or not (user.is_superuser or user.role):
        return queryset.none()
    field = regency_field or getattr(queryset.model, "REGENCY_SCOPE_FIELD", None)
    if field is None:
        raise TypeError(
            f"{queryset.model.__name__} has no REGENCY_SCOPE_FIELD; pass regency_field."
        )
    limit = regency_scope(user)
    if limit is None:
        return queryset
    return queryset.filter(**{field: limit})


# A bulk action's form names at most this many rows (a page holds 50 to 200).
MAX_BULK_IDS = 500


def scoped_ids(user, queryset: QuerySet[M], ids) -> list[int]:
    """The ids a bulk action was asked to act on, all of them within the user's scope.

    Raises InvalidInput for no id or a malformed one, and PermissionDenied when any id is
    not in `scoped(user, queryset)` (another regency's row, or none at all): a bulk action
    is refused as a whole, never done for the rows the user may touch and silently skipped
    for the others. One query, however many ids.
    """
    try:
        wanted = sorted({int(value) for value in ids})
    except (TypeError, ValueError):
        raise InvalidInput(_("The selection is not valid."), code="bad_selection") from None
    if not wanted:
        raise InvalidInput(_("Select at least one row."), code="nothing_selected")
    if len(wanted) > MAX_BULK_IDS:
        raise InvalidInput(
            _("Select at most %(n)s rows at once.") % {"n": MAX_BULK_IDS}, code="too_many"
        )
    found = set(scoped(user, queryset).filter(pk__in=wanted).values_list("pk", flat=True))
    if len(found) != len(wanted):
        raise PermissionDenied(f"{len(wanted) - len(found)} of the selected rows are not yours")
    return wanted


NIK_SHOWN_START, NIK_SHOWN_END = 6, 4


def mask_nik(nik: str) -> str:
    """The NIK with its middle hidden: the district (first 6) and the last 4 digits stay."""
    if len(nik) <= NIK_SHOWN_START + NIK_SHOWN_END:
        return "*" * len(nik)
    hidden = len(nik) - NIK_SHOWN_START - NIK_SHOWN_END
    return nik[:NIK_SHOWN_START] + "*" * hidden + nik[-NIK_SHOWN_END:]


def _same(nik: str) -> str:
    return nik


def _masked(nik: str) -> str:
    return mask_nik(nik or "")


def nik_shown_to(user) -> Callable[[str], str]:
    """How a NIK (or KK number) is shown to this user in pages, exports and the API: in full to
    a role whose work needs it (`Action.VIEW_FULL_NIK`), otherwise masked (`mask_nik`).
    Decided once per request; apply the returned function to each number."""
    return _same if can(user, Action.VIEW_FULL_NIK) else _masked
