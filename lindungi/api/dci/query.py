"""DCI search criteria -> a people queryset, through the one people search
(`registry.search`): its attribute conditions, the user's scope and its NIK order.

Query types: `idtype-value` (NIK, KK, KPJ, PHONE), `expression` (MongoDB-style: `$and $or
$not $nor` over `{attribute: value}` or `{attribute: {$eq $ne $gt $gte $lt $lte $in: value}}`)
and `predicate` (items of `expression1 [condition expression2]`, items joined by and).
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lindungi.api.dci.envelope import ItemRejected
from lindungi.registry.conditions import InvalidCondition, attribute_condition, kpj_condition
from lindungi.registry.models import Person
from lindungi.registry.search import search_people

ID_TYPES = {"NIK": "nik", "KK": "kk", "KPJ": "kpj", "PHONE": "phone"}
MONGO_OPERATORS = {
    "$eq": "eq",
    "$ne": "ne",
    "$gt": "gt",
    "$gte": "ge",
    "$lt": "lt",
    "$lte": "le",
    "$in": "in",
}
PREDICATE_OPERATORS = ("gt", "lt", "eq", "ge", "le", "in")
# Sortable attributes -> the Person field they order by.
SORTABLE = {
    "nik": "nik",
    "kk": "kk_number",
    "desil": "desil",
    "birth_date": "birth_date",
    "age": "-birth_date",  # older first when ascending by age means later birth dates last
    "name": "name_normalised",
    "regency": "regency_id",
    "village": "village_id",
}
MAX_PAGE_SIZE = 1000
MAX_DEPTH = 8
PERSON_TYPES = {"person", "srperson", "sr_person", "spdci:sr_person", "member"}
GROUP_TYPES = {"group", "household", "spdci:group"}


def _filter_error(message: str) -> ItemRejected:
    return ItemRejected("rjct.filter.invalid", message)


def _condition(attribute, operator, value) -> Q:
    if not isinstance(attribute, str):
        raise _filter_error("An attribute name must be a string.")
    try:
        return attribute_condition(attribute, operator, value)
    except InvalidCondition as error:
        raise _filter_error(error.message) from None


def _mongo(node, depth: int = 0) -> Q:
    if depth > MAX_DEPTH:
        raise _filter_error("The expression nests too deeply.")
    if not isinstance(node, dict) or not node:
        raise _filter_error("An expression is a non-empty object.")
    condition = Q()
    for key, value in node.items():
        if key in {"$and", "$or", "$nor"}:
            if not isinstance(value, list) or not value:
                raise _filter_error(f"{key} takes a non-empty list.")
            parts = [_mongo(item, depth + 1) for item in value]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if key == "$and" else combined | part
            condition &= ~combined if key == "$nor" else combined
        elif key == "$not":
            condition &= ~_mongo(value, depth + 1)
        elif key.startswith("$"):
            raise _filter_error(f"Unknown operator {key}.")
        elif isinstance(value, dict):
            if not value:
                raise _filter_error(f"{key}: an empty comparison.")
            for operator, operand in value.items():
                if operator == "$not" and isinstance(operand, dict):
                    condition &= ~_mongo({key: operand}, depth + 1)
                    continue
                if operator not in MONGO_OPERATORS:
                    raise _filter_error(f"Unknown operator {operator}.")
                condition &= _condition(key, MONGO_OPERATORS[operator], operand)
        else:
            condition &= _condition(key, "eq", value)
    return condition


def _expression(query) -> Q:
    """`{"type": ..., "value": {"expression": {"collection": ..., "query": {...}}}}`, or the
    inner `{"expression": ...}` / `{"collection": ..., "query": ...}` on their own."""
    if not isinstance(query, dict):
        raise ItemRejected("rjct.search_criteria.invalid", "An expression query is an object.")
    node = query.get("value", query)
    if isinstance(node, dict) and "expression" in node:
        node = node["expression"]
    if isinstance(node, dict) and "query" in node:
        collection = node.get("collection")
        if collection is not None and str(collection).lower() not in PERSON_TYPES | GROUP_TYPES:
            raise _filter_error(f"Unknown collection {collection!r}.")
        node = node["query"]
    return _mongo(node)


def _predicate_expression(expression) -> Q:
    if not isinstance(expression, dict):
        raise _filter_error("A predicate expression is an object.")
    operator = expression.get("operator")
    if operator not in PREDICATE_OPERATORS:
        raise _filter_error(f"Unknown operator {operator!r}; use {' '.join(PREDICATE_OPERATORS)}.")
    if "attribute_value" not in expression:
        raise _filter_error("A predicate expression needs attribute_value.")
    return _condition(expression.get("attribute_name"), operator, expression["attribute_value"])


def _predicate(query) -> Q:
    if not isinstance(query, list) or not query or len(query) > 100:
        raise ItemRejected("rjct.search_criteria.invalid", "A predicate is a list of 1-100 items.")
    items = []
    for item in query:
        if not isinstance(item, dict) or "expression1" not in item:
            raise _filter_error("Each predicate item needs expression1.")
        first = _predicate_expression(item["expression1"])
        condition = item.get("condition")
        second = item.get("expression2")
        if condition is None:
            if second is not None:
                raise _filter_error("expression2 needs a condition (and, or, not).")
            items.append((item.get("seq_num", 0), first))
            continue
        if condition not in {"and", "or", "not"}:
            raise _filter_error(f"Unknown condition {condition!r}; use and, or, not.")
        if second is None:
            if condition != "not":
                raise _filter_error(f"The condition {condition} needs expression2.")
            items.append((item.get("seq_num", 0), ~first))
            continue
        other = _predicate_expression(second)
        combined = {"and": first & other, "or": first | other, "not": first & ~other}[condition]
        items.append((item.get("seq_num", 0), combined))
    if any(isinstance(seq, bool) or not isinstance(seq, int | float) for seq, _q in items):
        raise _filter_error("seq_num is a number.")
    result = Q()
    for _seq, condition in sorted(items, key=lambda pair: pair[0]):
        result &= condition
    return result


def _idtype_value(query) -> Q:
    if not isinstance(query, dict):
        raise ItemRejected("rjct.search_criteria.invalid", "An idtype-value query is an object.")
    id_type = str(query.get("type", "")).upper()
    if id_type not in ID_TYPES:
        raise _filter_error(f"Unknown identifier type; use {', '.join(ID_TYPES)}.")
    value = query.get("value")
    if id_type == "KPJ":
        if not isinstance(value, str) or not value.strip() or len(value) > 30:
            raise _filter_error("A KPJ is a text of at most 30 characters.")
        return kpj_condition(value.strip())
    return _condition(ID_TYPES[id_type], "eq", value)


def criteria_condition(criteria: dict) -> Q:
    query_type = criteria.get("query_type")
    if "query" not in criteria:
        raise ItemRejected("rjct.search_criteria.invalid", "search_criteria.query is required.")
    query = criteria["query"]
    if query_type == "idtype-value":
        return _idtype_value(query)
    if query_type == "expression":
        return _expression(query)
    if query_type == "predicate":
        return _predicate(query)
    raise ItemRejected(
        "rjct.search_criteria.invalid", "query_type is idtype-value, expression or predicate."
    )


def record_type(criteria: dict) -> str:
    """`person` or `group` (a household: the people of one KK)."""
    value = criteria.get("reg_record_type", "person")
    lowered = str(value).lower()
    if lowered in PERSON_TYPES:
        return "person"
    if lowered in GROUP_TYPES:
        return "group"
    raise ItemRejected("rjct.search_criteria.invalid", "reg_record_type is person or group.")


def ordering(criteria: dict, kind: str) -> list[str]:
    sort = criteria.get("sort")
    if sort is None:
        return ["kk_number"] if kind == "group" else ["nik"]
    if not isinstance(sort, list) or len(sort) > 5:
        raise ItemRejected("rjct.sort.invalid", "sort is a list of at most 5 items.")
    fields = []
    for item in sort:
        if not isinstance(item, dict) or item.get("attribute_name") not in SORTABLE:
            raise ItemRejected("rjct.sort.invalid", f"Sort by one of: {', '.join(SORTABLE)}.")
        order = item.get("sort_order", "asc")
        if order not in {"asc", "desc"}:
            raise ItemRejected("rjct.sort.invalid", "sort_order is asc or desc.")
        field = SORTABLE[item["attribute_name"]]
        if order == "desc":
            field = field[1:] if field.startswith("-") else f"-{field}"
        fields.append(field)
    return fields


@dataclass(frozen=True)
class Page:
    size: int
    number: int


def pagination(criteria: dict) -> Page:
    given = criteria.get("pagination")
    if given is None:
        return Page(size=100, number=1)
    if not isinstance(given, dict):
        raise ItemRejected("rjct.pagination.invalid", "pagination is an object.")
    size, number = given.get("page_size"), given.get("page_number", 1)
    for value in (size, number):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise ItemRejected("rjct.pagination.invalid", "page_size and page_number are whole.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ItemRejected("rjct.pagination.invalid", f"page_size is from 1 to {MAX_PAGE_SIZE}.")
    if not 1 <= number <= 1_000_000:
        raise ItemRejected("rjct.pagination.invalid", "page_number counts from 1.")
    return Page(size=int(size), number=int(number))


def people(*, user, criteria: dict, identified: bool) -> QuerySet[Person]:
    return search_people(user=user, condition=criteria_condition(criteria), identified=identified)
