"""What the enrollment commands share: the summary output. (The acting user and the audit
context come from lindungi.audit.commands.WritingCommand.)"""

import json

from django.core.management.base import CommandError

from lindungi.core.errors import LindungiError


def emit(command, summary: dict, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(summary, sort_keys=True, default=str))
        return
    for key, value in summary.items():
        command.stdout.write(f"{key}: {value}")


def fail(error: LindungiError) -> CommandError:
    return CommandError(f"{error.code}: {error.message}")
