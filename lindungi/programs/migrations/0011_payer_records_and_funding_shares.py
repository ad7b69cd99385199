"""Payers become programme records with a funding source; cohorts get funding shares.

The payer table keeps its name (contributions_payer): only Django's state moves to this app
(contributions 0004 points its foreign keys here). Each cohort's payer-name text fields become
funding shares from the programme's first month, through the payer records billing had already
created from the same names, so earlier invoices keep pointing at the same payers.
"""

import django.db.models.deletion
from django.db import migrations, models


def shares_from_text_fields(apps, schema_editor):
    payer_model = apps.get_model("programs", "Payer")
    cohort_model = apps.get_model("programs", "Cohort")
    share_model = apps.get_model("programs", "FundingShare")
    regency_model = apps.get_model("regions", "Regency")

    def payer(payer_type, name, regency_id, funding_source, province_id):
        record, _created = payer_model.objects.get_or_create(
            payer_type=payer_type,
            name=name,
            defaults={"regency_id": regency_id, "funding_source": funding_source},
        )
        record.funding_source = funding_source
        if payer_type == "province":
            record.province_id = province_id
        record.save(update_fields=["funding_source", "province_id"])
        return record

    shares = []
    for cohort in cohort_model.objects.select_related("programme").order_by("pk"):
        programme = cohort.programme
        province_id = programme.province_id or (
            regency_model.objects.get(code=programme.regency_id).province_id
        )
        month = programme.coverage_start.replace(day=1)
        second_bp = cohort.second_payer_share_bp if cohort.second_payer_name else 0
        first = payer(
            cohort.payer_type,
            cohort.payer_name,
            cohort.payer_regency_id,
            cohort.funding_source,
            province_id,
        )
        if second_bp < 10_000:
            shares.append(
                share_model(cohort=cohort, payer=first, from_month=month, share_bp=10_000 - second_bp)
            )
        if second_bp:
            second = payer(
                cohort.second_payer_type or cohort.payer_type,
                cohort.second_payer_name,
                cohort.second_payer_regency_id,
                cohort.second_funding_source or cohort.funding_source,
                province_id,
            )
            shares.append(
                share_model(cohort=cohort, payer=second, from_month=month, share_bp=second_bp)
            )
    share_model.objects.bulk_create(shares)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0010_merge_integrity_with_main"),
        ("regions", "0002_boundaries_and_successor_codes"),
        ("contributions", "0008_merge_20261204_0218"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Payer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "payer_type",
                            models.CharField(
                                choices=[
                                    ("province", "Province"),
                                    ("regency", "Regency/city"),
                                    ("village", "Village (village fund)"),
                                    ("csr_company", "Company (CSR)"),
                                    ("worker", "The worker"),
                                ],
                                max_length=20,
                                verbose_name="payer type",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "regency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="regions.regency",
                            ),
                        ),
                    ],
                    options={"db_table": "contributions_payer", "ordering": ["payer_type", "name"]},
                ),
                migrations.AddConstraint(
                    model_name="payer",
                    constraint=models.UniqueConstraint(
                        fields=("payer_type", "name"), name="contrib_payer_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="payer",
            name="funding_source",
            field=models.CharField(
                choices=[
                    ("APBD", "Regional budget (APBD)"),
                    ("APBN", "State budget (APBN)"),
                    ("village_fund", "Village fund"),
                    ("CSR", "Company CSR"),
                    ("self", "The worker"),
                ],
                default="APBD",
                max_length=20,
                verbose_name="funding source",
            ),
        ),
        migrations.AddField(
            model_name="payer",
            name="province",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.province",
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("active", "Active"),
                    ("closing", "Closing"),
                    ("closed", "Closed"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="FundingShare",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_month", models.DateField()),
                ("share_bp", models.PositiveIntegerField()),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="funding_shares",
                        to="programs.cohort",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="funding_shares",
                        to="programs.payer",
                    ),
                ),
            ],
            options={"ordering": ["cohort", "from_month", "payer"]},
        ),
        migrations.AddConstraint(
            model_name="fundingshare",
            constraint=models.UniqueConstraint(
                fields=("cohort", "from_month", "payer"), name="programs_share_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingshare",
            constraint=models.CheckConstraint(
                condition=models.Q(("share_bp__gte", 1), ("share_bp__lte", 10000)),
                name="programs_share_within_whole",
            ),
        ),
        migrations.RunPython(shares_from_text_fields, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="cohort", name="programs_cohort_share_at_most_whole"
        ),
        migrations.RemoveConstraint(
            model_name="cohort", name="programs_cohort_share_needs_second_payer"
        ),
        migrations.RemoveField(model_name="cohort", name="funding_source"),
        migrations.RemoveField(model_name="cohort", name="payer_name"),
        migrations.RemoveField(model_name="cohort", name="payer_regency"),
        migrations.RemoveField(model_name="cohort", name="payer_type"),
        migrations.RemoveField(model_name="cohort", name="second_funding_source"),
        migrations.RemoveField(model_name="cohort", name="second_payer_name"),
        migrations.RemoveField(model_name="cohort", name="second_payer_regency"),
        migrations.RemoveField(model_name="cohort", name="second_payer_share_bp"),
        migrations.RemoveField(model_name="cohort", name="second_payer_type"),
    ]
