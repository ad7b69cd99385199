import pytest
from django.urls import reverse

from lindungi.audit.services import record_event

pytestmark = pytest.mark.django_db


def test_auditor_browses_and_filters_the_trail(client, auditor, province_officer):
    record_event(action="registry.import_candidates", summary={"read": 10}, user=province_officer)
    record_event(action="programs.approve_selection", user=province_officer)
    client.force_login(auditor)
    response = client.get(reverse("audit:list"), {"action": "approve"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "programs.approve_selection" in body
    assert "registry.import_candidates" not in body


def test_auditor_reads_one_row_with_its_changes(client, auditor, province_officer):
    event = record_event(
        action="test.change",
        object_type="x",
        object_id="1",
        before={"desil": 3},
        after={"desil": 2},
        user=province_officer,
    )
    client.force_login(auditor)
    response = client.get(reverse("audit:detail", args=[event.pk]))
    assert response.status_code == 200
    assert event.hash in response.content.decode()


@pytest.mark.parametrize("persona", ["regency_officer", "outsider", "insurer_liaison"])
def test_roles_without_audit_access_are_refused(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit:list")).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
