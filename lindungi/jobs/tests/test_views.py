import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job
from lindungi.jobs.progress import JobProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(province_officer, regency_officer, outsider):
    """One job in Alor, one in TTU and one for the whole province."""
    return {
        "alor": Job.objects.create(
            kind="jobs_test.count",
            label="Impor Alor",
            created_by=regency_officer,
            regency_id="53.05",
        ),
        "ttu": Job.objects.create(
            kind="jobs_test.count", label="Impor TTU", created_by=outsider, regency_id="53.03"
        ),
        "province": Job.objects.create(
            kind="jobs_test.count", label="Tagihan provinsi", created_by=province_officer
        ),
    }


def _finish(job: Job, **fields) -> Job:
    now = timezone.now()
    fields = {"started_at": now, "finished_at": now, **fields}
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def _listed_labels(client) -> set[str]:
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    return {job.label for job in response.context["page"]}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("province_officer", {"Impor Alor", "Impor TTU", "Tagihan provinsi"}),
        ("province_admin", {"Impor Alor", "Impor TTU", "Tagihan provinsi"}),
        ("auditor", {"Impor Alor", "Impor TTU", "Tagihan provinsi"}),
        ("regency_officer", {"Impor Alor"}),
        ("outsider", {"Impor TTU"}),
    ],
)
def test_job_list_is_scoped_to_what_the_user_may_see(client, jobs, persona, visible, request):
    client.force_login(request.getfixturevalue(persona))
    assert _listed_labels(client) == visible


def test_job_list_shows_status_and_links_in_indonesian(client, jobs, regency_officer):
    client.force_login(regency_officer)
    body = client.get(reverse("jobs:list")).content.decode()
    assert "<h1>Pekerjaan latar</h1>" in body
    assert "Dalam antrean" in body
    assert reverse("jobs:detail", args=[jobs["alor"].pk]) in body
    assert reverse("jobs:detail", args=[jobs["ttu"].pk]) not in body


