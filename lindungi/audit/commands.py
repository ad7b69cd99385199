"""The one base of every management command that writes: `--as USERNAME` names the acting
user, who is passed to the services (which check the permission themselves) and recorded in
the audit trail through the command's audit context.

    class Command(WritingCommand):
        def add_command_arguments(self, parser): ...
        def act(self, *args, user, **options): ...   # call one service with user=user

Bootstrap commands that run before any user exists (`load_regions`, `create_demo_users`) and
read-only ones (`verify_audit`, `generate_candidates`) stay plain BaseCommands.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError


def find_acting_user(username: str):
    """The active user of that name, or a CommandError saying there is none."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user %(name)s (--as USERNAME).") % {"name": username})
    return user


class WritingCommand(BaseCommand):
    """A command that changes data: acts as `--as USERNAME`, audited as a command."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as",
            dest="acting_username",
            required=True,
            metavar="USERNAME",
            help="the user this command acts as (checked and recorded in the audit trail)",
        )
        self.add_command_arguments(parser)

    def add_command_arguments(self, parser: CommandParser) -> None:
        """The command's own arguments."""

    def handle(self, *args: Any, acting_username: str, **options: Any) -> str | None:
        user = find_acting_user(acting_username)
        name = self.__module__.rsplit(".", 1)[-1]
        try:
            with audit_context(source="command", reference=name, user_id=user.pk):
                return self.act(*args, user=user, **options)
        except PermissionDenied:
            raise CommandError(
                _("User %(name)s may not do this.") % {"name": acting_username}
            ) from None
        except LindungiError as error:
            raise CommandError(f"{error.code}: {error.message}") from None

    def act(self, *args: Any, user: Any, **options: Any) -> str | None:
        raise NotImplementedError
