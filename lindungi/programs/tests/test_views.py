"""Pages: each renders for the roles that may see it, people stay within the officer's regency,
and the read-only roles cannot change anything."""

import json

import pytest
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job
from lindungi.programs.choices import Outcome, RunStatus
from lindungi.programs.jobs import SELECTION_JOB_KIND
from lindungi.programs.models import Decision, ExclusionProposal, Programme, SelectionRun
from lindungi.programs.selection import run_selection
from lindungi.programs.tests.helpers import ALOR, TTU, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected(province_officer):
    """A draft run with two Alor people (one selected, one waitlisted) and one TTU person."""
    programme = make_programme(province_officer, quotas={ALOR: 1, TTU: 1})
    alor_first = person(desil=1)
    alor_second = person(desil=2, poverty_label="poor")
    ttu = person(village=TTU_VILLAGE, desil=1)
    run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    return programme, run, alor_first, alor_second, ttu


def test_programme_list_and_rates_render(client, province_officer, selected):
    client.force_login(province_officer)
    listing = client.get(reverse("programs:list"))
    assert listing.status_code == 200
    assert "Uji" in listing.content.decode()
    rates = client.get(reverse("programs:rates"))
    assert rates.status_code == 200
    assert "PP" in rates.content.decode()


def test_programme_detail_shows_every_regency_to_the_province(client, province_officer, selected):
    programme, *_ = selected
    client.force_login(province_officer)
    response = client.get(reverse("programs:detail", args=[programme.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert len(results) == 22
    assert [(r["regency_code"], r["selected"]) for r in results if r["eligible"]] == [
        (TTU, 1),
        (ALOR, 1),
    ]
    assert response.context["can_run"] and response.context["can_approve"]


def test_programme_detail_limits_results_to_the_officers_regency(client, outsider, selected):
    programme, *_ = selected
    client.force_login(outsider)
    response = client.get(reverse("programs:detail", args=[programme.pk]))
    assert response.status_code == 200
    assert [(r["regency_code"], r["eligible"]) for r in response.context["results"]] == [(TTU, 1)]
    assert not response.context["can_run"]


def test_decisions_page_lists_the_regency_in_rank_order(client, regency_officer, selected):
    _programme, run, alor_first, alor_second, _ttu = selected
    client.force_login(regency_officer)
    url = reverse("programs:decisions", args=[run.pk, ALOR])
    chosen = client.get(url)
    assert [d.nik for d in chosen.context["page"]] == [alor_first.nik]
    waiting = client.get(url, {"outcome": Outcome.WAITLISTED})
    assert [(d.nik, d.rank) for d in waiting.context["page"]] == [(alor_second.nik, 2)]
    assert client.get(url, {"outcome": "nonsense"}).status_code == 404


def test_outsider_never_sees_alors_people(client, outsider, selected):
    _programme, run, alor_first, alor_second, ttu = selected
    client.force_login(outsider)
    for outcome in Outcome.values:
        response = client.get(
            reverse("programs:decisions", args=[run.pk, ALOR]), {"outcome": outcome}
        )
        # Another regency's decisions page does not exist for them.
        assert response.status_code == 404
        assert alor_first.nik not in response.content.decode()
        assert alor_second.nik not in response.content.decode()
    explained = client.get(reverse("programs:explain", args=[run.pk]), {"nik": alor_first.nik})
    assert explained.context["sentence"] is None
    assert explained.context["error"] == "Tidak ada keputusan untuk NIK ini dalam seleksi ini."
    own = client.get(reverse("programs:explain", args=[run.pk]), {"nik": ttu.nik})
    assert own.context["sentence"].startswith("Peringkat 1 di Kabupaten Timor Tengah Utara")


def test_explanation_page_answers_in_indonesian(client, province_officer, selected):
    _programme, run, _first, alor_second, _ttu = selected
    client.force_login(province_officer)
    response = client.get(reverse("programs:explain", args=[run.pk]), {"nik": alor_second.nik})
    assert response.context["sentence"] == (
        "Peringkat 2 di Kabupaten Alor; kuota 1 terisi sampai desil 1."
    )
    bad = client.get(reverse("programs:explain", args=[run.pk]), {"nik": "123"})
    assert bad.context["error"] == "NIK terdiri dari 16 angka."


def test_quotas_page_has_the_table_and_map_shapes(client, auditor, selected):
    _programme, run, *_ = selected
    client.force_login(auditor)
    response = client.get(reverse("programs:quotas", args=[run.pk]))
    assert response.status_code == 200
    rows = [(q.regency_id, q.quota, q.filled) for q in response.context["quotas"]]
    assert len(rows) == 22  # every regency of the province, most with a quota of 0
    assert [row for row in rows if row[1]] == [(TTU, 1, 1), (ALOR, 1, 1)]
    shapes = response.context["shapes"]
    quotas = {f["properties"]["code"]: f["properties"]["quota"] for f in shapes["features"]}
    assert (quotas[ALOR], quotas[TTU], quotas["53.01"]) == (1, 1, 0)
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in shapes["features"])
    body = response.content.decode()
    assert 'id="quota-shapes"' in body
    assert json.loads(body.split('id="quota-shapes" type="application/json">')[1].split("<")[0])


def test_run_button_starts_a_job_and_the_worker_makes_the_run(client, province_officer, selected):
    programme, first_run, *_ = selected
    client.force_login(province_officer)
    response = client.post(reverse("programs:select", args=[programme.pk]))
    job = Job.objects.get(kind=SELECTION_JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.params == {"programme_id": programme.pk}
    assert programme.runs.count() == 1  # nothing until the worker runs it
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded"
    new_run = programme.runs.get(status=RunStatus.DRAFT)
    assert (job.result["run_id"], job.result["selected"], job.result["eligible"]) == (
        new_run.pk,
        2,
        3,
    )
    assert job.result["result_url"] == reverse("programs:detail", args=[programme.pk])
    first_run.refresh_from_db()
    assert first_run.status == RunStatus.SUPERSEDED


def test_auditor_cannot_post_anything(client, auditor, province_officer, selected):
    programme, run, alor_first, *_ = selected
    decision = Decision.objects.get(run=run, nik=alor_first.nik)
    from lindungi.programs.approval import propose_exclusion

    proposal = propose_exclusion(
        user=province_officer, decision=decision, reason="Sudah pindah ke luar daerah"
    )
    client.force_login(auditor)
    events = AuditEvent.objects.count()  # after the sign-in, which is audited
    posts = [
        (reverse("programs:create"), {"name": "X"}),
        (reverse("programs:select", args=[programme.pk]), {}),
        (reverse("programs:approve", args=[run.pk]), {}),
        (reverse("programs:propose", args=[run.pk, alor_first.nik]), {"reason": "x" * 20}),
        (reverse("programs:decide", args=[proposal.pk]), {"accept": "1"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in {302, 403}, url
    run.refresh_from_db()
    proposal.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    assert proposal.status == "proposed"
    assert ExclusionProposal.objects.count() == 1
    assert Programme.objects.count() == 1
    assert SelectionRun.objects.count() == 1
    assert Job.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert client.get(reverse("programs:create")).status_code == 403


def test_regency_officer_cannot_start_a_selection(client, regency_officer, selected):
    programme, *_ = selected
    client.force_login(regency_officer)
    response = client.post(reverse("programs:select", args=[programme.pk]))
    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_pages_need_a_login(client, selected):
    programme, run, *_ = selected
    for url in [
        reverse("programs:list"),
        reverse("programs:detail", args=[programme.pk]),
        reverse("programs:quotas", args=[run.pk]),
        reverse("programs:decisions", args=[run.pk, ALOR]),
    ]:
        assert client.get(url).status_code == 302


def test_a_job_on_an_approved_programme_fails_with_an_indonesian_message(
    client, province_officer, selected, province_admin
):
    from lindungi.programs.approval import approve_run

    programme, run, *_ = selected
    approve_run(user=province_admin, run=run)
    client.force_login(province_officer)
    client.post(reverse("programs:select", args=[programme.pk]))
    job = Job.objects.get(kind=SELECTION_JOB_KIND)
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error_message == (
        "Program ini sudah memiliki seleksi yang disetujui; seleksinya dibekukan."
    )
    assert list(programme.runs.values_list("pk", "status")) == [(run.pk, RunStatus.APPROVED)]
    assert Decision.objects.filter(run=run).count() == 3