def test_job_pages_need_a_login(client, jobs):
    for name in ("jobs:detail", "jobs:progress", "jobs:json"):
        response = client.get(reverse(name, args=[jobs["alor"].pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:progress", "jobs:json"])
def test_another_regencys_job_does_not_exist_for_an_outsider(client, jobs, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[jobs["alor"].pk])).status_code == 404
    assert client.get(reverse(name, args=[jobs["province"].pk])).status_code == 404
    assert client.get(reverse(name, args=[jobs["ttu"].pk])).status_code == 200


def test_running_job_page_polls_its_progress(client, jobs, regency_officer):
    job = jobs["alor"]
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    progress = JobProgress(job.pk, interval=0)
    progress.start(1200, "Memeriksa NIK")
    progress.advance(300)
    client.force_login(regency_officer)

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page

    partial = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert '<progress value="25" max="100"' in body
    assert "300 dari 1.200 (25%)" in body
    assert "Memeriksa NIK" in body
    assert "Berjalan" in body


def test_progress_partial_stops_htmx_polling_with_286_when_finished(client, jobs, regency_officer):
    job = _finish(
        jobs["alor"],
        status=JobStatus.SUCCEEDED,
        done=12,
        total=12,
        result={"accepted": 10, "rejected": 2, "result_url": "/registry/imports/7/"},
    )
    client.force_login(regency_officer)
    response = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    body = response.content.decode()
    assert '<progress value="100" max="100"' in body
    assert "12 dari 12 (100%)" in body
    assert "<code>accepted</code></th><td>10</td>" in body
    assert "<code>rejected</code></th><td>2</td>" in body
    assert 'href="/registry/imports/7/"' in body

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "hx-get" not in page  # a finished job's page does not poll at all
    assert "<code>accepted</code></th><td>10</td>" in page


def test_a_failed_job_shows_its_message_and_only_superusers_see_the_traceback(
    client, jobs, regency_officer, superuser
):
    job = _finish(
        jobs["alor"],
        status=JobStatus.FAILED,
        error_message="Berkas tidak memiliki kolom NIK.",
        error_detail="Traceback ... InvalidInput",
    )
    client.force_login(regency_officer)
    response = client.get(reverse("jobs:progress", args=[job.pk]))
    assert response.status_code == 286
    body = response.content.decode()
    assert "Berkas tidak memiliki kolom NIK." in body
    assert "Gagal" in body
    assert "Traceback" not in body

    client.force_login(superuser)
    assert (
        "Traceback ... InvalidInput"
        in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )


def test_result_links_never_point_off_site(client, jobs, regency_officer):
    job = _finish(
        jobs["alor"],
        status=JobStatus.SUCCEEDED,
        result={"result_url": "javascript:alert(1)", "other": "https://evil.example/"},
    )
    client.force_login(regency_officer)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "javascript:alert" not in body
    assert "Buka hasilnya" not in body


def test_a_kind_may_bring_its_own_result_template(
    client, jobs, regency_officer, settings, tmp_path
):
    template_dir = tmp_path / "jobs_test" / "jobs"
    template_dir.mkdir(parents=True)
    (template_dir / "jobs_test_count_result.html").write_text(
        "<p class=custom>Dihitung: {{ result.counted }}</p>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    job = _finish(jobs["alor"], status=JobStatus.SUCCEEDED, result={"counted": 7})
    client.force_login(regency_officer)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<p class=custom>Dihitung: 7</p>" in body
    assert "<code>counted</code>" not in body


def test_job_json(client, jobs, regency_officer):
    job = _finish(jobs["alor"], status=JobStatus.SUCCEEDED, done=3, total=4, result={"accepted": 3})
    client.force_login(regency_officer)
    data = client.get(reverse("jobs:json", args=[job.pk])).json()
    assert data == {
        "id": job.pk,
        "kind": "jobs_test.count",
        "label": "Impor Alor",
        "status": "succeeded",
        "status_display": "Berhasil",
        "is_finished": True,
        "progress": {"done": 3, "total": 4, "label": "", "percent": 75},
        "result": {"accepted": 3},
        "error": "",
        "regency": "53.05",
        "created_by": "alor_officer",
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat(),
        "finished_at": job.finished_at.isoformat(),
    }


def test_job_list_query_count_does_not_grow_with_jobs(
    client, jobs, province_officer, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    client.force_login(province_officer)
    # The menu's count of work waiting is computed once a minute per user: warm it first.
    client.get(reverse("jobs:list"))
    # session, user, the page of jobs with their creators and regencies, the worker heartbeats
    # and the queue's figures (one page: its rows are the count, core.lists)
    with django_assert_num_queries(5):
        client.get(reverse("jobs:list"))
    for number in range(5):
        Job.objects.create(kind="jobs_test.count", label=f"x{number}", created_by=province_officer)
    with django_assert_num_queries(5):
        assert len(client.get(reverse("jobs:list")).context["page"]) == 8


def test_every_kind_of_job_reads_its_result_as_sentences():
    """A finished job shows sentences and figures, not raw keys and JSON: every registered
    kind brings its own result template."""
    import django.apps  # noqa: F401  (handlers register when their apps load)

    from lindungi.jobs.registry import registered_kinds
    from lindungi.jobs.views import result_template_name

    missing = []
    for kind in registered_kinds():
        if kind.startswith("jobs_test."):
            continue  # the kinds these tests register
        try:
            get_template(result_template_name(kind))
        except TemplateDoesNotExist:
            missing.append(kind)
    assert missing == []


def test_a_selection_result_reads_as_a_sentence_with_labelled_reasons(client, province_officer):
    job = Job.objects.create(
        kind="programs.selection", label="Seleksi", created_by=province_officer
    )
    job = _finish(
        job,
        status=JobStatus.SUCCEEDED,
        result={
            "run_id": 3,
            "candidates": 1500,
            "eligible": 1200,
            "selected": 1000,
            "waitlisted": 200,
            "target": 1000,
            "ineligible_by_reason": {"desil_above_limit": 250, "deceased": 50, "wage_earner": 0},
            "dry_run": False,
            "result_url": "/programs/1/",
        },
    )
    client.force_login(province_officer)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Dari 1.500 calon, 1.200 memenuhi syarat." in body
    assert "Meninggal" in body and "desil_above_limit" not in body
    assert "<code>" not in body
    assert 'href="/programs/1/"' in body
