"""Cohorts and payers, as main stores them now (the payer fields of a cohort, `Payer` rows).

Kept apart from the other serializers on purpose: payers are becoming records with funding
shares (programs app), and this is the one module to adapt when they do.
"""

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindungi.contributions.models import Payer
from lindungi.programs.models import Cohort

WHOLE = 10_000  # basis points


class FundingSerializer(serializers.Serializer):
    """One payer's part of a cohort's cost."""

    cohort = serializers.IntegerField()
    programme = serializers.IntegerField()
    payer_type = serializers.CharField()
    payer_name = serializers.CharField()
    payer_regency = serializers.CharField(allow_null=True)
    funding_source = serializers.CharField()
    share_bp = serializers.IntegerField(help_text="Share of the cost in basis points (10000: all)")


def cohort_funding(cohort: Cohort) -> list[dict]:
    """Who pays for the cohort's places, and how much of the cost each bears."""
    second = cohort.second_payer_share_bp if cohort.second_payer_name else 0
    common = {"cohort": cohort.pk, "programme": cohort.programme_id}
    funding = [
        {
            **common,
            "payer_type": cohort.payer_type,
            "payer_name": cohort.payer_name,
            "payer_regency": cohort.payer_regency_id,
            "funding_source": cohort.funding_source,
            "share_bp": WHOLE - second,
        }
    ]
    if cohort.second_payer_name:
        funding.append(
            {
                **common,
                "payer_type": cohort.second_payer_type,
                "payer_name": cohort.second_payer_name,
                "payer_regency": cohort.second_payer_regency_id,
                "funding_source": cohort.second_funding_source,
                "share_bp": second,
            }
        )
    return funding


class CohortSerializer(serializers.ModelSerializer):
    funding = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = ["id", "programme", "name", "position", "headcount", "regency", "funding"]

    @extend_schema_field(FundingSerializer(many=True))
    def get_funding(self, cohort: Cohort) -> list:
        return FundingSerializer(cohort_funding(cohort), many=True).data


class PayerSerializer(serializers.ModelSerializer):
    funding = serializers.SerializerMethodField()

    class Meta:
        model = Payer
        fields = ["id", "payer_type", "name", "regency", "funding"]

    @extend_schema_field(FundingSerializer(many=True))
    def get_funding(self, payer: Payer) -> list:
        """The cohorts this payer pays for, with its share of each (payers are a short list)."""
        cohorts = Cohort.objects.filter(
            Q(payer_type=payer.payer_type, payer_name=payer.name)
            | Q(second_payer_type=payer.payer_type, second_payer_name=payer.name)
        ).order_by("programme_id", "position", "id")
        rows = [
            row
            for cohort in cohorts
            for row in cohort_funding(cohort)
            if (row["payer_type"], row["payer_name"]) == (payer.payer_type, payer.name)
        ]
        return FundingSerializer(rows, many=True).data
