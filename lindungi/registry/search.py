"""The one people search: the registry page, its export, the dashboards' people lists, the REST
API and the DCI registry search all read people through `search_people`.

`parse_people_search` turns request parameters (a QueryDict or any mapping of strings) into a
`PeopleSearch`; a bad value is reported (`InvalidSearch`, one stable code and a translated
message per parameter), never silently ignored. `search_people` applies it after `scoped()`, so
a regency officer never leaves their regency whatever they ask for.

The enrollment state belongs to the enrollment app, which sits above the registry: it
contributes that criterion at start-up (`register_enrollment_filter`), as `core.changes` lets
readers subscribe, so the registry never imports it.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core.ages import AgeBand, band_limits, years_before
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require, scoped
from lindungi.regions.models import District, Regency, Village
from lindungi.regions.selectors import regencies_named
from lindungi.registry.choices import Sex
from lindungi.registry.models import Person

NIK_LENGTH = 16
REGENCY_CODE_LENGTH = 5  # "53.05"
MAX_TEXT = 100
OLDEST_AGE = 130

REGENCY_CODE = re.compile(r"\d{2}\.\d{2}")
DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


@dataclass(frozen=True)
class PeopleSearch:
    """What to look for; empty values match everyone. Codes are dotted Kemendagri codes."""

    query: str = ""  # a NIK (or its start) when all digits, else part of a name
    nik: str = ""  # a whole NIK
    kk_number: str = ""
    name: str = ""
    phone: str = ""
    regency: str = ""
    district: str = ""
    village: str = ""
    desil: int | None = None
    desil_min: int | None = None
    desil_max: int | None = None
    sex: str = ""
    age_band: str = ""
    age_min: int | None = None
    age_max: int | None = None
    occupation: str = ""
    alive: bool | None = None
    programme: int | None = None
    enrollment_state: str = ""
    kpj: str = ""
    as_of: date | None = None  # ages are counted on this day (today by default)


# The parameter each field is read from (the same names on pages, exports and the API).
PARAMETERS: dict[str, str] = {
    "q": "query",
    "nik": "nik",
    "kk": "kk_number",
    "name": "name",
    "phone": "phone",
    "regency": "regency",
    "district": "district",
    "village": "village",
    "desil": "desil",
    "desil_min": "desil_min",
    "desil_max": "desil_max",
    "sex": "sex",
    "age_band": "age_band",
    "age_min": "age_min",
    "age_max": "age_max",
    "occupation": "occupation",
    "alive": "alive",
    "programme": "programme",
    "state": "enrollment_state",
    "kpj": "kpj",
}


class InvalidSearch(InvalidInput):
    """One or more bad parameters: `errors` maps each parameter to (code, message)."""

    code = "invalid_filter"

    def __init__(self, errors: dict[str, tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, (_c, message) in errors.items()))


# --- The enrollment criterion, contributed by the enrollment app ------------------------------


@dataclass
class _EnrollmentFilter:
    states: tuple[str, ...] = ()
    # (programme id or None, state or "", KPJ or "") -> condition on Person
    condition: Callable[[int | None, str, str], Q] | None = None


_enrollment = _EnrollmentFilter()


def register_enrollment_filter(
    *, states: tuple[str, ...], condition: Callable[[int | None, str, str], Q]
) -> None:
    _enrollment.states = tuple(states)
    _enrollment.condition = condition


# --- Parsing ----------------------------------------------------------------------------------


def _integer(text: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,4}", text) or not low <= int(text) <= high:
        message = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise ValueError("out_of_range", message)
    return int(text)


def _digits(length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not re.fullmatch(rf"\d{{{length}}}", text):
            raise ValueError("bad_format", _("Give exactly %(n)s digits.") % {"n": length})
        return text

    return parse


def _code(pattern: re.Pattern, example: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not pattern.fullmatch(text):
            raise ValueError("bad_code", _("Give a code like %(example)s.") % {"example": example})
        return text

    return parse


# Level -> (dotted pattern, digits of the undotted code, example, the model's manager).
def _region_levels() -> dict[str, tuple[re.Pattern, int, str, Any]]:
    return {
        "regency": (REGENCY_CODE, 4, "53.05", Regency.objects),
        "district": (DISTRICT_CODE, 6, "53.05.01", District.objects),
        "village": (VILLAGE_CODE, 10, "53.05.01.2001", Village.objects),
    }


def _dotted(digits: str) -> str:
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:]]
    return ".".join(part for part in parts if part)


def _region(level: str) -> Callable[[str], str]:
    """A regency, district or village: its dotted code, its undotted digits ("5305"), or for
    a regency its name ("Alor", "Kabupaten Alor"). A code no region has is refused with a
    message, never searched for (it would silently list nobody)."""

    def parse(text: str) -> str:
        pattern, digits, example, manager = _region_levels()[level]
        if pattern.fullmatch(text):
            code = text
        elif text.isdigit() and len(text) == digits:
            code = _dotted(text)
        elif level == "regency" and re.search(r"[^\W\d_]", text):
            return _regency_by_name(text)
        else:
            message = (
                _("Give a regency's name or a code like %(example)s.")
                if level == "regency"
                else _("Give a code like %(example)s.")
            )
            raise ValueError("bad_code", message % {"example": example})
        if not manager.filter(code=code).exists():
            messages = {
                "regency": _("No regency has the code %(code)s."),
                "district": _("No district has the code %(code)s."),
                "village": _("No village has the code %(code)s."),
            }
            raise ValueError("unknown_code", messages[level] % {"code": code})
        return code

    return parse


def _regency_by_name(text: str) -> str:
    found = regencies_named(text)
    if len(found) == 1:
        return found[0].code
    if not found:
        raise ValueError(
            "unknown_name",
            _("No regency is called “%(name)s”; choose one from the list.") % {"name": text},
        )
    raise ValueError(
        "ambiguous_name",
        _("“%(name)s” matches several regencies: %(names)s.")
        % {"name": text, "names": ", ".join(f"{r.name} ({r.code})" for r in found)},
    )


def _text(text: str) -> str:
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError("too_long", _("Give at most %(n)s characters.") % {"n": MAX_TEXT})
    return " ".join(text.split())


def _query(text: str) -> str:
    text = _text(text)
    if text.isdigit() and len(text) > NIK_LENGTH:
        raise ValueError("bad_format", _("A NIK has 16 digits."))
    return text


def _choice(values: Callable[[], tuple[str, ...]]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        allowed = values()
        if text not in allowed:
            raise ValueError(
                "unknown_value", _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}
            )
        return text

    return parse


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"true", "1", "yes", "ya"}:
        return True
    if lowered in {"false", "0", "no", "tidak"}:
        return False
    raise ValueError("bad_boolean", _("Give true or false."))


def _phone(text: str) -> str:
    digits = re.sub(r"[\s\-+]", "", text)
    if not re.fullmatch(r"\d{6,15}", digits):
        raise ValueError("bad_format", _("Give a phone number of 6 to 15 digits."))
    return text.strip()


def _programme(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text) or int(text) < 1:
        raise ValueError("bad_format", _("Give a programme id (a positive whole number)."))
    return int(text)


_PARSERS: dict[str, Callable[[str], object]] = {
    "query": _query,
    "nik": _digits(NIK_LENGTH),
    "kk_number": _digits(NIK_LENGTH),
    "name": _text,
    "phone": _phone,
    "regency": _region("regency"),
    "district": _region("district"),
    "village": _region("village"),
    "desil": lambda text: _integer(text, 1, 10),
    "desil_min": lambda text: _integer(text, 1, 10),
    "desil_max": lambda text: _integer(text, 1, 10),
    "sex": _choice(lambda: tuple(Sex.values)),
    "age_band": _choice(lambda: tuple(AgeBand.values)),
    "age_min": lambda text: _integer(text, 0, OLDEST_AGE),
    "age_max": lambda text: _integer(text, 0, OLDEST_AGE),
    "occupation": _text,
    "alive": _boolean,
    "programme": _programme,
    "enrollment_state": _choice(lambda: _enrollment.states),
    "kpj": _text,
}


def parse_people_search(
    params: Mapping[str, str], *, only: frozenset[str] | None = None
) -> PeopleSearch:
    """The search that the request parameters describe; raises InvalidSearch for bad ones.

    Parameters outside PARAMETERS are not the search's business (paging, format, ...). `only`
    limits which parameters a caller offers (anything else given is an error).
    """
    values: dict[str, object] = {}
    errors: dict[str, tuple[str, str]] = {}
    for parameter, attribute in PARAMETERS.items():
        text = params.get(parameter)
        if text is None or not str(text).strip():
            continue
        if only is not None and parameter not in only:
            errors[parameter] = ("unknown_filter", _("This list cannot be filtered by it."))
            continue
        try:
            values[attribute] = _PARSERS[attribute](str(text).strip())
        except ValueError as error:
            code, message = error.args
            errors[parameter] = (code, message)
    search = PeopleSearch(**values)  # type: ignore[arg-type]
    errors.update(_contradictions(search))
    if errors:
        raise InvalidSearch(errors)
    return search


def _contradictions(search: PeopleSearch) -> dict[str, tuple[str, str]]:
    errors = {}
    if search.desil_min and search.desil_max and search.desil_min > search.desil_max:
        errors["desil_max"] = ("bad_range", _("The highest desil is below the lowest."))
    ages = (search.age_min, search.age_max)
    if None not in ages and ages[0] > ages[1]:  # type: ignore[operator]
        errors["age_max"] = ("bad_range", _("The oldest age is below the youngest."))
    for inner, outer in (("district", "regency"), ("village", "district"), ("village", "regency")):
        inside, around = getattr(search, inner), getattr(search, outer)
        if inside and around and not inside.startswith(around + "."):
            message = _("It does not lie in the %(outer)s given.") % {"outer": outer}
            errors[inner] = ("bad_code", message)
    if search.enrollment_state and _enrollment.condition is None:
        errors["state"] = ("unknown_filter", _("This list cannot be filtered by it."))
    return errors


# --- Conditions -------------------------------------------------------------------------------


def in_village(code: str) -> Q:
    """People living in the village `code` (dotted). A village's code starts with its
    regency's, so the (regency, NIK) index narrows the search to one regency: the registry
    keeps no index on the village alone (it cost every million-row import 0.7 s)."""
    return Q(regency_id=code[:REGENCY_CODE_LENGTH], village_id=code)


def in_district(code: str) -> Q:
    """People of the district `code`: its villages' codes are the district's, a dot and four
    digits, so a range inside the regency finds them without LIKE."""
    return Q(
        regency_id=code[:REGENCY_CODE_LENGTH],
        village_id__gt=code + ".",
        village_id__lt=code + "/",  # "/" sorts right after "."
    )


def nik_prefix(digits: str) -> Q:
    """People whose NIK starts with `digits`, as a range that the unique NIK index serves in
    any collation: every registered NIK is 16 digits, and strings of 16 digits sort as their
    numbers do. (`nik__startswith` needs a second, LIKE-only index on PostgreSQL.)"""
    return Q(nik__gte=digits.ljust(NIK_LENGTH, "0"), nik__lte=digits.ljust(NIK_LENGTH, "9"))


def age_band_condition(band: str, as_of: date) -> Q:
    """Birth-date ranges (index-friendly) for a band of `core.ages.AGE_BANDS`; OTHER is
    everyone outside every band."""
    ranges = {
        value: Q(birth_date__gt=after, birth_date__lte=until)
        for value, after, until in band_limits(as_of)
    }
    if band == AgeBand.OTHER:
        inside = Q()
        for condition in ranges.values():
            inside |= condition
        return ~inside
    return ranges.get(band, Q(pk__in=[]))


def age_condition(*, youngest: int | None, oldest: int | None, as_of: date) -> Q:
    """Aged `youngest`..`oldest` (inclusive) on `as_of`, as a birth-date range."""
    condition = Q()
    if youngest is not None:
        condition &= Q(birth_date__lte=years_before(as_of, youngest))
    if oldest is not None:
        condition &= Q(birth_date__gt=years_before(as_of, oldest + 1))
    return condition


def search_condition(search: PeopleSearch) -> Q:
    """The search as one condition on Person (without the user's scope)."""
    condition = Q()
    query = search.query
    if query.isdigit():
        condition &= nik_prefix(query)
    elif query:
        condition &= Q(name_normalised__contains=query.upper())
    if search.nik:
        condition &= Q(nik=search.nik)
    if search.kk_number:
        condition &= Q(kk_number=search.kk_number)
    if search.name:
        condition &= Q(name_normalised__contains=search.name.upper())
    if search.phone:
        condition &= Q(phone=search.phone)
    if search.regency:
        condition &= Q(regency_id=search.regency)
    if search.district:
        condition &= in_district(search.district)
    if search.village:
        condition &= in_village(search.village)
    if search.desil is not None:
        condition &= Q(desil=search.desil)
    if search.desil_min is not None:
        condition &= Q(desil__gte=search.desil_min)
    if search.desil_max is not None:
        condition &= Q(desil__lte=search.desil_max)
    if search.sex:
        condition &= Q(sex=search.sex)
    as_of = search.as_of or timezone.localdate()
    if search.age_band:
        condition &= age_band_condition(search.age_band, as_of)
    if search.age_min is not None or search.age_max is not None:
        condition &= age_condition(youngest=search.age_min, oldest=search.age_max, as_of=as_of)
    if search.occupation:
        condition &= Q(occupation__iexact=search.occupation)
    if search.alive is not None:
        condition &= Q(died_on__isnull=search.alive)
    if search.enrollment_state or search.kpj or search.programme is not None:
        if _enrollment.condition is None:
            raise InvalidSearch(
                {"state": ("unknown_filter", _("This list cannot be filtered by it."))}
            )
        condition &= _enrollment.condition(search.programme, search.enrollment_state, search.kpj)
    return condition


def search_people(
    *,
    user,
    search: PeopleSearch | None = None,
    condition: Q | None = None,
    identified: bool = True,
) -> QuerySet[Person]:
    """People the user may see that match `search` (and `condition`, built by
    `registry.conditions.attribute_condition` for searches with or/not), in NIK order.

    `identified=False` is for callers that return no personal data (the DCI API's public
    statistics clients): any role may count and describe, but only within its scope.
    """
    if identified:
        require(user, Action.VIEW_PEOPLE)
    people = scoped(user, Person.objects.all())
    if search is not None:
        people = people.filter(search_condition(search))
    if condition is not None:
        people = people.filter(condition)
    return people.order_by("nik")


def describe(search: PeopleSearch) -> dict[str, object]:
    """The parameters that reproduce `search` (for links and exports)."""
    reverse = {attribute: parameter for parameter, attribute in PARAMETERS.items()}
    described = {}
    for item in fields(search):
        value = getattr(search, item.name)
        if item.name in reverse and value not in ("", None):
            described[reverse[item.name]] = value
    return described


@dataclass(frozen=True)
class PeoplePage:
    """One page of a people list, without a total: counting a regency's people on every view
    cost more than the rest of the page (the dashboard shows the total from the summary)."""

    people: list[Person]
    # The id to pass as `after` for the next page, or None on the last page.
    next_after: int | None
    is_first: bool


def people_page(people: QuerySet[Person], *, after: int | None, size: int = 50) -> PeoplePage:
    """The `size` people (in NIK order) following the person `after` (keyset pagination).

    The cursor is the person's id, not their NIK, so that no NIK lands in a URL or a server
    log; it is looked up within `people`, so a cursor outside the user's scope starts over.
    """
    start = None
    if after is not None:
        start = people.filter(pk=after).values_list("nik", flat=True).first()
    if start is not None:
        people = people.filter(nik__gt=start)
    # Ids first, then the rows: the sort then carries one narrow column and no joined village
    # across the regency's tens of thousands of people, and only the page's rows are joined.
    ids = list(people.order_by("nik").values_list("pk", flat=True)[: size + 1])
    rows = list(people.filter(pk__in=ids).order_by("nik")) if ids else []
    return PeoplePage(
        people=rows[:size],
        next_after=rows[size - 1].pk if len(rows) > size else None,
        is_first=start is None,
    )


def parse_cursor(text: str | None) -> int | None:
    """A person id from a URL, or None: ids fit in 64 bits, anything else is no cursor."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
