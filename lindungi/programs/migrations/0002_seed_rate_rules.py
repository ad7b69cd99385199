"""Seed the contribution rate table with the rules of DOMAIN.md §2."""

from datetime import date

from django.db import migrations

PP44 = "PP 44/2015 (JKK, JKM), amended by PP 82/2019; Permenaker 5/2021"
PP46 = "PP 46/2015 (JHT); Permenaker 5/2021"
PP49 = "PP 49/2020: 99% relief on JKK and JKM for contribution months August 2020 - January 2021"
PP50 = "PP 50/2025: JKK and JKM halved; not when the contribution is paid from APBN/APBD"

RULES = [
    # Base rates in force since the 2015 regulations.
    dict(
        component="JKK",
        kind="percent_of_basis",
        value=100,
        effective_from=date(2015, 7, 1),
        legal_basis=PP44,
    ),
    dict(
        component="JKM",
        kind="fixed_amount",
        value=6_800,
        effective_from=date(2015, 7, 1),
        legal_basis=PP44,
    ),
    dict(
        component="JHT",
        kind="percent_of_basis",
        value=200,
        effective_from=date(2015, 7, 1),
        legal_basis=PP46,
    ),
    # PP 49/2020: one percent of JKK and JKM remained payable.
    *[
        dict(
            component=component,
            kind="discount",
            value=100,
            effective_from=date(2020, 8, 1),
            effective_to=date(2021, 1, 31),
            legal_basis=PP49,
        )
        for component in ("JKK", "JKM")
    ],
    # PP 50/2025: transport workers January 2026 - March 2027, other sectors April - December 2026.
    *[
        dict(
            component=component,
            kind="discount",
            value=5_000,
            effective_from=date(2026, 1, 1),
            effective_to=date(2027, 3, 31),
            only_sector="transport",
            excluded_funding_sources=["APBN", "APBD"],
            legal_basis=PP50,
        )
        for component in ("JKK", "JKM")
    ],
    *[
        dict(
            component=component,
            kind="discount",
            value=5_000,
            effective_from=date(2026, 4, 1),
            effective_to=date(2026, 12, 31),
            except_sector="transport",
            excluded_funding_sources=["APBN", "APBD"],
            legal_basis=PP50,
        )
        for component in ("JKK", "JKM")
    ],
]


def seed(apps, schema_editor):
    RateRule = apps.get_model("programs", "RateRule")
    RateRule.objects.bulk_create([RateRule(**rule) for rule in RULES])


def unseed(apps, schema_editor):
    apps.get_model("programs", "RateRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
