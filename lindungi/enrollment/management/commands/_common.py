"""What the enrollment commands share: the acting user, audit context, summary output."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from lindungi.core.errors import LindungiError


def acting_user(username: str | None):
    """The user a command acts as: --user, else the first active superuser."""
    users = get_user_model().objects.filter(is_active=True)
    user = (
        users.filter(username=username).first()
        if username
        else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError("No such active user; pass --user USERNAME.")
    return user


def emit(command, summary: dict, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(summary, sort_keys=True, default=str))
        return
    for key, value in summary.items():
        command.stdout.write(f"{key}: {value}")


def fail(error: LindungiError) -> CommandError:
    return CommandError(f"{error.code}: {error.message}")
