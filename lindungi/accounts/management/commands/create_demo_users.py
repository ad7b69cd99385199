from django.conf import settings
from django.core.management.base import BaseCommand

from lindungi.accounts.services import create_demo_users


class Command(BaseCommand):
    help = "Create the demo logins (one per role) if they do not exist, and print them."

    def handle(self, *args, **options):
        results = create_demo_users()
        self.stdout.write(f"Demo logins (password: {settings.LINDUNGI_DEMO_PASSWORD}):")
        for login, created in results:
            scope = f" ({login.regency_code})" if login.regency_code else ""
            state = "created" if created else "exists"
            self.stdout.write(f"  {login.username:<10} {login.role}{scope} [{state}]")
