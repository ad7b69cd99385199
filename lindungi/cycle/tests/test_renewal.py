"""Renewing 2025 into 2026: one programme, rates and budgets per payer, continuity."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Appropriation
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.cycle import renewal as renewal_module
from lindungi.cycle.choices import EntryOutcome, LeaveReason, RenewalStatus
from lindungi.cycle.closing import begin_closing
from lindungi.cycle.models import Renewal, RenewalEntry
from lindungi.cycle.renewal import preview_renewal, renew_programme
from lindungi.cycle.tests.conftest import checker, enroll_everyone, run_and_approve
from lindungi.cycle.verification import approve_renewal, comment_entry, reverify, set_exception
from lindungi.enrollment.batches import make_submission
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.exits import import_exits
from lindungi.enrollment.models import BatchEntry, Enrollment, EnrollmentEvent
from lindungi.enrollment.selectors import count_contribution_months
from lindungi.enrollment.services import enroll_selected
from lindungi.programs.choices import FundingSource, Outcome, PayerType, ProgrammeStatus, Sector
from lindungi.programs.funding import ShareSpec, find_or_create_payer, set_funding_shares
from lindungi.programs.models import ActiveInsurerParticipant, Programme
from lindungi.programs.selectors import explain
from lindungi.programs.tests.helpers import make_programme


def _covered_2025(story):
    return list(
        Enrollment.objects.filter(programme=story.programme, state=EnrollmentState.ACTIVE)
        .order_by("person_id")
        .select_related("person")
    )


def test_renewing_a_draft_is_refused_with_a_clear_message(province_officer):
    programme = make_programme(province_officer)
    with pytest.raises(InvalidTransition) as error:
        renew_programme(user=province_officer, programme=programme, year=2026)
    assert error.value.code == "renew_draft"
    assert programme.name in error.value.message
    assert Programme.objects.count() == 1


def test_renewing_into_another_year_is_refused(story, province_officer):
    with pytest.raises(InvalidInput):
        renew_programme(user=province_officer, programme=story.programme, year=2027)
    assert Programme.objects.count() == 1


def test_renewing_twice_creates_one_programme(story, province_officer):
    first = renew_programme(user=province_officer, programme=story.programme, year=2026)
    second = renew_programme(user=province_officer, programme=story.programme, year=2026)
    assert first.pk == second.pk
    assert Programme.objects.filter(year=2026).count() == 1
    new = first.to_programme
    assert (new.coverage_start, new.coverage_end, new.status) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        ProgrammeStatus.DRAFT,
    )
    assert new.criteria[0] == "continued"
    cohort = new.cohorts.get()
    assert dict(cohort.quotas.values_list("regency_id", "headcount")) == {"53.05": 3, "53.03": 1}
    events = AuditEvent.objects.filter(action__startswith="cycle.")
    assert set(events.values_list("action", "actor_username")) == {
        ("cycle.programme_renewed", "prov_officer"),
        ("cycle.renewal_verified", "prov_officer"),
    }


def test_a_failed_renewal_leaves_nothing_behind(story, province_officer, monkeypatch):
    def broken(*args, **kwargs):
        raise InvalidInput("budget system down", code="boom")

    monkeypatch.setattr(renewal_module, "_add_budgets", broken)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput):
        renew_programme(user=province_officer, programme=story.programme, year=2026)
    assert Programme.objects.filter(year=2026).count() == 0
    assert not Renewal.objects.exists()
    assert not Appropriation.objects.filter(fiscal_year=2026).exists()
    assert AuditEvent.objects.count() == before


def test_pp50_discount_for_csr_and_self_paid_from_april_never_apbd(story, province_officer):
    csr = find_or_create_payer(
        payer_type=PayerType.CSR_COMPANY, name="PT Contoh", funding_source=FundingSource.CSR
    )
    cohort = story.programme.cohorts.get()
    apbd = cohort.funding_shares.get().payer
    set_funding_shares(
        user=province_officer,
        cohort=cohort,
        from_month=Month(2025, 12),
        shares=[ShareSpec(apbd, 7_500), ShareSpec(csr, 2_500)],
    )
    preview = preview_renewal(programme=story.programme, year=2026)
    assert [amount for _month, amount in preview.rates["APBD"]] == [16_800] * 12
    assert [amount for _month, amount in preview.rates["CSR"]] == [16_800] * 3 + [8_400] * 9
    # 4 places: the province pays 75 % at Rp16,800, the company 25 % at its own rate.
    assert preview.budgets[apbd] == 12 * 50_400
    assert preview.budgets[csr] == 3 * 16_800 + 9 * 8_400
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    budgets = dict(Appropriation.objects.filter(fiscal_year=2026).values_list("payer_id", "amount"))
    assert budgets == {apbd.pk: 604_800, csr.pk: 126_000}
    shares = renewal.to_programme.cohorts.get().funding_shares.order_by("payer_id")
    assert list(shares.values_list("payer_id", "share_bp", "from_month")) == sorted(
        [(apbd.pk, 7_500, date(2026, 1, 1)), (csr.pk, 2_500, date(2026, 1, 1))]
    )


def test_reverification_puts_everyone_in_exactly_one_outcome(story, province_officer):
    people = _covered_2025(story)
    risen, employed, dead = people[0].person, people[1].person, people[2].person
    risen.desil = 7
    risen.save()
    dead.died_on = date(2025, 11, 2)
    dead.save()
    ActiveInsurerParticipant.objects.create(
        nik=employed.nik, is_wage_earner=True, source_file="pu.csv", imported_at="2025-12-01T00:00Z"
    )
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    reasons = dict(renewal.entries.exclude(previous=None).values_list("person_id", "reason"))
    assert reasons == {
        risen.pk: LeaveReason.DESIL_ABOVE_LIMIT,
        employed.pk: LeaveReason.WAGE_EARNER,
        dead.pk: LeaveReason.DECEASED,
        people[3].person_id: "",
    }
    # The three candidates who were not selected in 2025 are newly eligible.
    counts = renewal.counts
    assert (counts["continues"], counts["leaves"], counts["newly_eligible"]) == (1, 3, 3)
    person_ids = list(renewal.entries.values_list("person_id", flat=True))
    assert len(person_ids) == len(set(person_ids))


def test_exceptions_survive_reverification_and_regencies_see_their_part(
    story, province_officer, regency_officer, outsider
):
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    alor = renewal.entries.filter(regency_id="53.05", outcome=EntryOutcome.CONTINUES).first()
    set_exception(
        user=province_officer,
        renewal=renewal,
        entry=alor,
        outcome=EntryOutcome.LEAVES,
        note="Pindah ke luar negeri menurut kepala desa",
    )
    comment_entry(user=regency_officer, entry=alor, comment="Benar, sudah pindah.")
    with pytest.raises(RenewalEntry.DoesNotExist):
        comment_entry(user=outsider, entry=alor, comment="bukan wilayah saya")
    reverify(user=province_officer, renewal=renewal)
    alor = renewal.entries.get(person_id=alor.person_id)
    assert (alor.outcome, alor.reason, alor.comment) == (
        EntryOutcome.LEAVES,
        LeaveReason.EXCEPTION,
        "Benar, sudah pindah.",
    )


def test_diff_page_and_xlsx_are_scoped_to_the_regency(client, story, province_officer, outsider):
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    client.force_login(outsider)
    body = client.get(f"/cycle/renewals/{renewal.pk}/").content.decode()
    alor_niks = renewal.entries.filter(regency_id="53.05").values_list("person__nik", flat=True)
    ttu_niks = renewal.entries.filter(regency_id="53.03").values_list("person__nik", flat=True)
    assert all(nik not in body for nik in alor_niks)
    assert all(nik in body for nik in ttu_niks)
    response = client.get(f"/cycle/renewals/{renewal.pk}/diff.xlsx")
    assert response.status_code == 200


def _renew_and_approve(story, user):
    """`user` renews (and so prepares the diff); a second person approves it."""
    renewal = renew_programme(user=user, programme=story.programme, year=2026)
    approve_renewal(user=checker(), renewal=renewal)
    renewal.refresh_from_db()
    return renewal


def test_the_renewal_is_approved_by_a_second_person(story, province_officer, province_admin):
    # Maker-checker (issue 19.3): whoever prepared the diff (renewed it, or re-verified it
    # last) cannot approve it; nothing is carried over by a refused approval.
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    with pytest.raises(InvalidTransition) as error:
        approve_renewal(user=province_officer, renewal=renewal)
    assert error.value.code == "self_approval"
    reverify(user=province_admin, renewal=renewal)
    with pytest.raises(InvalidTransition) as error:
        approve_renewal(user=province_admin, renewal=renewal)
    assert error.value.code == "self_approval"
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.VERIFIED
    assert not Enrollment.objects.filter(programme=renewal.to_programme).exists()
    assert not AuditEvent.objects.filter(action="cycle.renewal_approved").exists()
    approve_renewal(user=checker(), renewal=renewal)
    renewal.refresh_from_db()
    assert (renewal.status, renewal.approved_by.username) == (RenewalStatus.APPROVED, "checker")
    # The audit trail shows who prepared, who re-verified and who approved.
    approved = AuditEvent.objects.get(action="cycle.renewal_approved")
    assert approved.actor_username == "checker"
    assert {
        key: approved.changes["summary"][key]
        for key in ("prepared_by", "verified_by", "approved_by")
    } == {"prepared_by": "prov_officer", "verified_by": "prov_admin", "approved_by": "checker"}
    verified = AuditEvent.objects.filter(action="cycle.renewal_verified")
    assert set(verified.values_list("actor_username", flat=True)) == {"prov_officer", "prov_admin"}


def test_continuing_people_are_covered_from_1_january_with_the_same_kpj(story, province_officer):
    before = {place.person_id: place.kpj for place in _covered_2025(story)}
    rider = _covered_2025(story)[0]
    Enrollment.objects.filter(pk=rider.pk).update(sector=Sector.TRANSPORT)
    renewal = _renew_and_approve(story, province_officer)
    new = renewal.to_programme
    carried = Enrollment.objects.filter(programme=new)
    assert {place.person_id: place.kpj for place in carried} == before
    # The sector comes along (PP 50/2025's transport rates): no new registration.
    assert dict(carried.values_list("person_id", "sector")) == {
        person_id: Sector.TRANSPORT if person_id == rider.person_id else Sector.OTHER
        for person_id in before
    }
    assert set(carried.values_list("state", "start_date")) == {
        (EnrollmentState.ACTIVE, date(2026, 1, 1))
    }
    old = Enrollment.objects.filter(programme=story.programme)
    assert set(old.values_list("state", "end_date", "end_reason")) == {
        (EnrollmentState.ENDED, date(2025, 12, 31), ExitReason.PROGRAMME_ENDED)
    }
    # No new registration: nobody of them goes to the insurer in a batch.
    assert not BatchEntry.objects.filter(enrollment__programme=new).exists()
    assert renewal.status == RenewalStatus.APPROVED
    # December is still billed for 2025, January for 2026: no gap.
    for person_id in before:
        assert count_contribution_months([person_id], until=date(2026, 2, 10)) == {person_id: 8}


def test_leavers_get_an_exit_dated_31_december(story, province_officer):
    dead = _covered_2025(story)[0].person
    dead.died_on = date(2025, 11, 2)
    dead.save()
    renewal = _renew_and_approve(story, province_officer)
    place = Enrollment.objects.get(programme=story.programme, person=dead)
    assert (place.state, place.end_date, place.end_reason) == (
        EnrollmentState.ENDED,
        date(2025, 12, 31),
        ExitReason.DEATH,
    )
    assert not Enrollment.objects.filter(programme=renewal.to_programme, person=dead).exists()


def test_every_ended_place_gets_one_event_with_its_reason_and_the_approver(story, province_officer):
    covered = _covered_2025(story)
    dead = covered[0].person
    dead.died_on = date(2025, 11, 2)
    dead.save()
    _renew_and_approve(story, province_officer)
    events = EnrollmentEvent.objects.filter(
        enrollment__programme=story.programme, to_state=EnrollmentState.ENDED
    )
    assert sorted(events.values_list("enrollment_id", flat=True)) == sorted(
        place.pk for place in covered
    )
    assert {
        (event.enrollment.person_id, event.from_state, event.date, event.actor.username, event.note)
        for event in events.select_related("enrollment", "actor")
    } == {
        (
            place.person_id,
            EnrollmentState.ACTIVE,
            date(2025, 12, 31),
            "checker",
            LeaveReason.DECEASED if place.person_id == dead.pk else "continued",
        )
        for place in covered
    }


def test_an_exit_dated_31_december_ends_the_2025_place_not_the_2026_one(story, province_officer):
    # The old defect: the exits file ended each person's newest place, the 2026 one, so the
    # place ended before it started and the 2025 place stayed active.
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    place = _covered_2025(story)[0]
    new_place = Enrollment.objects.create(
        person=place.person,
        programme=renewal.to_programme,
        cohort=renewal.to_programme.cohorts.get(),
        regency_id=place.regency_id,
        state=EnrollmentState.SELECTED,
    )
    content = f"NIK,ALASAN,TANGGAL\n{place.person.nik},pindah,31/12/2025\n".encode()
    result = import_exits(
        user=province_officer, file_name="keluar.csv", content=content, today=date(2026, 1, 2)
    )
    assert result.rows_ended == 1
    place.refresh_from_db()
    new_place.refresh_from_db()
    assert (place.state, place.end_date) == (EnrollmentState.ENDED, date(2025, 12, 31))
    assert (new_place.state, new_place.end_date) == (EnrollmentState.SELECTED, None)


def test_renewed_selection_keeps_continuing_people_and_fills_the_rest(story, province_officer):
    # The old defect: a fresh 2026 selection waitlisted 44 % of December's participants.
    continuing = {place.person_id for place in _covered_2025(story)}
    renewal = _renew_and_approve(story, province_officer)
    new = renewal.to_programme
    # The insurer's active list now names every continuing person.
    for place in Enrollment.objects.filter(programme=new).select_related("person"):
        ActiveInsurerParticipant.objects.create(
            nik=place.person.nik,
            kpj=place.kpj,
            source_file="aktif.csv",
            imported_at="2025-12-20T00:00Z",
        )
    run = run_and_approve(province_officer, new)
    decisions = run.decisions.filter(person_id__in=continuing)
    assert set(decisions.values_list("outcome", "continued")) == {(Outcome.SELECTED, True)}
    why = explain(user=province_officer, run=run, nik=decisions.first().nik)
    assert "last year" in why or "tahun lalu" in why
    new.refresh_from_db()
    assert new.status == ProgrammeStatus.ACTIVE
    # Only the newcomers go to the insurer.
    created = enroll_selected(run=run, user=province_officer)
    assert created == 0  # the quotas (3 + 1) are all held by the continuing people
    with pytest.raises(InvalidInput):
        make_submission(user=province_officer, programme=new, start_date=date(2026, 1, 1))


def test_only_newcomers_go_in_the_submission_batch(story, province_officer):
    dead = _covered_2025(story)[0].person
    dead.died_on = date(2025, 11, 2)
    dead.save()
    renewal = _renew_and_approve(story, province_officer)
    new = renewal.to_programme
    run = run_and_approve(province_officer, new)
    assert enroll_selected(run=run, user=province_officer) == 1
    batch = enroll_everyone(province_officer, new, start=date(2026, 1, 1), seed=7)
    assert batch.people == 1
    newcomer = BatchEntry.objects.get(batch=batch).person_id
    assert newcomer not in {place.person_id for place in _covered_2025(story)}


def test_billing_2026_after_closing_2025(story, province_officer):
    renewal = _renew_and_approve(story, province_officer)
    begin_closing(user=province_officer, programme=story.programme, today=date(2026, 1, 2))
    run_and_approve(province_officer, renewal.to_programme)
    result = bill_month(programme=renewal.to_programme, month=Month(2026, 1), user=province_officer)
    (invoice,) = result.created
    assert (invoice.headcount, invoice.total) == (4, 4 * 16_800)


def test_renew_programme_command(story, province_officer):
    out = StringIO()
    call_command("renew_programme", "2025", "--year", "2026", "--as", "prov_officer", stdout=out)
    assert "continues 4" in out.getvalue()
    call_command("renew_programme", "2025", "--year", "2026", "--as", "prov_officer", stdout=out)
    assert Programme.objects.filter(year=2026).count() == 1
    with pytest.raises(CommandError):
        call_command("renew_programme", "2024", "--year", "2025", "--as", "prov_officer")


def test_renew_page_previews_then_renews(client, story, province_officer):
    client.force_login(province_officer)
    response = client.get(f"/cycle/programmes/{story.programme.pk}/renew/")
    assert response.status_code == 200
    assert Programme.objects.filter(year=2026).count() == 0
    response = client.post(f"/cycle/programmes/{story.programme.pk}/renew/", {"year": 2026})
    assert response.status_code == 302
    assert Programme.objects.filter(year=2026).count() == 1


def test_a_returning_participant_keeps_the_kpj_in_a_new_submission(story, province_officer):
    # The old defect: returning participants were given a second, different KPJ because the
    # submission file carried no known KPJ.
    place = _covered_2025(story)[0]
    content = f"NIK,ALASAN,TANGGAL\n{place.person.nik},pindah,31/10/2025\n".encode()
    import_exits(
        user=province_officer, file_name="keluar.csv", content=content, today=date(2025, 11, 1)
    )
    renewal = renew_programme(user=province_officer, programme=story.programme, year=2026)
    Enrollment.objects.create(
        person=place.person,
        programme=renewal.to_programme,
        cohort=renewal.to_programme.cohorts.get(),
        regency_id=place.regency_id,
        state=EnrollmentState.SELECTED,
    )
    batch = enroll_everyone(province_officer, renewal.to_programme, start=date(2026, 1, 1))
    assert batch.people == 1
    again = Enrollment.objects.get(programme=renewal.to_programme, person=place.person)
    assert (again.state, again.kpj) == (EnrollmentState.ACTIVE, place.kpj)
