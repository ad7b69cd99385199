"""Files exchanged with the insurer and imports, with their rejected rows as read."""

from rest_framework import serializers

from lindungi.benefits.models import ClaimImport, RejectedClaimRow
from lindungi.contributions.models import StatementImport, StatementLine, StatementRejectedRow
from lindungi.enrollment.models import (
    ExitImport,
    RejectedExitRow,
    RejectedResponseRow,
    ResponseImport,
    SubmissionBatch,
)
from lindungi.registry.models import RejectedRow

# Every rejected row: its number as a spreadsheet shows it, the cells as read, the reason.
REJECT_FIELDS = ["id", "row_number", "original", "reason", "message", "nik"]


class CandidateRejectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["candidate_import", *REJECT_FIELDS, "related_nik"]


class ResponseRejectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedResponseRow
        fields = ["response", *REJECT_FIELDS]


class ExitRejectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedExitRow
        fields = ["exit_import", *REJECT_FIELDS]


class ClaimRejectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedClaimRow
        fields = ["claim_import", *REJECT_FIELDS, "claim_number"]


class StatementRejectSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="code")

    class Meta:
        model = StatementRejectedRow
        fields = ["id", "statement", "row_number", "original", "reason", "kpj", "nik"]


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionBatch
        fields = [
            "id",
            "number",
            "programme",
            "status",
            "start_date",
            "file_name",
            "checksum",
            "people",
            "regency_totals",
            "monthly_contribution",
            "created_at",
            "sent_at",
            "closed_at",
        ]


class ResponseFileSerializer(serializers.ModelSerializer):
    batch_number = serializers.CharField(source="batch.number", read_only=True)

    class Meta:
        model = ResponseImport
        fields = [
            "id",
            "batch",
            "batch_number",
            "file_name",
            "file_sha256",
            "created_at",
            "rows_read",
            "rows_activated",
            "rows_refused",
            "rows_unchanged",
            "rows_rejected",
            "replacements",
            "reason_counts",
        ]


class ExitImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExitImport
        fields = [
            "id",
            "kind",
            "file_name",
            "file_sha256",
            "regency",
            "created_at",
            "rows_read",
            "rows_ended",
            "rows_unchanged",
            "rows_rejected",
            "past_dated",
            "replacements",
            "places_ended",
            "reason_counts",
        ]


class ClaimImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimImport
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "created_at",
            "rows_read",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "claims_touched",
            "reason_counts",
        ]


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementImport
        fields = [
            "id",
            "programme",
            "month",
            "payer",
            "version",
            "is_current",
            "supersedes",
            "content_hash",
            "file_name",
            "rows_read",
            "rows_rejected",
            "insurer_total",
            "expected_total",
            "imported_at",
        ]


class CategorySummarySerializer(serializers.Serializer):
    category = serializers.CharField(help_text="Empty on the total row, which comes last.")
    count = serializers.IntegerField()
    insurer = serializers.IntegerField(help_text="Rupiah billed by the insurer")
    expected = serializers.IntegerField(help_text="Rupiah expected from our coverage")
    open = serializers.IntegerField(help_text="Lines not resolved yet")


class StatementDetailSerializer(StatementSerializer):
    """One statement with its reconciliation result per category (of the lines you may see)."""

    categories = CategorySummarySerializer(many=True, read_only=True, source="summary")

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "categories"]


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = [
            "id",
            "statement",
            "row_number",
            "kpj",
            "nik",
            "regency",
            "enrollment",
            "category",
            "insurer_amount",
            "expected_amount",
            "resolved",
            "resolution_note",
            "resolved_at",
        ]
