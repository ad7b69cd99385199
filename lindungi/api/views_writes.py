"""A partner's file uploads (issue 16.2): the insurer's responses, exits and death lists,
statements and claim files, through the same services and audit as the pages.

Where the page runs a background job, so does the API: the answer is 202 with the job's API
URL (`GET /api/jobs/{id}/`). The claim file is imported at once, as on its page. The same
file posted again (same content, same scope) changes nothing: the answer is 200 with the
earlier import, and no job is queued.
"""

import hashlib

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungi.api import serializers_files as files
from lindungi.api import serializers_money as money
from lindungi.api.errors import BadParameter
from lindungi.api.filters import refuse_unknown
from lindungi.api.permissions import ReadsByAction, WritesByAction, acting
from lindungi.benefits.importing import import_claims
from lindungi.benefits.models import ClaimImport
from lindungi.contributions.models import Payer, StatementImport
from lindungi.contributions.reconciliation import start_statement_import
from lindungi.core.dates import Month
from lindungi.core.permissions import Action, regency_scope
from lindungi.enrollment.models import ExitImport, ResponseImport, SubmissionBatch
from lindungi.enrollment.uploads import start_exits_job, start_response_job
from lindungi.jobs import selectors as job_selectors
from lindungi.jobs.models import Job
from lindungi.programs.models import Programme

# The claim file is read in the request (as on its page): the page's limit applies.
MAX_CLAIM_FILE = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".xlsm")


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def queued(job) -> Response:
    body = {
        "status": "queued",
        "job": job.pk,
        "job_url": reverse("api:job-detail", kwargs={"pk": job.pk}),
        "existing": None,
    }
    return Response(body, status=status.HTTP_202_ACCEPTED)


def duplicate(existing_pk: int) -> Response:
    body = {"status": "duplicate", "job": None, "job_url": None, "existing": existing_pk}
    return Response(body, status=status.HTTP_200_OK)


class UploadView(APIView):
    permission_classes = [WritesByAction]
    parser_classes = [MultiPartParser, FormParser]
    required_action: Action | None = None  # no GET: a POST-only endpoint
    write_action: Action | None = None
    input_serializer: type[serializers.Serializer]

    def valid(self, request: Request) -> dict:
        given = self.input_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        if not (upload.name or "").lower().endswith(SUFFIXES):
            raise BadParameter("file", "file_type", "Upload a CSV or XLSX file.")
        return given.validated_data


class ResponseUpload(serializers.Serializer):
    file = serializers.FileField(help_text="The insurer's response file (CSV or XLSX)")
    batch = serializers.CharField(
        required=False, max_length=30, help_text="The submission batch's number, if known"
    )


