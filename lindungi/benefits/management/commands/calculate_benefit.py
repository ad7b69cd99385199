"""lindungi calculate_benefit KIND --basis RUPIAH --date YYYY-MM-DD [...] [--json]

Checks a case by hand with the rules in force on the date: each item (name, amount, rule,
legal basis) and the total. Reads only; writes nothing.
"""

import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindungi.benefits.calculator import KINDS, Case, calculate
from lindungi.benefits.choices import SCHOOL_ALIASES, TransportMode
from lindungi.core.errors import LindungiError
from lindungi.core.money import format_rupiah

# Digits, or digits with dots between thousands (1.000.000); never a decimal part.
WHOLE = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")
PERCENT = re.compile(r"^\d+(\.\d{1,2})?$")


def _rupiah(text: str, option: str) -> int:
    if not WHOLE.match(text):
        raise CommandError(f"{option} must be whole rupiah (digits only), got {text!r}")
    return int(text.replace(".", ""))


def _percent_bp(text: str) -> int:
    if not PERCENT.match(text):
        raise CommandError(f"--percent must be a percentage such as 35 or 4.5, got {text!r}")
    whole, _dot, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


class Command(BaseCommand):
    help = "Compute the benefits of a case from the rules in force on a date."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[kind for kind in KINDS if kind != "jkk-treatment"])
        parser.add_argument("--basis", required=True, help="declared monthly income, rupiah")
        parser.add_argument("--date", required=True, help="incident date, YYYY-MM-DD")
        parser.add_argument("--percent", help="partial disability: the table percentage")
        parser.add_argument("--months-incapacitated", type=int, help="STMB: months unable to work")
        parser.add_argument("--transport", choices=TransportMode.values)
        parser.add_argument("--transport-cost", help="transport cost claimed, rupiah")
        parser.add_argument("--home-care-cost", help="home care cost claimed, rupiah")
        parser.add_argument("--contribution-months", type=int, help="paid contribution months")
        parser.add_argument("--children", help="school levels of the children: tk_sd,smp,sma,pt")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from None
        if bool(options["transport"]) != bool(options["transport_cost"]):
            raise CommandError("--transport and --transport-cost go together")
        children = tuple(
            SCHOOL_ALIASES.get(level.strip().lower(), level.strip().lower())
            for level in (options["children"] or "").split(",")
            if level.strip()
        )
        case = Case(
            kind=options["kind"],
            basis=_rupiah(options["basis"], "--basis"),
            on=on,
            percent_bp=_percent_bp(options["percent"]) if options["percent"] else None,
            months_incapacitated=options["months_incapacitated"],
            transport_mode=options["transport"] or "",
            transport_cost=(
                _rupiah(options["transport_cost"], "--transport-cost")
                if options["transport_cost"]
                else None
            ),
            home_care_cost=(
                _rupiah(options["home_care_cost"], "--home-care-cost")
                if options["home_care_cost"]
                else None
            ),
            contribution_months=options["contribution_months"],
            children=children,
        )
        try:
            result = calculate(case)
        except LindungiError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for item in result.items:
            self.stdout.write(f"{item.name}: {format_rupiah(item.amount)}")
            self.stdout.write(f"    {item.rule} [{item.legal_basis}]")
        for note in result.notes:
            self.stdout.write(f"* {note}")
        self.stdout.write(f"Total: {format_rupiah(result.total)}")
