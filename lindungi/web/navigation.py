"""The modules of Lindungi as the shell shows them: in the menu and as cards on the home page.

A module appears when its URL exists (so modules still being written are skipped without
breaking the shell) and when the user may use it according to lindungi.core.permissions.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindungi.core.permissions import Action, can


@dataclass(frozen=True)
class Module:
    key: str
    label: Promise
    description: Promise
    # Tried in order; the first that reverses is the module's page.
    url_names: tuple[str, ...]
    # None: any user who holds a role; otherwise the action the user must be allowed.
    action: Action | None = None


MODULES: tuple[Module, ...] = (
    Module(
        "home",
        _("Home"),
        _("Overview of the modules you may use."),
        ("home",),
    ),
    Module(
        "attention",
        _("Needs attention"),
        _("Work waiting for you: reviews, refusals to correct, invoices due, failed jobs."),
        ("attention",),
    ),
    Module(
        "registry",
        _("Registry"),
        _("Candidate workers, imports from DTSEN/P3KE and duplicate review."),
        ("registry:people", "registry:imports"),
        Action.VIEW_PEOPLE,
    ),
    Module(
        "programs",
        _("Programmes"),
        _("Programmes, rates, quotas and the selection of participants."),
        ("programs:list", "programs:programmes", "programs:index"),
        Action.VIEW_PEOPLE,
    ),
    Module(
        "enrollment",
        _("Enrollment"),
        _("Submissions to BPJS Ketenagakerjaan, responses, coverage and exits."),
        ("enrollment:list", "enrollment:batches", "enrollment:index"),
        Action.VIEW_PEOPLE,
    ),
    Module(
        "contributions",
        _("Contributions"),
        _("Monthly invoices per payer, payments, arrears and budgets."),
        ("contributions:list", "contributions:invoices", "contributions:index"),
        Action.VIEW_MONEY,
    ),
    Module(
        "benefits",
        _("Benefits"),
        _("Claims from BPJS Ketenagakerjaan, cover on the day, what the regulation gives."),
        ("benefits:list",),
        Action.VIEW_CLAIMS,
    ),
    Module(
        "reports",
        _("Reports"),
        _("Dashboards, the map and monthly reports."),
        ("reports:dashboard", "reports:list", "reports:index"),
        # The dashboards show people counts: a panel member, who may see none, is not offered it.
        Action.VIEW_PEOPLE,
    ),
    Module(
        "awards",
        _("Paritrana Award"),
        _("Self-assessment, evidence, panel scores and the ranking of the provincial award."),
        ("awards:index",),
        Action.VIEW_AWARDS,
    ),
    Module(
        "regions",
        _("Regions"),
        _("Kabupaten/kota, districts and villages; look up a village code or NIK prefix."),
        ("regions:list",),
    ),
    Module(
        "audit",
        _("Audit"),
        _("Every change, who made it and where it came from."),
        ("audit:list",),
        Action.VIEW_AUDIT,
    ),
    Module(
        "integrity",
        _("Integrity"),
        _("Deceased still covered, duplicates, households over the limit, self-approvals."),
        ("reports:integrity",),
        Action.VIEW_AUDIT,
    ),
    Module(
        "jobs",
        _("Background jobs"),
        _("Imports, selections and billing runs in progress, and their results."),
        ("jobs:list", "jobs:index"),
    ),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Promise
    description: Promise
    url: str
    active: bool


def _first_url(url_names: tuple[str, ...]) -> str | None:
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _allowed(user, module: Module) -> bool:
    if module.key == "home":
        return True
    if not (user.is_superuser or user.role):
        return False
    return module.action is None or can(user, module.action)


def modules_for(user, current_namespace: str | None = None) -> list[NavItem]:
    """The modules this user may open, in menu order, with the one being viewed marked.

    A module's key is its URL namespace ("home" stands for the unnamespaced home page), so
    every page of a module marks its menu entry, whatever its path.
    """
    if not (user and user.is_authenticated and user.is_active):
        return []
    items = []
    for module in MODULES:
        if not _allowed(user, module):
            continue
        url = _first_url(module.url_names)
        if url is None:
            continue
        items.append(
            NavItem(
                module.key, module.label, module.description, url, module.key == current_namespace
            )
        )
    return items
