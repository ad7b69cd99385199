"""Attribute conditions for searches with and/or/not (the DCI expression and predicate
queries): one attribute, one operator, one value, as a Q over the people the one people
search (`registry.search`) reads. A bad attribute, operator or value raises
`InvalidCondition` with a stable code and a translated message."""

import re
from collections.abc import Callable
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput
from lindungi.registry.choices import Sex
from lindungi.registry.search import (
    DISTRICT_CODE,
    NIK_LENGTH,
    OLDEST_AGE,
    REGENCY_CODE,
    VILLAGE_CODE,
    _code,
    _digits,
    _enrollment,
    _phone,
    _text,
    age_condition,
    in_district,
    in_village,
)

OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "in")
_ORDERING_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
SEX_ALIASES = {"l": Sex.MALE, "male": Sex.MALE, "p": Sex.FEMALE, "female": Sex.FEMALE}


class InvalidCondition(InvalidInput):
    code = "invalid_condition"


def _as_text(value, attribute: str, parse: Callable[[str], object] | None = None):
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidCondition(
            _("%(attribute)s takes text.") % {"attribute": attribute}, code="bad_value"
        )
    text = str(value).strip()
    if parse is not None:
        try:
            return parse(text)
        except ValueError as error:
            raise InvalidCondition(f"{attribute}: {error.args[1]}", code="bad_value") from None
    return text


def _as_number(value, attribute: str, low: int, high: int) -> int:
    # The DCI predicate carries values as strings (its schema's oneOf admits no integer).
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InvalidCondition(
            _("%(attribute)s takes a whole number.") % {"attribute": attribute}, code="bad_value"
        )
    if not low <= int(value) <= high:
        raise InvalidCondition(
            _("%(attribute)s is from %(low)s to %(high)s.")
            % {"attribute": attribute, "low": low, "high": high},
            code="bad_value",
        )
    return int(value)


def _as_date(value, attribute: str) -> date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidCondition(
        _("%(attribute)s takes a date (YYYY-MM-DD).") % {"attribute": attribute}, code="bad_value"
    )


def _age_comparison(operator: str, years: int, as_of: date) -> Q:
    """Aged `operator` `years` on `as_of`, as a birth-date range."""
    if operator in {"eq", "ne"}:
        condition = age_condition(youngest=years, oldest=years, as_of=as_of)
        return condition if operator == "eq" else ~condition
    if operator == "gt":
        return age_condition(youngest=years + 1, oldest=None, as_of=as_of)
    if operator == "ge":
        return age_condition(youngest=years, oldest=None, as_of=as_of)
    if operator == "lt":
        return age_condition(youngest=None, oldest=years - 1, as_of=as_of) if years > 0 else Q(
            pk__in=[])  # fmt: skip
    return age_condition(youngest=None, oldest=years, as_of=as_of)


def _compare(field_name: str, operator: str, values: list) -> Q:
    if operator == "in":
        return Q(**{f"{field_name}__in": values})
    if operator == "eq":
        return Q(**{field_name: values[0]})
    if operator == "ne":
        return ~Q(**{field_name: values[0]})
    return Q(**{f"{field_name}__{_ORDERING_LOOKUPS[operator]}": values[0]})


# attribute -> the operators it takes (text attributes are compared for equality only)
ATTRIBUTE_OPERATORS: dict[str, tuple[str, ...]] = {
    "nik": ("eq", "ne", "in"),
    "kk": ("eq", "ne", "in"),
    "kpj": ("eq", "in"),
    "phone": ("eq", "in"),
    "name": ("eq",),
    "sex": ("eq", "ne", "in"),
    "desil": OPERATORS,
    "age": OPERATORS,
    "birth_date": OPERATORS,
    "regency": ("eq", "ne", "in"),
    "district": ("eq", "in"),
    "village": ("eq", "ne", "in"),
    "occupation": ("eq", "ne", "in"),
    "enrollment_state": ("eq", "in"),
    "alive": ("eq",),
}


