"""Template filters that show money, numbers and dates the Indonesian way.

The formatting itself lives in lindungi.core (money.py, dates.py) so that exports, PDFs and
commands print exactly what the pages show; these filters only adapt template values to it.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from lindungi.core.dates import format_date
from lindungi.core.money import format_number, format_rupiah

register = template.Library()

MISSING = "–"


def _whole_number(value) -> int:
    """Accept int and integral Decimal (PostgreSQL aggregates); refuse fractions of a rupiah."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise TypeError(f"expected a whole number, got {value!r}")


@register.filter
def rupiah(value) -> str:
    """1680000000 -> "Rp1.680.000.000"; -5000 -> "-Rp5.000"; None -> "–"."""
    if value is None or value == "":
        return MISSING
    return format_rupiah(_whole_number(value))


def _decimal_text(value: float | Decimal, decimals: int) -> str:
    """Dots between thousands, a comma before the decimals: 1234.5 -> "1.234,5"."""
    # Half up, as people round by hand (and as Excel does): 12,345 -> 12,35.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):.{decimals}f}".partition(".")
    text = sign + format_number(int(whole))
    return f"{text},{fraction}" if fraction else text


@register.filter
def angka(value, decimals=None) -> str:
    """100000 -> "100.000"; with an argument, decimals after a comma: 1234.5|angka:1 -> "1.234,5".

    Separators stay Indonesian in English too, like the rupiah amounts they sit next to.
    """
    if value is None or value == "":
        return MISSING
    if decimals is None:
        if isinstance(value, float | Decimal):
            return _decimal_text(value, 0)
        return format_number(_whole_number(value))
    return _decimal_text(value, int(decimals))


@register.filter
def persen(value, decimals=1) -> str:
    """A fraction as a percentage: 0.125 -> "12,5%"; 1 -> "100,0%"; None -> "–"."""
    if value is None or value == "":
        return MISSING
    return _decimal_text(Decimal(str(value)) * 100, int(decimals)) + "%"


@register.filter
def tanggal(value) -> str:
    """date(2025, 7, 18) -> "18 Juli 2025" (or "18 July 2025" when English is active)."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, datetime):
        # An aware datetime is shown on the calendar of the installation's time zone (WITA).
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {value!r}")
    return format_date(value, get_language() or "id")


@register.filter
def waktu(value) -> str:
    """An aware datetime on the WITA clock: "18 Juli 2025 14.05" ("18 July 2025 14:05")."""
    if value is None or value == "":
        return MISSING
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    language = get_language() or "id"
    separator = ":" if language.startswith("en") else "."
    return f"{format_date(local.date(), language)} {local:%H}{separator}{local:%M}"


@register.filter
def bulan(value) -> str:
    """A month (core.dates.Month, or a date standing for its month): "Agustus 2025"."""
    if value is None or value == "":
        return MISSING
    from lindungi.core.dates import Month

    if isinstance(value, date):
        value = Month.of(value)
    if not isinstance(value, Month):
        raise TypeError(f"expected a month, got {value!r}")
    return value.label(get_language() or "id")


@register.filter
def nik_for(nik: str, full: bool) -> str:
    """`{{ person.nik|nik_for:show_full_nik }}`: the NIK, or its masked form (issue 12.8)."""
    from lindungi.core.permissions import mask_nik

    return nik if full else mask_nik(nik or "")


@register.filter
def may(user, action: str) -> bool:
    """`{% if user|may:"record_payment" %}`: show a link or button only to who may use it."""
    from lindungi.core.permissions import Action, can

    return can(user, Action(action))


@register.filter
def labelled(counts, choices_path: str) -> list[tuple[str, object]]:
    """`{{ result.reasons|labelled:"lindungi.enrollment.choices.ExitRejectReason" }}`: the
    counts of a job result keyed by reason code, as (label, count) in the user's language.

    Keys may be a choice's value or its lower-case name; unknown keys are shown as they are.
    """
    from django.utils.module_loading import import_string

    if not counts:
        return []
    choices = import_string(choices_path)
    labels = {}
    for member in choices:
        labels[str(member.value)] = member.label
        labels[member.name.lower()] = member.label
    return [(labels.get(str(key), key), count) for key, count in counts.items() if count]


@register.inclusion_tag("web/_upload_columns.html")
def upload_columns(key: str) -> dict:
    """What an upload page says about its file: the columns (required ones first named), a
    table of what each wants, and the XLSX template (`core.upload_templates`)."""
    from lindungi.core.upload_templates import get_template

    return {"template": get_template(key)}
