"""Reviewing several likely duplicates at once: confirmation, one UPDATE, one audit event,
and a selection that reaches outside the user's scope refused as a whole."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import ROLE_ACTIONS, Action, scoped_ids
from lindungi.core.roles import Role
from lindungi.registry import services
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import DuplicateCandidate
from lindungi.registry.tests.helpers import candidate, importer, write_csv

pytestmark = pytest.mark.django_db

TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def pairs(tmp_path):
    """Two look-alike pairs in Alor (53.05) and one in Timor Tengah Utara (53.03)."""
    rows = [
        candidate(1, name="Maria Bere", sex="P"),
        candidate(2, name="Maria Bere", sex="P"),
        candidate(3, name="Yosef Lake"),
        candidate(4, name="Yosef Lake"),
        candidate(5, name="Agus Tefa", village=TTU_VILLAGE),
        candidate(6, name="Agus Tefa", village=TTU_VILLAGE),
    ]
    path = write_csv(tmp_path / "calon.csv", rows)
    import_candidates(file=path, file_name="calon.csv", user=importer())
    found = {
        pair.first_person.regency_id + pair.first_person.full_name: pair
        for pair in DuplicateCandidate.objects.select_related("first_person")
    }
    assert len(found) == 3
    return found


def _alor(pairs):
    return [pair.pk for key, pair in pairs.items() if key.startswith("53.05")]


def _ttu(pairs):
    return [pair.pk for key, pair in pairs.items() if key.startswith("53.03")]


def test_the_page_offers_a_checkbox_per_open_pair_and_select_all(client, pairs, province_officer):
    client.force_login(province_officer)
    html = client.get(reverse("registry:duplicates")).content.decode()
    assert 'data-select-all="ids"' in html
    for pk in _alor(pairs) + _ttu(pairs):
        assert f'name="ids" value="{pk}"' in html
    assert reverse("registry:review_duplicates") in html


def test_bulk_review_asks_for_confirmation_then_acts_once_with_one_event(
    client, pairs, province_officer
):
    client.force_login(province_officer)
    url = reverse("registry:review_duplicates")
    chosen = _alor(pairs)
    asked = client.post(url, {"ids": chosen, "status": "dismissed", "note": "kembar"})
    assert asked.status_code == 200
    assert asked.templates[0].name == "web/bulk_confirm.html"
    assert "Maria Bere" in asked.content.decode() and "Yosef Lake" in asked.content.decode()
    # Nothing happened yet.
    assert DuplicateCandidate.objects.filter(status="open").count() == 3
    assert not AuditEvent.objects.filter(action="registry.review_duplicates").exists()

    done = client.post(
        url, {"ids": chosen, "status": "dismissed", "note": "kembar", "confirm": "1"}
    )
    assert done.status_code == 302
    reviewed = DuplicateCandidate.objects.filter(pk__in=chosen)
    assert {(p.status, p.note, p.reviewed_by_id) for p in reviewed} == {
        ("dismissed", "kembar", province_officer.pk)
    }
    assert DuplicateCandidate.objects.get(pk=_ttu(pairs)[0]).status == "open"
    event = AuditEvent.objects.get(action="registry.review_duplicates")
    assert event.changes["summary"]["count"] == 2
    assert sorted(event.changes["summary"]["ids"]) == sorted(chosen)
    assert event.actor_username == province_officer.username


def test_already_reviewed_pairs_refuse_the_whole_selection(pairs, province_officer):
    first, second = _alor(pairs)
    services.review_duplicates(user=province_officer, ids=[first], status="confirmed")
    with pytest.raises(InvalidTransition) as refused:
        services.review_duplicates(user=province_officer, ids=[first, second], status="dismissed")
    assert refused.value.code == "already_reviewed"
    assert DuplicateCandidate.objects.get(pk=second).status == "open"
    assert DuplicateCandidate.objects.get(pk=first).status == "confirmed"
    assert AuditEvent.objects.filter(action="registry.review_duplicates").count() == 1


@pytest.mark.parametrize(
    ("ids", "status", "code"),
    [([], "confirmed", "nothing_selected"), (["x"], "confirmed", "bad_selection"),
     (None, "open", "invalid_status")],
)  # fmt: skip
def test_bad_selections_are_refused_with_a_reason(pairs, province_officer, ids, status, code):
    ids = _alor(pairs) if ids is None else ids
    with pytest.raises(InvalidInput) as refused:
        services.review_duplicates(user=province_officer, ids=ids, status=status)
    assert refused.value.code == code
    assert DuplicateCandidate.objects.filter(status="open").count() == 3


def test_roles_without_the_right_are_refused(client, pairs, regency_officer, auditor):
    for user in (regency_officer, auditor):
        with pytest.raises(PermissionDenied):
            services.review_duplicates(user=user, ids=_alor(pairs), status="confirmed")
        client.force_login(user)
        response = client.post(
            reverse("registry:review_duplicates"),
            {"ids": _alor(pairs), "status": "confirmed", "confirm": "1"},
        )
        assert response.status_code == 403
    assert DuplicateCandidate.objects.filter(status="open").count() == 3


def test_another_regencys_pairs_are_refused_not_skipped(
    client, pairs, regency_officer, monkeypatch
):
    """Were a regency officer allowed to review, a selection holding one pair of another
    regency is refused as a whole: the officer's own pairs are not reviewed either."""
    granted = ROLE_ACTIONS[Role.REGENCY_OFFICER] | {Action.REVIEW_DUPLICATES}
    monkeypatch.setitem(ROLE_ACTIONS, Role.REGENCY_OFFICER, granted)
    mixed = _alor(pairs) + _ttu(pairs)
    assert scoped_ids(regency_officer, DuplicateCandidate.objects.all(), _alor(pairs))
    with pytest.raises(PermissionDenied):
        scoped_ids(regency_officer, DuplicateCandidate.objects.all(), mixed)
    with pytest.raises(PermissionDenied):
        services.review_duplicates(user=regency_officer, ids=mixed, status="confirmed")
    client.force_login(regency_officer)
    url = reverse("registry:review_duplicates")
    for confirm in ("", "1"):
        response = client.post(url, {"ids": mixed, "status": "confirmed", "confirm": confirm})
        assert response.status_code == 403
    assert DuplicateCandidate.objects.filter(status="open").count() == 3
    assert not AuditEvent.objects.filter(action="registry.review_duplicates").exists()
    # Their own pairs alone go through.
    assert (
        services.review_duplicates(user=regency_officer, ids=_alor(pairs), status="confirmed") == 2
    )