class ResponseUploadView(UploadView):
    """Upload an insurer response file; it is applied by a background job."""

    write_action = Action.EXCHANGE_INSURER_FILES
    input_serializer = ResponseUpload

    @extend_schema(
        request={"multipart/form-data": ResponseUpload},
        responses={202: money.JobAcceptedSerializer, 200: money.JobAcceptedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(request)
        batch = None
        if data.get("batch"):
            batch = SubmissionBatch.objects.filter(number=data["batch"]).first()
            if batch is None:
                raise BadParameter("batch", "not_found", "No such submission batch.")
        sha = file_sha256(data["file"])
        earlier = ResponseImport.objects.filter(file_sha256=sha).order_by("id").first()
        if earlier is not None:
            return duplicate(earlier.pk)
        job = start_response_job(user=request.user, uploaded_file=data["file"], batch=batch)
        return queued(job)


class ExitUpload(serializers.Serializer):
    file = serializers.FileField(help_text="Exits (CSV or XLSX)")
    kind = serializers.ChoiceField(
        choices=["exits", "deaths"], default="exits", help_text="Exits or a civil death list"
    )


class ExitUploadView(UploadView):
    """Upload exits or a death list; a regency's client can only end its own regency's
    places (the import rejects other regencies' rows)."""

    write_action = Action.RECORD_EXIT
    input_serializer = ExitUpload

    @extend_schema(
        request={"multipart/form-data": ExitUpload},
        responses={202: money.JobAcceptedSerializer, 200: money.JobAcceptedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(request)
        sha = file_sha256(data["file"])
        earlier = (
            ExitImport.objects.filter(
                file_sha256=sha, kind=data["kind"], regency_id=regency_scope(request.user)
            )
            .order_by("id")
            .first()
        )
        if earlier is not None:
            return duplicate(earlier.pk)
        job = start_exits_job(
            user=request.user, uploaded_file=data["file"], deaths=data["kind"] == "deaths"
        )
        return queued(job)


class StatementUpload(serializers.Serializer):
    file = serializers.FileField(help_text="The insurer's statement (CSV or XLSX)")
    programme = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    payer = serializers.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647, help_text="Empty: all payers"
    )


class StatementUploadView(UploadView):
    """Upload the insurer's statement for a programme and month; reconciled by a job."""

    write_action = Action.MANAGE_BILLING
    input_serializer = StatementUpload

    @extend_schema(
        request={"multipart/form-data": StatementUpload},
        responses={202: money.JobAcceptedSerializer, 200: money.JobAcceptedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(request)
        programme = Programme.objects.filter(pk=data["programme"]).first()
        if programme is None:
            raise BadParameter("programme", "not_found", "No such programme.")
        payer = None
        if data.get("payer"):
            payer = Payer.objects.filter(pk=data["payer"]).first()
            if payer is None:
                raise BadParameter("payer", "not_found", "No such payer.")
        month = Month.parse(data["month"])
        sha = file_sha256(data["file"])
        earlier = StatementImport.objects.filter(
            programme=programme, month=month.first_day, payer=payer, content_hash=sha
        ).first()
        if earlier is not None:
            return duplicate(earlier.pk)
        job = start_statement_import(
            user=request.user,
            uploaded_file=data["file"],
            programme=programme,
            month=month,
            payer=payer,
        )
        return queued(job)


class ClaimUpload(serializers.Serializer):
    file = serializers.FileField(help_text="The insurer's claim file (CSV or XLSX, 20 MB)")


class ClaimUploadView(UploadView):
    """Upload the insurer's claim file; it is read at once (as on its page)."""

    write_action = Action.EXCHANGE_INSURER_FILES
    input_serializer = ClaimUpload

    @extend_schema(
        request={"multipart/form-data": ClaimUpload},
        responses={201: files.ClaimImportSerializer, 200: files.ClaimImportSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = self.valid(request)["file"]
        if upload.size > MAX_CLAIM_FILE:
            raise BadParameter("file", "file_too_large", "The file is larger than 20 MB.")
        content = upload.read()
        sha = hashlib.sha256(content).hexdigest()
        earlier = ClaimImport.objects.filter(file_sha256=sha).order_by("id").first()
        if earlier is not None:
            return Response(files.ClaimImportSerializer(earlier).data, status=status.HTTP_200_OK)
        with acting(request):
            result = import_claims(user=request.user, file_name=upload.name, content=content)
        return Response(files.ClaimImportSerializer(result).data, status=status.HTTP_201_CREATED)


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()
    is_finished = serializers.BooleanField()
    progress = serializers.DictField()
    result = serializers.JSONField(allow_null=True)
    error = serializers.CharField(allow_blank=True, allow_null=True)
    regency = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    started_at = serializers.CharField(allow_null=True)
    finished_at = serializers.CharField(allow_null=True)


class JobView(APIView):
    """A background job the caller may see (its own regency's, for a regency's reader)."""

    permission_classes = [ReadsByAction]
    required_action = None

    @extend_schema(responses=JobSerializer)
    def get(self, request: Request, pk: int) -> Response:
        refuse_unknown(request, {})
        try:
            job = job_selectors.get_job(user=request.user, job_id=pk)
        except Job.DoesNotExist:
            raise Http404 from None
        return Response(JobSerializer(job_selectors.job_as_dict(job)).data)
