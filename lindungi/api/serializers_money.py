"""Payments, budgets, claims, the dashboard's figures and the Paritrana Award results."""

from rest_framework import serializers

from lindungi.awards.models import Entry
from lindungi.benefits.models import Claim, ClaimItem, Heir
from lindungi.contributions.models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    payer = serializers.IntegerField(source="invoice.payer_id", read_only=True)
    visible_amount = serializers.IntegerField(
        read_only=True,
        help_text="The whole amount, or a regency's share of it for a regency's reader.",
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "payer",
            "source",
            "paid_on",
            "amount",
            "visible_amount",
            "bank_reference",
            "recorded_at",
        ]


class PaymentInputSerializer(serializers.Serializer):
    """A bank transfer received against an invoice. The same reference twice changes nothing."""

    invoice = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    paid_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=1, max_value=10**15, help_text="Whole rupiah")
    bank_reference = serializers.CharField(max_length=100, trim_whitespace=True)


class ForecastSerializer(serializers.Serializer):
    months_left = serializers.IntegerField()
    guaranteed_until = serializers.CharField(help_text="YYYY-MM")
    runs_out_in = serializers.CharField(allow_null=True, help_text="YYYY-MM, null: lasts")
    max_headcount = serializers.IntegerField()


class BudgetSerializer(serializers.Serializer):
    payer = serializers.IntegerField()
    payer_name = serializers.CharField()
    payer_type = serializers.CharField()
    regency = serializers.CharField(allow_null=True)
    fiscal_year = serializers.IntegerField()
    appropriated = serializers.IntegerField(help_text="Budget (APBD) with amendments, rupiah")
    spent = serializers.IntegerField(help_text="Billed this fiscal year, rupiah")
    paid = serializers.IntegerField()
    remaining = serializers.IntegerField()
    headcount = serializers.IntegerField()
    monthly_cost = serializers.IntegerField()
    forecast = ForecastSerializer(allow_null=True)


class ClaimItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimItem
        fields = [
            "item",
            "child",
            "claimed_amount",
            "paid_amount",
            "paid_on",
            "computed_amount",
            "rule",
            "legal_basis",
        ]


class HeirSerializer(serializers.ModelSerializer):
    class Meta:
        model = Heir
        fields = ["position", "name", "relation", "birth_date", "school_level"]


class ClaimSerializer(serializers.ModelSerializer):
    nik = serializers.CharField(source="person.nik", read_only=True)
    items = ClaimItemSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "number",
            "source",
            "nik",
            "regency",
            "kpj",
            "kind",
            "consequence",
            "incident_date",
            "status",
            "refusal_reason",
            "verdict",
            "verdict_reasons",
            "enrollment",
            "programme",
            "cohort",
            "contribution_months",
            "assessed_on",
            "items",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    """One claim with its heirs (personal data: reading them is audited, as on the page)."""

    heirs = HeirSerializer(many=True, read_only=True, source="visible_heirs")

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "heirs"]


class FunnelSerializer(serializers.Serializer):
    candidates = serializers.IntegerField()
    eligible = serializers.IntegerField()
    selected = serializers.IntegerField()
    active = serializers.IntegerField()
    ended = serializers.IntegerField()


class RegencyFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    candidates = serializers.IntegerField()
    quota = serializers.IntegerField()
    eligible = serializers.IntegerField()
    selected = serializers.IntegerField()
    active = serializers.IntegerField()
    ended = serializers.IntegerField()
    covered = serializers.IntegerField()
    poor_population = serializers.IntegerField(allow_null=True)


class MonthFigureSerializer(serializers.Serializer):
    month = serializers.DateField()
    covered = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    refreshed_at = serializers.DateTimeField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    programme = serializers.IntegerField(allow_null=True)
    funnel = FunnelSerializer()
    regencies = RegencyFiguresSerializer(many=True)
    monthly = MonthFigureSerializer(many=True)


class AwardResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="category.period.year", read_only=True)
    period_status = serializers.CharField(source="category.period.status", read_only=True)
    category_kind = serializers.CharField(source="category.kind", read_only=True)
    final_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "year",
            "period_status",
            "category_kind",
            "regency",
            "name",
            "rank",
            "final_score",
        ]


class JobAcceptedSerializer(serializers.Serializer):
    """A file accepted for a background import: follow the job."""

    status = serializers.ChoiceField(choices=["queued", "duplicate"])
    job = serializers.IntegerField(allow_null=True)
    job_url = serializers.CharField(allow_null=True)
    existing = serializers.IntegerField(
        allow_null=True, help_text="The earlier import of the same file, when a duplicate."
    )
