"""Shared argument handling of the contributions commands."""

from django.core.management.base import CommandError

from lindungi.programs.models import Programme


def find_programme(text: str | None) -> Programme:
    """By id or exact name; with no value, the only active programme."""
    if text is None:
        found = Programme.objects.filter(status="active")
    else:
        found = Programme.objects.filter(
            pk=int(text) if text.isdigit() else None
        ) | Programme.objects.filter(name=text)
    if found.count() != 1:
        raise CommandError(f"no single programme matches {text!r}; pass --programme")
    return found.get()
