"""Pages: region limits for regency officers, actions refused to those without the right."""

import datetime

import pytest
from django.urls import reverse

from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.services import enroll_selected


@pytest.fixture
def places(approved_run, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    return Enrollment.objects.all()


@pytest.mark.django_db
class TestPages:
    def test_regency_officer_sees_only_own_regency(self, client, places, regency_officer):
        client.force_login(regency_officer)
        response = client.get(reverse("enrollment:list"))
        assert response.status_code == 200
        shown = {e.regency_id for e in response.context["page"]}
        assert shown == {"53.05"}
        assert len(response.context["page"]) == 3

    def test_province_officer_filters_by_regency_and_state(self, client, places, province_officer):
        client.force_login(province_officer)
        response = client.get(reverse("enrollment:list"), {"regency": "53.03", "state": "selected"})
        assert len(response.context["page"]) == 2

    def test_timeline_of_another_regency_is_not_found(self, client, places, outsider):
        alor = places.filter(regency_id="53.05").first()
        client.force_login(outsider)
        assert client.get(reverse("reports:timeline", args=[alor.person_id])).status_code == 404

    def test_timeline_shows_selection_and_enrollment(self, client, places, regency_officer):
        alor = places.filter(regency_id="53.05").first()
        client.force_login(regency_officer)
        response = client.get(reverse("reports:timeline", args=[alor.person_id]))
        sources = [entry.source for entry in response.context["entries"]]
        assert sorted(sources) == ["enrollment", "programs", "registry"]
        assert response.context["entries"][-1].source == "enrollment"

    def test_regency_officer_cannot_make_batches_or_take_files(
        self, client, places, programme, regency_officer
    ):
        client.force_login(regency_officer)
        client.post(reverse("enrollment:batches"), {"programme": programme.pk})
        assert set(Enrollment.objects.values_list("state", flat=True)) == {"selected"}
        assert client.get(reverse("enrollment:responses")).status_code == 403

    def test_liaison_makes_a_batch_from_the_page(self, client, places, programme, insurer_liaison):
        client.force_login(insurer_liaison)
        response = client.post(
            reverse("enrollment:batches"), {"programme": programme.pk, "start_date": "2025-07-18"}
        )
        assert response.status_code == 302
        assert Enrollment.objects.filter(state="submitted").count() == 5
        detail = client.get(response.url)
        assert detail.context["batch"].people == 5
        assert client.get(response.url + "file.pdf").status_code == 200

    def test_exit_form_for_own_regency(self, client, places, regency_officer):
        alor = places.filter(regency_id="53.05").first()
        client.force_login(regency_officer)
        response = client.post(
            reverse("enrollment:exit", args=[alor.pk]),
            {"reason": "moved", "ended_on": "2025-08-01"},
        )
        assert response.status_code == 302
        alor.refresh_from_db()
        assert (alor.state, alor.ended_on) == ("ended", datetime.date(2025, 8, 1))

    def test_exit_form_for_another_regency_is_not_found(self, client, places, outsider):
        alor = places.filter(regency_id="53.05").first()
        client.force_login(outsider)
        response = client.post(
            reverse("enrollment:exit", args=[alor.pk]),
            {"reason": "moved", "ended_on": "2025-08-01"},
        )
        assert response.status_code == 404
        alor.refresh_from_db()
        assert alor.state == "selected"
