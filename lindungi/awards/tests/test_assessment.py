"""The self-assessment: own regency only, by the deadline, locked after submission, evidence
checked by content and size."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.audit.models import AuditEvent
from lindungi.awards import assessment
from lindungi.awards.choices import SubmissionStatus
from lindungi.awards.models import EnteredValue, Evidence

from .conftest import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    PDF_BYTES,
    PNG_BYTES,
    fill_and_submit,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def regulation(entry):
    return entry.category.criteria.get(code="regulasi")


def files_stored() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_an_officer_fills_in_their_own_regency_with_a_source(home_entry, regency_officer):
    saved = assessment.save_entered_value(
        user=regency_officer,
        entry=home_entry,
        criterion=regulation(home_entry),
        value="1",
        statement="Perda Kabupaten Alor No. 5 Tahun 2024",
        source="Lembaran Daerah Kabupaten Alor 2024",
        today=BEFORE_DEADLINE,
    )
    assert saved.value == 1
    event = AuditEvent.objects.get(action="awards.save_entered_value")
    assert event.changes["regulasi.source"] == [None, "Lembaran Daerah Kabupaten Alor 2024"]


def test_a_figure_without_its_source_is_refused(home_entry, regency_officer):
    with pytest.raises(assessment.InvalidInput, match="sebutkan sumber angka"):
        assessment.save_entered_value(
            user=regency_officer,
            entry=home_entry,
            criterion=regulation(home_entry),
            value="1",
            source=" ",
            today=BEFORE_DEADLINE,
        )
    assert not EnteredValue.objects.exists()


def test_a_figure_that_is_not_a_number_is_refused(home_entry, regency_officer):
    with pytest.raises(assessment.InvalidInput, match="bukan angka"):
        assessment.save_entered_value(
            user=regency_officer,
            entry=home_entry,
            criterion=regulation(home_entry),
            value="satu",
            source="SK Bupati",
            today=BEFORE_DEADLINE,
        )


def test_an_officer_cannot_fill_in_another_regency(other_entry, regency_officer):
    with pytest.raises(PermissionDenied):
        assessment.save_entered_value(
            user=regency_officer,
            entry=other_entry,
            criterion=regulation(other_entry),
            value="1",
            source="x",
            today=BEFORE_DEADLINE,
        )
    with pytest.raises(PermissionDenied):
        assessment.add_evidence(user=regency_officer, entry=other_entry, uploaded_file=pdf_upload())
    assert not EnteredValue.objects.exists()
    assert not files_stored()


def test_province_auditor_and_panel_do_not_fill_in_self_assessments(
    home_entry, province_officer, auditor, panel_users
):
    for user in (province_officer, auditor, panel_users[0]):
        with pytest.raises(PermissionDenied):
            assessment.submit_self_assessment(user=user, entry=home_entry, today=BEFORE_DEADLINE)


def test_submission_is_refused_while_entered_criteria_are_empty(home_entry, regency_officer):
    with pytest.raises(assessment.InvalidInput, match="Lengkapi sebelum mengirim"):
        assessment.submit_self_assessment(
            user=regency_officer, entry=home_entry, today=BEFORE_DEADLINE
        )
    home_entry.refresh_from_db()
    assert home_entry.status == SubmissionStatus.DRAFT


def test_after_the_deadline_nothing_can_be_changed_or_submitted(home_entry, regency_officer):
    with pytest.raises(assessment.InvalidTransition, match="Batas waktu"):
        fill_and_submit(home_entry, regency_officer, today=AFTER_DEADLINE)
    assert not EnteredValue.objects.exists()


def test_a_submitted_self_assessment_is_locked_until_the_panel_returns_it(
    home_entry, regency_officer, panel
):
    fill_and_submit(home_entry, regency_officer)
    with pytest.raises(assessment.InvalidTransition, match="terkunci"):
        assessment.save_entered_value(
            user=regency_officer,
            entry=home_entry,
            criterion=regulation(home_entry),
            value="2",
            source="x",
            today=BEFORE_DEADLINE,
        )
    with pytest.raises(assessment.InvalidTransition, match="terkunci"):
        assessment.add_evidence(
            user=regency_officer,
            entry=home_entry,
            uploaded_file=pdf_upload(),
            today=BEFORE_DEADLINE,
        )
    assert EnteredValue.objects.get(criterion__code="regulasi").value == 1
    assert not files_stored()

    with pytest.raises(assessment.InvalidInput, match="apa yang harus diperbaiki"):
        assessment.return_self_assessment(user=panel[0].user, entry=home_entry, note="")
    returned = assessment.return_self_assessment(
        user=panel[0].user, entry=home_entry, note="Lampirkan salinan perda yang ditandatangani."
    )
    assert returned.status == SubmissionStatus.RETURNED
    # Returned: correctable even after the deadline, then submitted again.
    assessment.save_entered_value(
        user=regency_officer,
        entry=home_entry,
        criterion=regulation(home_entry),
        value="2",
        source="Lembaran Daerah",
        today=AFTER_DEADLINE,
    )
    resubmitted = assessment.submit_self_assessment(
        user=regency_officer, entry=home_entry, today=AFTER_DEADLINE
    )
    assert resubmitted.status == SubmissionStatus.SUBMITTED


def test_a_regency_officer_cannot_return_a_self_assessment(home_entry, regency_officer):
    fill_and_submit(home_entry, regency_officer)
    with pytest.raises(PermissionDenied):
        assessment.return_self_assessment(user=regency_officer, entry=home_entry, note="x")


def test_a_pdf_and_a_png_are_kept_as_evidence(home_entry, regency_officer):
    first = assessment.add_evidence(
        user=regency_officer,
        entry=home_entry,
        criterion=regulation(home_entry),
        uploaded_file=pdf_upload(),
        today=BEFORE_DEADLINE,
    )
    second = assessment.add_evidence(
        user=regency_officer,
        entry=home_entry,
        uploaded_file=SimpleUploadedFile("foto.PNG", PNG_BYTES),
        today=BEFORE_DEADLINE,
    )
    assert (first.content_type, first.size) == ("application/pdf", len(PDF_BYTES))
    assert second.content_type == "image/png"
    assert len(files_stored()) == 2
    assert AuditEvent.objects.filter(action="awards.add_evidence").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("perda.pdf", b"MZ\x90\x00 an executable renamed", "file_type"),
        ("laporan.docx", b"PK\x03\x04 a word document", "file_type"),
        ("foto.pdf", PNG_BYTES, "file_name_mismatch"),
        ("kosong.pdf", b"", "file_empty"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_before_anything_is_stored(
    home_entry, regency_officer, name, content, code
):
    with pytest.raises(assessment.InvalidInput) as refused:
        assessment.add_evidence(
            user=regency_officer,
            entry=home_entry,
            uploaded_file=SimpleUploadedFile(name, content),
            today=BEFORE_DEADLINE,
        )
    assert refused.value.code == code
    assert name in refused.value.message
    assert not Evidence.objects.exists()
    assert not files_stored()


def test_evidence_over_the_size_limit_is_refused_with_the_limit(
    home_entry, regency_officer, settings
):
    settings.LINDUNGI_AWARD_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(assessment.InvalidInput) as refused:
        assessment.add_evidence(
            user=regency_officer,
            entry=home_entry,
            uploaded_file=pdf_upload(content=PDF_BYTES + b"0" * 2000),
            today=BEFORE_DEADLINE,
        )
    assert refused.value.code == "file_too_large"
    assert "paling besar 1,0\xa0KB" in refused.value.message
    assert not Evidence.objects.exists()
    assert not files_stored()


def test_a_criterion_holding_an_officers_figures_cannot_be_removed(
    home_entry, regency_officer, province_officer
):
    from lindungi.awards import services

    from .conftest import criteria_rows, regency_category

    assessment.save_entered_value(
        user=regency_officer,
        entry=home_entry,
        criterion=regulation(home_entry),
        value="1",
        source="Lembaran Daerah",
        today=BEFORE_DEADLINE,
    )
    rows = [row for row in criteria_rows() if row.code != "regulasi"]
    rows[0] = services.CriterionInput(
        code="cakupan-rentan", name="Cakupan", weight="55", scale_min=0, scale_max=100,
        kind="computed", computed="coverage_of_poor",
    )  # fmt: skip
    with pytest.raises(assessment.InvalidTransition) as refused:
        services.set_criteria(
            user=province_officer, category=regency_category(home_entry.category.period), rows=rows
        )
    assert refused.value.code == "criterion_in_use"
    assert EnteredValue.objects.filter(criterion__code="regulasi").count() == 1
