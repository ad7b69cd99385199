"""Places the insurer refuses are refilled from the waitlist like exits, up to the cut-off
(issue 19, point 5)."""

import datetime

import pytest

from lindungi.enrollment.batches import make_submission
from lindungi.enrollment.choices import EnrollmentState, ReplacementMode
from lindungi.enrollment.models import BatchEntry, Enrollment
from lindungi.enrollment.responses import import_insurer_response
from lindungi.enrollment.services import enroll_selected, set_replacement_policy

D = datetime.date
HEADER = "NIK,KPJ,STATUS,ALASAN,TANGGAL_EFEKTIF,NOMOR_BATCH\n"


@pytest.fixture
def refused(approved_run, programme, province_officer):
    """Alor's rank-1 person refused by the insurer; the rest accepted."""
    enroll_selected(run=approved_run, user=province_officer)
    set_replacement_policy(
        user=province_officer,
        programme=programme,
        cutoff_date=D(2025, 10, 31),
        mode=ReplacementMode.AUTOMATIC,
    )
    batch = make_submission(user=province_officer, programme=programme, start_date=D(2025, 7, 18))
    place = Enrollment.objects.get(regency_id="53.05", decision__rank=1)
    lines = []
    for number, nik in enumerate(
        BatchEntry.objects.filter(batch=batch).order_by("nik").values_list("nik", flat=True), 1
    ):
        if nik == place.person.nik:
            lines.append(f"{nik},,DITOLAK,Data tidak sesuai,,")
        else:
            lines.append(f"{nik},{30_000_000_000 + number},DITERIMA,,2025-07-18,")
    return batch, place, (HEADER + "\n".join(lines) + "\n").encode()


@pytest.mark.django_db
def test_a_refused_place_is_refilled_before_the_cut_off(refused, insurer_liaison):
    batch, place, content = refused
    response = import_insurer_response(
        user=insurer_liaison, file_name="r.csv", content=content, batch=batch, on=D(2025, 7, 25)
    )
    assert (response.rows_refused, response.replacements) == (1, 1)
    place.refresh_from_db()
    assert place.state == EnrollmentState.REJECTED
    new = Enrollment.objects.get(replaces=place)
    assert (new.state, new.regency_id, new.decision.rank) == (EnrollmentState.SELECTED, "53.05", 4)


@pytest.mark.django_db
def test_no_refill_after_the_cut_off(refused, insurer_liaison):
    batch, place, content = refused
    response = import_insurer_response(
        user=insurer_liaison, file_name="r.csv", content=content, batch=batch, on=D(2025, 11, 3)
    )
    assert (response.rows_refused, response.replacements) == (1, 0)
    assert not Enrollment.objects.filter(replaces=place).exists()
