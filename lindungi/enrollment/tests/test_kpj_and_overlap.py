"""A KPJ is a person's for life: reused by them in a later programme, never given to another.
And a response that would open a second coverage period for a person is refused row by row."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from lindungi.enrollment.batches import make_submission
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment, EnrollmentEvent, RejectedResponseRow
from lindungi.enrollment.responses import import_insurer_response
from lindungi.programs.choices import FundingSource, PayerType
from lindungi.programs.models import Programme
from lindungi.programs.tests.helpers import cohort_with_payer
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date
HEADER = "NIK,KPJ,STATUS,ALASAN,TANGGAL_EFEKTIF,NOMOR_BATCH\n"
KPJ_A = "12345678901"


@pytest.fixture
def people():
    return PersonFactory(), PersonFactory()


@pytest.fixture
def programme_2026(db):
    return Programme.objects.create(
        name="Perlindungan Pekerja Rentan NTT 2026",
        province_id="53",
        year=2026,
        coverage_start=D(2026, 1, 1),
        coverage_end=D(2026, 12, 31),
        target_headcount=100,
    )


@pytest.fixture
def cohort_2026(programme_2026):
    return cohort_with_payer(
        programme=programme_2026,
        name="APBD Provinsi NTT 2026",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=100,
    )


def _place(person, programme, cohort, **fields):
    return Enrollment.objects.create(
        person=person, programme=programme, cohort=cohort, regency_id=person.regency_id, **fields
    )


def _covered_2025(person, programme, cohort, *, ended: bool):
    """Person A's 2025 place with KPJ_A: ended on 31 December, or still running."""
    extra = (
        {
            "state": EnrollmentState.ENDED,
            "end_date": D(2025, 12, 31),
            "ended_on": D(2025, 12, 31),
            "end_reason": ExitReason.PROGRAMME_ENDED,
        }
        if ended
        else {"state": EnrollmentState.ACTIVE}
    )
    return _place(person, programme, cohort, kpj=KPJ_A, start_date=D(2025, 7, 18), **extra)


def _batch_2026(people, programme_2026, cohort_2026, user):
    for person in people:
        _place(person, programme_2026, cohort_2026)
    return make_submission(user=user, programme=programme_2026, start_date=D(2026, 1, 1))


def _respond(user, batch, body):
    return import_insurer_response(
        user=user, file_name="jawaban.csv", content=(HEADER + body).encode(), batch=batch
    )


def _state(person, programme):
    return Enrollment.objects.filter(person=person, programme=programme).values_list(
        "state", "kpj", "start_date"
    )[0]


@pytest.mark.django_db
class TestKpjForLife:
    def test_same_person_reuses_their_kpj_in_the_next_programme(
        self, people, programme, cohort, programme_2026, cohort_2026, insurer_liaison
    ):
        a, _b = people
        _covered_2025(a, programme, cohort, ended=True)
        batch = _batch_2026([a], programme_2026, cohort_2026, insurer_liaison)
        response = _respond(insurer_liaison, batch, f"{a.nik},{KPJ_A},DITERIMA,,2026-01-01,\n")
        assert (response.rows_activated, response.rows_rejected) == (1, 0)
        assert _state(a, programme_2026) == (EnrollmentState.ACTIVE, KPJ_A, D(2026, 1, 1))
        assert list(
            Enrollment.objects.filter(kpj=KPJ_A)
            .order_by("programme__year")
            .values_list("person_id", "programme__year")
        ) == [(a.pk, 2025), (a.pk, 2026)]

    def test_kpj_of_one_person_is_refused_for_another(
        self, people, programme, cohort, programme_2026, cohort_2026, insurer_liaison
    ):
        a, b = people
        _covered_2025(a, programme, cohort, ended=True)
        batch = _batch_2026([b], programme_2026, cohort_2026, insurer_liaison)
        events_before = EnrollmentEvent.objects.count()
        with translation.override("en"):
            response = _respond(insurer_liaison, batch, f"{b.nik},{KPJ_A},DITERIMA,,2026-01-01,\n")
        assert (response.rows_read, response.rows_activated, response.rows_rejected) == (1, 0, 1)
        assert response.reason_counts == {"kpj_taken": 1}
        rejected = RejectedResponseRow.objects.get(response=response)
        assert (rejected.row_number, rejected.reason, rejected.nik) == (2, "kpj_taken", b.nik)
        assert rejected.message == "KPJ already belongs to another person"
        assert _state(b, programme_2026) == (EnrollmentState.SUBMITTED, None, D(2026, 1, 1))
        assert EnrollmentEvent.objects.count() == events_before

    def test_database_refuses_one_kpj_twice_in_a_programme(self, people, programme, cohort):
        a, b = people
        _place(
            a, programme, cohort, state=EnrollmentState.ACTIVE, kpj=KPJ_A, start_date=D(2025, 8, 1)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            _place(
                b,
                programme,
                cohort,
                state=EnrollmentState.ACTIVE,
                kpj=KPJ_A,
                start_date=D(2025, 8, 1),
            )
        assert list(Enrollment.objects.values_list("person_id", flat=True)) == [a.pk]


@pytest.mark.django_db
class TestOverlapInResponse:
    def test_activation_overlapping_running_coverage_is_rejected_and_nothing_changes(
        self, people, programme, cohort, programme_2026, cohort_2026, insurer_liaison
    ):
        a, b = people
        # A's 2025 place never ended, so a 2026 start would give A two coverage periods.
        _covered_2025(a, programme, cohort, ended=False)
        batch = _batch_2026([a, b], programme_2026, cohort_2026, insurer_liaison)
        events_before = EnrollmentEvent.objects.count()
        response = _respond(
            insurer_liaison,
            batch,
            f"{a.nik},{KPJ_A},DITERIMA,,2026-01-01,\n{b.nik},10987654321,DITERIMA,,2026-01-01,\n",
        )
        assert (response.rows_read, response.rows_activated, response.rows_rejected) == (2, 1, 1)
        assert response.reason_counts == {"coverage_overlap": 1}
        rejected = RejectedResponseRow.objects.get(response=response)
        assert (rejected.row_number, rejected.nik) == (2, a.nik)
        assert rejected.original == {
            "NIK": a.nik,
            "KPJ": KPJ_A,
            "STATUS": "DITERIMA",
            "ALASAN": "",
            "TANGGAL_EFEKTIF": "2026-01-01",
            "NOMOR_BATCH": "",
        }
        assert _state(a, programme_2026) == (EnrollmentState.SUBMITTED, None, D(2026, 1, 1))
        assert _state(a, programme) == (EnrollmentState.ACTIVE, KPJ_A, D(2025, 7, 18))
        assert _state(b, programme_2026) == (EnrollmentState.ACTIVE, "10987654321", D(2026, 1, 1))
        assert EnrollmentEvent.objects.count() == events_before + 1
