"""Cohorts and payers: payers are records, and a cohort's cost is split by its funding shares,
which may change from a month (`programs.models.FundingShare`, issue 13).

A funding row is one share as stored: the payer, its share in basis points (10,000: all) and the
first month it applies to; a cohort's shares with the same `from_month` add up to 10,000.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindungi.programs.models import Cohort, FundingShare, Payer


class FundingSerializer(serializers.Serializer):
    """One payer's part of a cohort's cost, from a month on."""

    cohort = serializers.IntegerField()
    programme = serializers.IntegerField()
    payer = serializers.IntegerField()
    payer_type = serializers.CharField()
    payer_name = serializers.CharField()
    payer_regency = serializers.CharField(allow_null=True)
    funding_source = serializers.CharField()
    from_month = serializers.DateField(help_text="First contribution month the share applies to")
    share_bp = serializers.IntegerField(help_text="Share of the cost in basis points (10000: all)")


def _rows(shares) -> list[dict]:
    return [
        {
            "cohort": share.cohort_id,
            "programme": share.cohort.programme_id,
            "payer": share.payer_id,
            "payer_type": share.payer.payer_type,
            "payer_name": share.payer.name,
            "payer_regency": share.payer.regency_id,
            "funding_source": share.payer.funding_source,
            "from_month": share.from_month,
            "share_bp": share.share_bp,
        }
        for share in shares
    ]


def cohort_funding(cohort: Cohort) -> list[dict]:
    """Who pays for the cohort's places, and how much of the cost each bears, month by month."""
    shares = FundingShare.objects.filter(cohort=cohort).select_related("payer", "cohort")
    return _rows(shares.order_by("from_month", "payer_id"))


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
        fields = ["id", "payer_type", "name", "funding_source", "regency", "funding"]

    @extend_schema_field(FundingSerializer(many=True))
    def get_funding(self, payer: Payer) -> list:
        """The cohorts this payer pays for, with its share of each (payers are a short list)."""
        shares = FundingShare.objects.filter(payer=payer).select_related("payer", "cohort")
        rows = _rows(shares.order_by("cohort__programme_id", "cohort__position", "from_month"))
        return FundingSerializer(rows, many=True).data
