"""The panel: independent scores within the scale, conflicts of interest, the stated final
score rule, audited changes, and publication."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.awards import panel as panel_services
from lindungi.awards import results, scoring, services
from lindungi.awards.choices import PeriodStatus, ScoreRule
from lindungi.awards.models import Score
from lindungi.core.errors import InvalidInput, InvalidTransition

from .conftest import fill_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(
    open_period, home_entry, other_entry, regency_officer, outsider, panel, province_officer
):
    fill_and_submit(home_entry, regency_officer)
    fill_and_submit(other_entry, outsider)
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    open_period.refresh_from_db()
    return open_period


def criterion(entry, code):
    return entry.category.criteria.get(code=code)


def score_all(member, entry, values):
    rows = [(criterion(entry, code), value, "") for code, value in values.items()]
    return panel_services.record_scores(user=member.user, entry=entry, scores=rows)


def test_a_score_outside_the_scale_is_refused_and_nothing_is_stored(review, home_entry, panel):
    with pytest.raises(InvalidInput) as refused:
        panel_services.record_score(
            user=panel[0].user,
            entry=home_entry,
            criterion=criterion(home_entry, "anggaran"),
            value="6",
        )
    assert refused.value.code == "score_out_of_scale"
    assert "1 sampai 5" in refused.value.message
    for value in ("-1", "100.01", "abc", "NaN", "50.005"):
        with pytest.raises(InvalidInput):
            panel_services.record_score(
                user=panel[0].user,
                entry=home_entry,
                criterion=criterion(home_entry, "regulasi"),
                value=value,
            )
    assert not Score.objects.exists()


def test_one_bad_score_in_a_form_saves_none_of_it(review, home_entry, panel):
    with pytest.raises(InvalidInput):
        score_all(panel[0], home_entry, {"regulasi": "80", "anggaran": "9"})
    assert not Score.objects.exists()


def test_a_changed_score_is_audited_with_before_and_after(review, home_entry, panel):
    regulasi = criterion(home_entry, "regulasi")
    panel_services.record_score(
        user=panel[0].user, entry=home_entry, criterion=regulasi, value="70", note="Perda ada"
    )
    panel_services.record_score(
        user=panel[0].user, entry=home_entry, criterion=regulasi, value="85", note="Perkada juga"
    )
    assert Score.objects.get().value == Decimal("85")
    events = list(AuditEvent.objects.filter(action="awards.record_score").order_by("id"))
    assert len(events) == 2
    assert events[1].changes["score"] == ["70.00", "85.00"]
    assert events[1].changes["note"] == ["Perda ada", "Perkada juga"]
    assert events[1].actor_username == "panel1"


def test_only_seated_panel_members_score_during_the_review(
    open_period, home_entry, regency_officer, panel, province_officer, auditor
):
    fill_and_submit(home_entry, regency_officer)
    # Not yet in review.
    with pytest.raises(InvalidTransition, match="selama tahap penilaian tim"):
        panel_services.record_score(
            user=panel[0].user,
            entry=home_entry,
            criterion=criterion(home_entry, "regulasi"),
            value="50",
        )
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    for user in (province_officer, auditor, regency_officer):
        with pytest.raises(PermissionDenied):
            panel_services.record_score(
                user=user,
                entry=home_entry,
                criterion=criterion(home_entry, "regulasi"),
                value="50",
            )
    assert not Score.objects.exists()


def test_a_member_with_a_conflict_of_interest_is_excluded_from_that_regency(
    review, home_entry, other_entry, panel, province_officer
):
    score_all(panel[2], home_entry, {"regulasi": "10"})
    panel_services.declare_conflict(
        user=province_officer,
        member=panel[2],
        regency_code=home_entry.regency_id,
        reason="Pernah menjadi staf ahli Bupati Alor",
    )
    with pytest.raises(InvalidTransition, match="konflik kepentingan"):
        score_all(panel[2], home_entry, {"regulasi": "20"})
    # Other regencies are still theirs to score.
    score_all(panel[2], other_entry, {"regulasi": "40"})
    score_all(panel[0], home_entry, {"regulasi": "90"})
    ranking = {row.entry.pk: row for row in results.compute(review)[0].entries}
    regulasi = criterion(home_entry, "regulasi").pk
    home = ranking[home_entry.pk]
    # The conflicted member's earlier 10 no longer counts.
    assert home.scorers[regulasi] == 1
    assert next(r for r in home.criteria if r.criterion_id == regulasi).combined == 90


def test_the_mean_and_the_mean_without_extremes(review, home_entry, panel, province_officer):
    for member, value in zip(panel, ("40", "70", "100"), strict=True):
        score_all(member, home_entry, {"regulasi": value})
    regulasi = criterion(home_entry, "regulasi").pk

    def combined():
        row = next(r for r in results.compute(review)[0].entries if r.entry.pk == home_entry.pk)
        return next(r for r in row.criteria if r.criterion_id == regulasi).combined

    assert combined() == Decimal(70)
    services.update_period(user=province_officer, period=review, score_rule=ScoreRule.TRIMMED_MEAN)
    review.refresh_from_db()
    assert combined() == Decimal(70)
    score_all(panel[2], home_entry, {"regulasi": "10"})
    # 40, 70, 10: trimmed mean keeps 40; the mean would be 40 as well, so change one more.
    score_all(panel[0], home_entry, {"regulasi": "100"})
    # 100, 70, 10: trimmed 70; mean 60.
    assert combined() == Decimal(70)


def test_the_final_score_and_ranking_follow_the_stated_rule():
    results_a = [
        scoring.criterion_result(
            criterion_id=1, weight=Decimal(30), scale_min=0, scale_max=100, combined=Decimal(80)
        ),
        scoring.criterion_result(
            criterion_id=2, weight=Decimal(70), scale_min=1, scale_max=5, combined=Decimal(4)
        ),
    ]
    # 0.8 x 30 + 0.75 x 70 = 24 + 52.5
    assert scoring.final_score(results_a) == Decimal("76.50")
    assert scoring.combine([], ScoreRule.MEAN) is None
    assert scoring.combine([Decimal(1), Decimal(5)], ScoreRule.TRIMMED_MEAN) == 3
    assert scoring.competition_ranks(
        {10: Decimal(90), 11: Decimal(80), 12: Decimal(90), 13: Decimal(70)}
    ) == {10: 1, 12: 1, 11: 3, 13: 4}


def test_publication_freezes_scores_and_ranks(
    review, home_entry, other_entry, panel, province_officer
):
    for member in panel:
        score_all(member, home_entry, {"regulasi": "90", "anggaran": "5", "wawancara": "80"})
        score_all(member, other_entry, {"regulasi": "60", "anggaran": "3", "wawancara": "70"})
    published = results.publish_results(user=province_officer, period=review)
    assert published.status == PeriodStatus.PUBLISHED
    home_entry.refresh_from_db()
    other_entry.refresh_from_db()
    # 0.9 x 30 + 0 x 25 (nobody scores the computed one here) + 1 x 25 + 0.8 x 20
    assert (home_entry.final_score, home_entry.rank) == (Decimal("68.00"), 1)
    # 0.6 x 30 + 0.5 x 25 + 0.7 x 20
    assert (other_entry.final_score, other_entry.rank) == (Decimal("44.50"), 2)
    with pytest.raises(InvalidTransition):
        score_all(panel[0], home_entry, {"regulasi": "10"})
    with pytest.raises(InvalidTransition):
        results.publish_results(user=province_officer, period=review)
    assert AuditEvent.objects.filter(action="awards.publish_results").count() == 1


def test_results_wait_for_a_returned_self_assessment(review, home_entry, panel, province_officer):
    from lindungi.awards.assessment import return_self_assessment

    return_self_assessment(user=panel[1].user, entry=home_entry, note="Bukti APBD kurang")
    with pytest.raises(InvalidTransition, match="dikembalikan"):
        results.publish_results(user=province_officer, period=review)


def test_only_panel_role_holders_are_seated(open_period, province_officer, regency_officer):
    with pytest.raises(InvalidInput, match="peran anggota tim penilai"):
        panel_services.appoint_member(
            user=province_officer, period=open_period, member=regency_officer, seat="Anggota"
        )
