from django.core.management.base import BaseCommand

from lindungi.benefits.rules import load_benefit_rules


class Command(BaseCommand):
    help = "Load (or update) the benefit rules and the disability table from the bundled CSVs."

    def handle(self, *args, **options):
        rules, rates = load_benefit_rules()
        self.stdout.write(f"{rules} rules, {rates} disability rates")
