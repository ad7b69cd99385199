"""The home page's key figures and next deadlines for the user's role and region."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindungi.core.permissions import Action, can, regency_scope
from lindungi.reports import finance, selectors
from lindungi.reports.attention import open_invoices
from lindungi.web.hooks import HomePanel

DEADLINE_DAYS = 45


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | None
    kind: str = "number"  # number, rupiah or percent
    url: str | None = None


@dataclass(frozen=True)
class Deadline:
    day: date
    label: str | Promise
    url: str | None = None


def key_figures(user) -> tuple[object, list[Figure]]:
    programme = selectors.default_programme(None)
    regency = regency_scope(user)
    rows = selectors.regency_figures(user=user, programme=programme, regency=regency)
    candidates = sum(row.candidates for row in rows)
    quota = sum(row.quota for row in rows)
    active = sum(row.active for row in rows)
    figures = [
        Figure(_("Candidates in the registry"), candidates, url=reverse("registry:people")),
        Figure(_("Places (quota)"), quota),
        Figure(_("Covered now"), active, url=reverse("enrollment:list") + "?state=active"),
        Figure(_("Of the quota"), round(100 * active / quota) if quota else None, "percent"),
    ]
    if programme is not None and can(user, Action.VIEW_MONEY):
        money = finance.billed_and_paid(user=user, programme=programme)
        figures.append(Figure(_("Billed"), sum(row.billed for row in money), "rupiah"))
        if all(row.paid is not None for row in money):
            figures.append(Figure(_("Paid"), sum(row.paid or 0 for row in money), "rupiah"))
    return programme, figures


def deadlines(user, programme) -> list[Deadline]:
    today = timezone.localdate()
    horizon = today + timedelta(days=DEADLINE_DAYS)
    found: list[Deadline] = []
    if can(user, Action.VIEW_MONEY):
        # The three oldest unpaid invoices: late ones first, then those falling due soon.
        for invoice in open_invoices(user, today=today).order_by("due_date")[:3]:
            found.append(
                Deadline(
                    invoice.due_date,
                    _("Invoice %(number)s falls due") % {"number": invoice.number},
                    reverse("contributions:invoice", args=[invoice.pk]),
                )
            )
    if programme is not None and today <= programme.coverage_end <= horizon:
        found.append(
            Deadline(
                programme.coverage_end,
                _("Coverage of %(name)s ends") % {"name": programme.name},
                reverse("programs:detail", args=[programme.pk]),
            )
        )
    return sorted(found, key=lambda item: item.day)


def key_figures_panel(request) -> HomePanel | None:
    user = request.user
    if not (user.is_superuser or user.role) or not can(user, Action.VIEW_PEOPLE):
        return None
    programme, figures = key_figures(user)
    return HomePanel(
        "reports/_home_figures.html",
        {
            "programme": programme,
            "figures": figures,
            "deadlines": deadlines(user, programme),
            "today": timezone.localdate(),
        },
    )
