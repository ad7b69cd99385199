"""Deaths reach the registry and end the places of the deceased (issue 19, point 1)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.enrollment.batches import make_submission
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.deaths import import_death_list, record_death
from lindungi.enrollment.exits import import_exits
from lindungi.enrollment.models import Enrollment, RejectedExitRow
from lindungi.enrollment.services import enroll_selected, record_exit
from lindungi.registry.choices import DeathSource
from lindungi.registry.models import Person
from lindungi.registry.services import record_deaths
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date
TODAY = D(2025, 9, 15)


@pytest.fixture
def places(approved_run, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    for number, place in enumerate(Enrollment.objects.order_by("pk"), start=1):
        Enrollment.objects.filter(pk=place.pk).update(
            state=EnrollmentState.ACTIVE, kpj=f"{number:011d}", start_date=D(2025, 7, 18)
        )
    return list(Enrollment.objects.order_by("pk").select_related("person"))


def _person(place):
    return Person.objects.get(pk=place.person_id)


@pytest.mark.django_db
class TestDeathsReachTheRegistry:
    def test_a_death_in_an_exit_file_marks_the_person_deceased(self, places, province_officer):
        content = f"NIK,ALASAN,TANGGAL\n{places[0].person.nik},meninggal,2025-08-03\n".encode()
        import_exits(user=province_officer, file_name="keluar.csv", content=content, today=TODAY)
        person = _person(places[0])
        assert (person.died_on, person.death_source, person.death_reference) == (
            D(2025, 8, 3),
            DeathSource.EXIT,
            "keluar.csv",
        )

    def test_a_death_on_the_exit_form_marks_the_person_deceased(self, places, province_officer):
        record_exit(
            user=province_officer,
            enrollment=places[1],
            reason=ExitReason.DEATH,
            ended_on=D(2025, 8, 9),
            on=TODAY,
        )
        assert _person(places[1]).died_on == D(2025, 8, 9)
        # Other exit reasons leave the registry alone.
        record_exit(
            user=province_officer,
            enrollment=places[2],
            reason=ExitReason.MOVED,
            ended_on=D(2025, 8, 9),
            on=TODAY,
        )
        assert _person(places[2]).died_on is None

    def test_a_claim_records_the_death_and_ends_the_place(self, places, province_officer):
        person = record_death(
            user=province_officer,
            person=_person(places[0]),
            died_on=D(2025, 8, 20),
            source=DeathSource.CLAIM,
            reference="JKM-2025-0001",
        )
        assert (person.died_on, person.death_source) == (D(2025, 8, 20), DeathSource.CLAIM)
        places[0].refresh_from_db()
        assert (places[0].state, places[0].end_reason, places[0].end_date) == (
            EnrollmentState.ENDED,
            ExitReason.DEATH,
            D(2025, 8, 20),
        )
        assert AuditEvent.objects.filter(action="registry.deaths_recorded").count() == 1

    def test_many_deaths_on_different_days_end_each_place_on_its_own_day(
        self, places, province_officer
    ):
        """One set-based pass ends every place on its own person's date of death, dates its
        event the same day, and leaves the living alone; a place whose cover had not begun
        gets no period at all (never an end before its start)."""
        from lindungi.enrollment.deaths import end_places_of_the_deceased
        from lindungi.enrollment.models import EnrollmentEvent

        Enrollment.objects.filter(pk=places[2].pk).update(start_date=D(2025, 9, 1))
        days = {places[0].person_id: D(2025, 8, 20), places[1].person_id: D(2025, 9, 3)}
        days[places[2].person_id] = D(2025, 8, 5)
        for person_id, day in days.items():
            Person.objects.filter(pk=person_id).update(died_on=day)
        assert end_places_of_the_deceased(user=province_officer, on=TODAY) == 3
        for place in places[:3]:
            place.refresh_from_db()
            assert (place.state, place.end_reason) == (EnrollmentState.ENDED, ExitReason.DEATH)
            assert place.ended_on == days[place.person_id]
            event = EnrollmentEvent.objects.get(enrollment=place, to_state=EnrollmentState.ENDED)
            assert event.date == days[place.person_id]
        assert places[0].end_date == D(2025, 8, 20) and places[1].end_date == D(2025, 9, 3)
        assert (places[2].start_date, places[2].end_date) == (None, None)
        for place in places[3:]:
            place.refresh_from_db()
            assert place.state == EnrollmentState.ACTIVE
        assert end_places_of_the_deceased(user=province_officer, on=TODAY) == 0

    def test_the_auditor_cannot_record_a_death(self, places, auditor):
        with pytest.raises(PermissionDenied):
            record_deaths(
                user=auditor,
                deaths={places[0].person_id: D(2025, 8, 1)},
                source=DeathSource.CLAIM,
            )
        assert _person(places[0]).died_on is None

    def test_the_deceased_are_never_submitted(self, approved_run, programme, province_officer):
        enroll_selected(run=approved_run, user=province_officer)
        first = Enrollment.objects.order_by("pk").first()
        record_deaths(
            user=province_officer,
            deaths={first.person_id: D(2025, 7, 1)},
            source=DeathSource.CIVIL_REGISTRY,
        )
        batch = make_submission(
            user=province_officer, programme=programme, start_date=D(2025, 7, 18)
        )
        assert not batch.entries.filter(person_id=first.person_id).exists()
        assert batch.people == Enrollment.objects.count() - 1
        first.refresh_from_db()
        assert (first.state, first.end_reason, first.start_date, first.end_date) == (
            EnrollmentState.ENDED,
            ExitReason.DEATH,
            None,
            None,
        )


@pytest.mark.django_db
class TestDeathList:
    def test_imports_with_rejects_and_reasons(self, places, province_officer):
        enrolled, other = places[0].person, PersonFactory()
        already = PersonFactory()
        Person.objects.filter(pk=already.pk).update(died_on=D(2025, 6, 1))
        content = (
            (
                "NIK,TANGGAL_MENINGGAL\n"
                f"{enrolled.nik},2025-08-03\n"
                f"{other.nik},01/09/2025\n"
                f"{enrolled.nik},2025-08-03\n"  # repeated
                "123,2025-08-01\n"  # bad NIK
                "5305011503859999,2025-08-01\n"  # not in the registry
                f"{already.nik},2025-06-01\n"  # the same death again: unchanged
                f"{already.nik[:-1]}x,2025-06-01\n"  # bad NIK
                f"{PersonFactory().nik},2026-13-01\n"  # not a date
            ).encode()
        )
        result = import_death_list(
            user=province_officer, file_name="dukcapil.csv", content=content, today=TODAY
        )
        assert (result.kind, result.rows_read, result.rows_ended, result.rows_unchanged) == (
            "deaths",
            8,
            2,
            1,
        )
        assert result.rows_rejected == 5
        assert result.places_ended == 1
        assert dict(
            RejectedExitRow.objects.filter(exit_import=result).values_list("row_number", "reason")
        ) == {
            4: "nik_repeated",
            5: "nik_invalid",
            6: "nik_unknown",
            8: "nik_invalid",
            9: "date_invalid",
        }
        assert Person.objects.get(pk=other.pk).death_source == DeathSource.CIVIL_REGISTRY
        places[0].refresh_from_db()
        assert (places[0].state, places[0].end_date) == (EnrollmentState.ENDED, D(2025, 8, 3))
        # A different date for someone already recorded is rejected, never overwritten.
        conflict = import_death_list(
            user=province_officer,
            file_name="dukcapil-2.csv",
            content=f"NIK,TANGGAL\n{already.nik},2025-07-01\n".encode(),
            today=TODAY,
        )
        assert conflict.reason_counts == {"death_conflict": 1}
        assert Person.objects.get(pk=already.pk).died_on == D(2025, 6, 1)


@pytest.mark.django_db
def test_the_exits_page_takes_a_death_list(client, places, province_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from lindungi.jobs.models import Job
    from lindungi.jobs.services import execute_job

    client.force_login(province_officer)
    upload = SimpleUploadedFile(
        "dukcapil.csv", f"NIK,TANGGAL_MENINGGAL\n{places[0].person.nik},2025-08-03\n".encode()
    )
    response = client.post(reverse("enrollment:exits"), {"file": upload, "kind": "deaths"})
    job = Job.objects.get()
    assert (response.status_code, job.kind) == (302, "enrollment.deaths")
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.result["deaths_recorded"], job.result["places_ended"]) == (
        "succeeded",
        1,
        1,
    )
