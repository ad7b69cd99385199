"""Payers are programme records now (programs 0008): only Django's state changes here; the
table (contributions_payer) and the foreign keys pointing at it stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0008_merge_20261204_0218"),
        ("programs", "0011_payer_records_and_funding_shares"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="payer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="programs.payer",
                    ),
                ),
                migrations.AlterField(
                    model_name="appropriation",
                    name="payer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appropriations",
                        to="programs.payer",
                    ),
                ),
                migrations.AlterField(
                    model_name="statementimport",
                    name="payer",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programs.payer",
                    ),
                ),
                migrations.DeleteModel(name="Payer"),
            ],
            database_operations=[],
        ),
    ]
