"""`lindungi create_api_client NAME --role ROLE [--region CODE] --as USERNAME`: a system client
for the REST and DCI APIs. Prints its token once: it is stored only as a hash."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lindungi.api.choices import ClientRole
from lindungi.api.services import create_api_client
from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError


class Command(BaseCommand):
    help = "Create an API client (REST and DCI) and print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=ClientRole.values)
        parser.add_argument("--region", default=None, help="Regency code for a regency client")
        parser.add_argument(
            "--as", dest="acting", required=True, help="Username of the administrator acting"
        )
        parser.add_argument("--signing-key", default="", help="File with an Ed25519 public key")

    def handle(self, *args, name, role, region, acting, signing_key, **options):
        user = get_user_model().objects.filter(username=acting, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {acting!r}.")
        key = ""
        if signing_key:
            with open(signing_key, encoding="ascii") as handle:
                key = handle.read()
        try:
            with audit_context(source="command", reference="create_api_client", user_id=user.pk):
                client, token = create_api_client(
                    user=user, name=name, role=role, regency=region, signing_key=key
                )
        except LindungiError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        except PermissionDenied:
            raise CommandError(f"{acting} may not manage API clients.") from None
        self.stdout.write(f"client: {client.name} ({client.get_role_display()})")
        self.stdout.write(f"token: {token}")
        self.stdout.write("Keep the token now: it is not stored and cannot be shown again.")
