"""What upper apps contribute to the shell, without the shell importing them.

The shell (`web`) sits low in the app order, yet its home page and menu show work and figures
that belong to apps above it. Those apps register providers here when they load
(`AppConfig.ready`); the shell calls whatever is registered. Same idea as core.changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class AttentionItem:
    """Work waiting for this user: what it is, how many, where to act on it."""

    key: str
    label: str | Promise
    count: int
    url: str
    # "warning" for what is late or blocks others, "info" for the rest.
    level: str = "info"


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: a template and its context, in the order registered."""

    template: str
    context: dict


_attention: list[Callable[[object], list[AttentionItem]]] = []
_home_panels: list[Callable[[object], HomePanel | None]] = []
_person_panels: list[Callable[[object, object], HomePanel | None]] = []


def provide_attention(provider: Callable[[object], list[AttentionItem]]):
    """Register `provider(user) -> [AttentionItem]` (decorator)."""
    if provider not in _attention:
        _attention.append(provider)
    return provider


def provide_home_panel(provider: Callable[[object], HomePanel | None]):
    """Register `provider(request) -> HomePanel | None` (decorator)."""
    if provider not in _home_panels:
        _home_panels.append(provider)
    return provider


def attention_for(user) -> list[AttentionItem]:
    """Every item of work waiting for the user, only those with a count above zero."""
    items: list[AttentionItem] = []
    for provider in _attention:
        items.extend(item for item in provider(user) if item.count > 0)
    return items


def home_panels(request) -> list[HomePanel]:
    return [panel for provider in _home_panels if (panel := provider(request)) is not None]


def provide_person_panel(provider: Callable[[object, object], HomePanel | None]):
    """Register `provider(request, person) -> HomePanel | None` for the person page."""
    if provider not in _person_panels:
        _person_panels.append(provider)
    return provider


def person_panels(request, person) -> list[HomePanel]:
    """What the apps above the registry know about a person, for the one person page."""
    return [
        panel for provider in _person_panels if (panel := provider(request, person)) is not None
    ]
