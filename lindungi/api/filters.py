"""Query parameters of the API's lists: each endpoint names the ones it takes and their type.

A parameter the endpoint does not take, or a value of the wrong type, is refused with 400 and
a stable code (never ignored, never a 500 from the database). People are searched through
`registry.search`, the one people search of pages, exports and APIs.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from lindungi.api.errors import BadParameter

# Parameters of paging and content negotiation, accepted by every list.
PAGING = frozenset({"limit", "offset", "cursor", "format"})


@dataclass(frozen=True)
class Param:
    lookup: str  # ORM lookup the value filters on
    parse: Callable[[str], object]  # raises ValueError(code, message)
    description: str
    kind: type = str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None


def _identifier(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text) or int(text) < 1:
        raise ValueError("bad_id", "Give an id: a positive whole number.")
    return int(text)


def _pattern(regex: str, example: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(text: str) -> str:
        if not compiled.fullmatch(text):
            raise ValueError("bad_format", f"Give a value like {example}.")
        return text

    return parse


def _choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in values:
            raise ValueError("unknown_value", "Choose one of: " + ", ".join(values) + ".")
        return text

    return parse


def identifier(lookup: str, description: str) -> Param:
    return Param(lookup, _identifier, description, kind=int)


def choice(lookup: str, values, description: str) -> Param:
    values = tuple(str(value) for value in values)
    return Param(lookup, _choice(values), description, enum=values)


def _flag(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError("unknown_value", "Choose one of: true, false.")
    return text == "true"


def flag(lookup: str, description: str) -> Param:
    return Param(lookup, _flag, description, kind=bool)


REGENCY_PATTERN = r"\d{2}\.\d{2}"
NIK_PATTERN = r"\d{16}"
MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])-01"


def regency(lookup: str = "regency_id") -> Param:
    return Param(lookup, _pattern(REGENCY_PATTERN, "53.05"), "Regency code, e.g. 53.05",
                 pattern=REGENCY_PATTERN)  # fmt: skip


def nik(lookup: str = "nik") -> Param:
    return Param(lookup, _pattern(NIK_PATTERN, "16 digits"), "NIK (16 digits)",
                 pattern=NIK_PATTERN)  # fmt: skip


def _month(text: str) -> datetime.date:
    # The pattern alone lets "0000-01-01" through, which no database takes as a date.
    _pattern(MONTH_PATTERN, "2025-03-01")(text)
    if not 2000 <= int(text[:4]) <= 2100:
        raise ValueError("out_of_range", "Give a month from 2000 to 2100.")
    return datetime.date.fromisoformat(text)


def month(lookup: str) -> Param:
    return Param(lookup, _month, "First day of a month (2000-2100)", pattern=MONTH_PATTERN)


def refuse_unknown(request: Request, known) -> None:
    for name in request.query_params:
        if name not in known and name not in PAGING:
            raise BadParameter(name, "unknown_parameter", "This list takes no such parameter.")


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        raise ValueError("bad_format", "Give a year of four digits.")
    return int(text)


def parse_values(request: Request, spec: dict[str, Param]) -> dict[str, object]:
    """The parameters of `spec` the request gives, parsed; 400 on a bad one."""
    values = {}
    for name, param in spec.items():
        text = request.query_params.get(name)
        if text is None or text == "":
            continue
        try:
            values[name] = param.parse(text)
        except ValueError as error:
            code, message = error.args
            raise BadParameter(name, code, message) from None
    return values


def apply(queryset, request: Request, spec: dict[str, Param], *, known=()):
    """`queryset` filtered by the parameters of `spec` the request gives; 400 on a bad one.
    `known` names further parameters the endpoint reads itself."""
    refuse_unknown(request, {*spec, *known})
    for name, value in parse_values(request, spec).items():
        queryset = queryset.filter(**{spec[name].lookup: value})
    return queryset


def openapi_parameters(spec: dict[str, Param]) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            name,
            param.kind,
            description=param.description,
            enum=param.enum,
            pattern=param.pattern,
        )
        for name, param in spec.items()
    ]
