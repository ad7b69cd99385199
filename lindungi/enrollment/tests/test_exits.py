"""Exits (form and file), past-dated exits, and replacement from the waitlist up to the cut-off."""

import datetime

import pytest

from lindungi.enrollment.choices import EnrollmentState, ExitReason, ReplacementStatus
from lindungi.enrollment.exits import import_exits
from lindungi.enrollment.models import Enrollment, RejectedExitRow, Replacement
from lindungi.enrollment.replacement import decide_replacement
from lindungi.enrollment.services import enroll_selected, record_exit, set_replacement_policy

D = datetime.date
TODAY = D(2025, 9, 15)


@pytest.fixture
def places(approved_run, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    # Make everyone active as if the insurer had answered.
    for number, place in enumerate(Enrollment.objects.order_by("pk"), start=1):
        Enrollment.objects.filter(pk=place.pk).update(
            state=EnrollmentState.ACTIVE, kpj=f"{number:011d}", start_date=D(2025, 7, 18)
        )
    return Enrollment.objects.order_by("regency_id", "decision__rank")


def _alor(places, rank):
    return places.get(regency_id="53.05", decision__rank=rank)


def _file(rows):
    return ("NIK,ALASAN,TANGGAL\n" + "".join(f"{r}\n" for r in rows)).encode()


@pytest.mark.django_db
class TestBulkExits:
    def test_ends_places_and_accounts_for_every_row(self, places, province_officer):
        dead = _alor(places, 1)
        moved = _alor(places, 2)
        content = _file(
            [
                f"{dead.person.nik},meninggal,2025-08-03",
                f"{moved.person.nik},moved,20/08/2025",
                f"{moved.person.nik},moved,2025-08-21",  # repeated
                "1234,death,2025-08-01",  # bad NIK
                f"{_alor(places, 3).person.nik},bosan,2025-08-01",  # unknown reason
                f"{_alor(places, 3).person.nik},death,2025-10-01",  # future
                "5305011503859999,death,2025-08-01",  # nobody enrolled
            ]
        )
        result = import_exits(
            user=province_officer, file_name="x.csv", content=content, today=TODAY
        )
        assert (result.rows_read, result.rows_ended, result.rows_rejected) == (7, 2, 5)
        assert result.past_dated == 2
        assert dict(
            RejectedExitRow.objects.filter(exit_import=result).values_list("row_number", "reason")
        ) == {
            4: "nik_repeated",
            5: "nik_invalid",
            6: "reason_invalid",
            7: "date_future",
            8: "not_enrolled",
        }
        dead.refresh_from_db()
        assert (dead.state, dead.end_reason, dead.ended_on, dead.end_date) == (
            "ended",
            "death",
            D(2025, 8, 3),
            D(2025, 8, 3),
        )
        again = import_exits(user=province_officer, file_name="x.csv", content=content, today=TODAY)
        assert (again.rows_ended, again.rows_unchanged) == (0, 2)

    def test_regency_officer_only_ends_own_regency(self, places, regency_officer):
        ttu = places.filter(regency_id="53.03").first()
        alor = _alor(places, 1)
        content = _file(
            [f"{ttu.person.nik},moved,2025-08-01", f"{alor.person.nik},moved,2025-08-01"]
        )
        result = import_exits(user=regency_officer, file_name="x.csv", content=content, today=TODAY)
        assert result.reason_counts == {"outside_user_regency": 1}
        ttu.refresh_from_db()
        assert ttu.state == EnrollmentState.ACTIVE
        assert result.regency_id == "53.05"


@pytest.mark.django_db
class TestReplacement:
    def test_automatic_replacement_before_cutoff(self, places, programme, province_officer):
        set_replacement_policy(
            user=province_officer, programme=programme, cutoff_date=D(2025, 10, 31), mode="auto"
        )
        vacated = _alor(places, 2)
        record_exit(
            user=province_officer,
            enrollment=vacated,
            reason=ExitReason.DEATH,
            ended_on=D(2025, 8, 1),
            on=TODAY,
        )
        new = Enrollment.objects.get(replaces=vacated)
        assert (new.state, new.regency_id, new.decision.rank, new.cohort_id) == (
            EnrollmentState.SELECTED,
            "53.05",
            4,
            vacated.cohort_id,
        )
        assert Replacement.objects.get(vacated=vacated).status == ReplacementStatus.SELECTED
        # The next exit takes rank 5, then the waitlist is empty.
        record_exit(
            user=province_officer,
            enrollment=_alor(places, 3),
            reason=ExitReason.MOVED,
            ended_on=D(2025, 8, 2),
            on=TODAY,
        )
        record_exit(
            user=province_officer,
            enrollment=_alor(places, 1),
            reason=ExitReason.MOVED,
            ended_on=D(2025, 8, 3),
            on=TODAY,
        )
        ranks = sorted(
            Enrollment.objects.filter(replaces__isnull=False).values_list(
                "decision__rank", flat=True
            )
        )
        assert ranks == [4, 5]

    def test_no_replacement_after_cutoff(self, places, programme, province_officer):
        set_replacement_policy(
            user=province_officer, programme=programme, cutoff_date=D(2025, 7, 31), mode="auto"
        )
        record_exit(
            user=province_officer,
            enrollment=_alor(places, 2),
            reason=ExitReason.DEATH,
            ended_on=D(2025, 8, 1),
            on=TODAY,
        )
        assert not Enrollment.objects.filter(replaces__isnull=False).exists()
        assert not Replacement.objects.exists()

    def test_exit_on_the_cutoff_day_is_replaced(self, places, programme, province_officer):
        import lindungi.enrollment.replacement as replacement

        set_replacement_policy(
            user=province_officer, programme=programme, cutoff_date=D(2025, 8, 1), mode="auto"
        )
        vacated = _alor(places, 2)
        content = _file([f"{vacated.person.nik},death,2025-08-01"])
        result = import_exits(
            user=province_officer, file_name="x.csv", content=content, today=D(2025, 8, 1)
        )
        assert result.replacements == 1
        assert replacement.Replacement.objects.get().decision.rank == 4

    def test_propose_mode_waits_for_approval(self, places, programme, province_officer):
        set_replacement_policy(
            user=province_officer, programme=programme, cutoff_date=D(2025, 10, 31), mode="propose"
        )
        vacated = _alor(places, 2)
        record_exit(
            user=province_officer,
            enrollment=vacated,
            reason=ExitReason.DEATH,
            ended_on=D(2025, 8, 1),
            on=TODAY,
        )
        proposal = Replacement.objects.get()
        assert (proposal.status, proposal.decision.rank, proposal.enrollment) == (
            ReplacementStatus.PROPOSED,
            4,
            None,
        )
        assert not Enrollment.objects.filter(replaces__isnull=False).exists()
        decided = decide_replacement(user=province_officer, replacement=proposal, accept=True)
        assert decided.enrollment.replaces == vacated
        assert decided.enrollment.state == EnrollmentState.SELECTED

    def test_without_policy_nothing_is_replaced(self, places, province_officer):
        record_exit(
            user=province_officer,
            enrollment=_alor(places, 2),
            reason=ExitReason.DEATH,
            ended_on=D(2025, 8, 1),
            on=TODAY,
        )
        assert Enrollment.objects.count() == 5
