"""The regulation's rules and the partial-disability table, from the bundled CSVs."""

from django.db import migrations


def load(apps, schema_editor):
    from lindungi.benefits.rules import load_benefit_rules

    load_benefit_rules(
        rule_model=apps.get_model("benefits", "BenefitRule"),
        rate_model=apps.get_model("benefits", "DisabilityRate"),
    )


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_claims_rules_and_heirs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
