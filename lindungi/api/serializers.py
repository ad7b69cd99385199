from rest_framework import serializers

from lindungi.contributions.models import Invoice, InvoiceLine
from lindungi.core.permissions import nik_shown_to
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Decision, Programme
from lindungi.regions.models import Regency
from lindungi.registry.models import CandidateImport, Person


class NikField(serializers.CharField):
    """A NIK or KK number as the requesting user may see it: in full for a role whose work needs
    it, masked (`core.permissions.mask_nik`) otherwise (issue 12.8)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        request = self.context.get("request")
        return nik_shown_to(getattr(request, "user", None))(super().to_representation(value))


class RegencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Regency
        fields = ["code", "code_nik", "province", "name", "type", "centroid_lat", "centroid_lng"]


class PersonSerializer(serializers.ModelSerializer):
    nik = NikField()
    kk_number = NikField()

    class Meta:
        model = Person
        fields = [
            "nik",
            "kk_number",
            "full_name",
            "sex",
            "birth_place",
            "birth_date",
            "village",
            "regency",
            "occupation",
            "desil",
            "poverty_label",
            "died_on",
            "source_edition",
        ]


class CandidateImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = CandidateImport
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "source",
            "edition",
            "regency",
            "status",
            "created_at",
            "finished_at",
            "rows_read",
            "rows_accepted",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "reason_counts",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "province",
            "regency",
            "year",
            "coverage_start",
            "coverage_end",
            "package",
            "income_basis",
            "target_headcount",
            "status",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    nik = NikField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "run",
            "nik",
            "regency",
            "desil",
            "poverty_label",
            "age",
            "reasons",
            "rank",
            "outcome",
            "cohort",
        ]


class EnrollmentSerializer(serializers.ModelSerializer):
    nik = NikField(source="person.nik")

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "nik",
            "programme",
            "cohort",
            "regency",
            "state",
            "kpj",
            "start_date",
            "end_date",
            "end_reason",
            "ended_on",
        ]


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "number",
            "payer",
            "programme",
            "month",
            "due_date",
            "headcount",
            "jkk",
            "jkm",
            "jht",
            "adjustments",
            "total",
            "issued_at",
        ]


class InvoiceLineSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    month = serializers.DateField(source="invoice.month", read_only=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "month",
            "kind",
            "regency",
            "cohort",
            "service_month",
            "headcount",
            "jkk",
            "jkm",
            "jht",
            "total",
        ]


class PublicRegencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    candidates = serializers.IntegerField(
        allow_null=True, help_text="Null when under 10 (suppressed)."
    )
    covered = serializers.IntegerField(
        allow_null=True, help_text="Null when under 10 (suppressed)."
    )