def attribute_condition(attribute: str, operator: str, value, *, as_of: date | None = None) -> Q:
    """One comparison of a person attribute, as a condition on Person; raises
    InvalidCondition (code `unknown_attribute`, `bad_operator` or `bad_value`)."""
    if attribute not in ATTRIBUTE_OPERATORS:
        raise InvalidCondition(
            _("Unknown attribute %(attribute)s; known: %(known)s.")
            % {"attribute": attribute, "known": ", ".join(ATTRIBUTE_OPERATORS)},
            code="unknown_attribute",
        )
    if operator not in ATTRIBUTE_OPERATORS[attribute]:
        raise InvalidCondition(
            _("%(attribute)s cannot be compared with %(operator)s.")
            % {"attribute": attribute, "operator": operator},
            code="bad_operator",
        )
    if operator == "in":
        if isinstance(value, str):  # "1,2,3": a list as the DCI predicate can carry one
            value = [item.strip() for item in value.split(",") if item.strip()]
        if not isinstance(value, list) or not value or len(value) > 1000:
            raise InvalidCondition(
                _("%(attribute)s in takes a list of 1 to 1000 values.") % {"attribute": attribute},
                code="bad_value",
            )
        values = value
    else:
        values = [value]
    as_of = as_of or timezone.localdate()
    if attribute in {"nik", "kk"}:
        parsed = [_as_text(item, attribute, _digits(NIK_LENGTH)) for item in values]
        return _compare("nik" if attribute == "nik" else "kk_number", operator, parsed)
    if attribute == "kpj":
        condition = Q(pk__in=[])
        for item in values:
            condition |= kpj_condition(_as_text(item, attribute, _text))
        return condition
    if attribute == "phone":
        return Q(phone__in=[_as_text(item, attribute, _phone) for item in values])
    if attribute == "name":
        return Q(name_normalised__contains=_as_text(value, attribute, _text).upper())
    if attribute == "sex":
        parsed = []
        for item in values:
            sex = SEX_ALIASES.get(str(_as_text(item, attribute)).lower())
            if sex is None:
                raise InvalidCondition(_("sex is male or female."), code="bad_value")
            parsed.append(sex)
        return _compare("sex", operator, parsed)
    if attribute == "desil":
        return _compare("desil", operator, [_as_number(item, attribute, 1, 10) for item in values])
    if attribute == "birth_date":
        return _compare("birth_date", operator, [_as_date(item, attribute) for item in values])
    if attribute == "age":
        ages = [_as_number(item, attribute, 0, OLDEST_AGE) for item in values]
        if operator == "in":
            condition = Q(pk__in=[])
            for years in ages:
                condition |= _age_comparison("eq", years, as_of)
            return condition
        return _age_comparison(operator, ages[0], as_of)
    if attribute in {"regency", "district", "village"}:
        pattern = {"regency": REGENCY_CODE, "district": DISTRICT_CODE, "village": VILLAGE_CODE}
        example = {"regency": "53.05", "district": "53.05.01", "village": "53.05.01.2001"}
        codes = [
            _as_text(item, attribute, _code(pattern[attribute], example[attribute]))
            for item in values
        ]
        within = {"regency": lambda code: Q(regency_id=code), "district": in_district,
                  "village": in_village}[attribute]  # fmt: skip
        condition = Q(pk__in=[])
        for code in codes:
            condition |= within(code)
        return ~condition if operator == "ne" else condition
    if attribute == "occupation":
        condition = Q(pk__in=[])
        for item in values:
            condition |= Q(occupation__iexact=_as_text(item, attribute, _text))
        return ~condition if operator == "ne" else condition
    if attribute == "alive":
        if not isinstance(value, bool):
            raise InvalidCondition(_("alive is true or false."), code="bad_value")
        return Q(died_on__isnull=value)
    # enrollment_state
    if _enrollment.condition is None:
        raise InvalidCondition(_("This list cannot be filtered by it."), code="unknown_attribute")
    condition = Q(pk__in=[])
    for item in values:
        state = _as_text(item, attribute)
        if state not in _enrollment.states:
            raise InvalidCondition(
                _("Choose one of: %(values)s.") % {"values": ", ".join(_enrollment.states)},
                code="bad_value",
            )
        condition |= _enrollment.condition(None, state, "")
    return condition


def kpj_condition(kpj: str) -> Q:
    """People holding the insurer's participant number `kpj` in any programme."""
    if _enrollment.condition is None:
        raise InvalidCondition(_("This list cannot be filtered by it."), code="unknown_attribute")
    return _enrollment.condition(None, "", kpj)
