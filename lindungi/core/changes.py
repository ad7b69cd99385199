"""Change notices: an app says what kind of data it changed; readers such as the dashboard
summaries subscribe at start-up.

This keeps dependencies pointing one way: registry, programs, enrollment and contributions never
import reports, yet its summaries follow every change. Listeners run inside the caller's
transaction and must only schedule work (for example with `transaction.on_commit`).
"""

from collections.abc import Callable

Listener = Callable[..., None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Call `listener(kind, regency=...)` on every notice; subscribing twice is harmless."""
    if listener not in _listeners:
        _listeners.append(listener)


def notify(kind: str, *, regency: str | None = None) -> None:
    """Tell subscribers that data of `kind` (e.g. "registry.import") changed in a regency or all."""
    for listener in _listeners:
        listener(kind, regency=regency)
