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


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind` (e.g. "registry.import")."""
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
        return handler

    return register


def get_handler(kind: str) -> Handler:
    """The handler of `kind`; KeyError if none is registered."""
    return _handlers[kind]


def is_registered(kind: str) -> bool:
    return kind in _handlers


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def _qualified_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
