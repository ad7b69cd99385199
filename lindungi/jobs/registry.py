"""Which function runs each kind of job.

Apps register handlers in their own `jobs.py`, which `JobsConfig.ready()` imports:

    @job_handler("registry.import")
    def import_candidates(*, job, progress, path: str) -> dict: ...

A handler receives the Job row, a Progress and the job's params as keyword arguments, runs
inside one transaction, and returns a JSON-serialisable dict (the job's result). Raising rolls
back everything it wrote; a LindungiError's message is shown to the user as it is.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Handler = Callable[..., dict[str, Any]]

_handlers: dict[str, Handler] = {}
# Kinds whose handler runs outside the job's transaction and keeps its own writes short.
_own_transactions: set[str] = set()


def job_handler(kind: str, *, atomic: bool = True) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind` (e.g. "registry.import").

    `atomic=False`: the handler is not wrapped in one transaction; it reads and computes
    outside any transaction and writes in transactions of its own, each all or nothing. On
    SQLite this keeps the database's write lock for the seconds of the write, not for the
    whole job, so pages and logins keep working while it runs.
    """
    if not kind or kind != kind.strip() or len(kind) > 80:
        raise ImproperlyConfigured(f"Invalid job kind {kind!r}.")

    def register(handler: Handler) -> Handler:
        existing = _handlers.get(kind)
        # Re-importing the same module must not fail; two different functions for one kind must.
        if existing is not None and _qualified_name(existing) != _qualified_name(handler):
            raise ImproperlyConfigured(
                f"Job kind {kind!r} already handled by {_qualified_name(existing)}."
            )
        _handlers[kind] = handler
        if atomic:
            _own_transactions.discard(kind)
        else:
            _own_transactions.add(kind)
        return handler

    return register


def get_handler(kind: str) -> Handler:
    """The handler of `kind`; KeyError if none is registered."""
    return _handlers[kind]


def runs_own_transactions(kind: str) -> bool:
    return kind in _own_transactions


def is_registered(kind: str) -> bool:
    return kind in _handlers


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def _qualified_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
