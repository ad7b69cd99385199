"""The list toolkit (core.lists) through real pages: sorting, keyset pages, exports, export jobs."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lindungi.audit.models import AuditEvent
from lindungi.core import lists
from lindungi.core.permissions import mask_nik
from lindungi.jobs.files import files_dir
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job
from lindungi.registry.models import Person
from lindungi.registry.tests.factories import PersonFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"
PEOPLE = "/registry/"


@pytest.fixture
def crowd(db):
    """60 people in Alor with only three names (ties everywhere), and 5 in TTU."""
    alor = [
        PersonFactory(village_code=ALOR_VILLAGE, full_name=f"WARGA {index % 3}")
        for index in range(60)
    ]
    ttu = [PersonFactory(village_code=TTU_VILLAGE, full_name="WARGA 1") for _ in range(5)]
    return alor, ttu


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _walk(client, url):
    """Follow the Next links from `url` to the last page; the ids of every page in order."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        listing = response.context["listing"]
        pages.append([row.pk for row in listing])
        url = listing.next_url and PEOPLE + listing.next_url
        if len(pages) > 20:
            raise AssertionError("the Next links do not end")
    return pages, response


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("token", ["name", "-name"])
def test_keyset_pages_visit_every_row_once_in_order_despite_ties(
    client, province_officer, crowd, token
):
    client.force_login(province_officer)
    pages, last = _walk(client, f"{PEOPLE}?sort={token}&size=25")
    expected = list(
        Person.objects.order_by(
            *(["full_name", "pk"] if token == "name" else ["-full_name", "-pk"])
        ).values_list("pk", flat=True)
    )
    assert [len(page) for page in pages] == [25, 25, 15]
    assert [pk for page in pages for pk in page] == expected
    # Back from the last page with the Previous links: the same pages, in reverse.
    back = []
    url = PEOPLE + last.context["listing"].previous_url
    while url:
        listing = client.get(url).context["listing"]
        back.append([row.pk for row in listing])
        url = listing.previous_url and PEOPLE + listing.previous_url
    assert back == pages[-2::-1]
    assert listing.has_next and not listing.has_previous


def test_next_and_previous_links_keep_the_filters_and_never_pile_up(
    client, province_officer, crowd
):
    client.force_login(province_officer)
    first = client.get(PEOPLE, {"regency": "53.05", "sort": "name", "size": "25"})
    listing = first.context["listing"]
    second = client.get(PEOPLE + listing.next_url)
    next_query = second.context["listing"].next_url
    previous_query = second.context["listing"].previous_url
    for parameter in ("regency=53.05", "sort=name", "size=25"):
        assert next_query.count(parameter) == 1
        assert previous_query.count(parameter) == 1
    assert next_query.count("after=") == 1 and "before=" not in next_query
    assert previous_query.count("before=") == 1 and "after=" not in previous_query
    pages, _last = _walk(client, PEOPLE + listing.next_url)
    shown = Person.objects.filter(pk__in=[pk for page in pages for pk in page])
    assert set(shown.values_list("regency_id", flat=True)) == {"53.05"}


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "nik; DROP TABLE registry_person"},
        {"sort": "-full_name"},  # an ORM path, not a column key
        {"sort": "address"},  # not a column of the page
        {"sort": "village__regency__name"},
        {"size": "7"},
        {"size": "-1"},
        {"after": "abc"},
        {"after": "' OR 1=1 --"},
        {"before": "99999999999"},
        {"after": "1" * 40},
    ],
)
def test_unknown_sorts_sizes_and_cursors_show_the_first_page(
    client, province_officer, crowd, query
):
    client.force_login(province_officer)
    response = client.get(PEOPLE, query)
    assert response.status_code == 200
    listing = response.context["listing"]
    expected = list(Person.objects.order_by("nik").values_list("pk", flat=True)[:50])
    assert [row.pk for row in listing] == expected
    assert Person.objects.count() == 65


def test_a_cursor_from_another_regency_starts_over_and_shows_nothing_of_it(
    client, regency_officer, crowd
):
    _alor, ttu = crowd
    client.force_login(regency_officer)
    response = client.get(PEOPLE, {"after": ttu[0].pk})
    listing = response.context["listing"]
    assert not listing.has_previous
    assert {row.regency_id for row in listing} == {"53.05"}


def test_sorting_by_a_header_flips_and_marks_the_column(client, province_officer, crowd):
    client.force_login(province_officer)
    listing = client.get(PEOPLE, {"sort": "name"}).context["listing"]
    header = next(header for header in listing.headers if header.key == "name")
    assert header.active and not header.descending
    assert "sort=-name" in header.url
    unsorted = next(header for header in listing.headers if header.key == "desil")
    assert not unsorted.sortable and unsorted.url == ""


def test_export_holds_exactly_the_filtered_scoped_rows(client, regency_officer, crowd):
    _alor, ttu = crowd
    client.force_login(regency_officer)
    response = client.get(PEOPLE, {"export": "csv", "q": "WARGA 1", "sort": "-name"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:2] in (["NIK", "Nama"], ["NIK", "Name"])
    wanted = Person.objects.filter(regency_id="53.05", full_name="WARGA 1").order_by("-pk")
    assert [row[0] for row in rows[1:]] == [person.nik for person in wanted]
    assert len(wanted) == 20
    for person in ttu:
        assert person.nik not in content
    event = AuditEvent.objects.filter(action="export.people").latest("pk")
    assert event.actor_username == regency_officer.username


def test_export_masks_the_nik_for_a_role_without_full_nik_and_keeps_it_text(
    client, insurer_liaison, crowd
):
    alor, _ttu = crowd
    client.force_login(insurer_liaison)
    response = client.get(PEOPLE, {"export": "xlsx", "regency": "53.05"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    niks = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(niks) == sorted(mask_nik(person.nik) for person in alor)


def test_export_neutralises_formulas(client, province_officer, db):
    PersonFactory(village_code=ALOR_VILLAGE, full_name='=HYPERLINK("http://x","klik")')
    PersonFactory(village_code=ALOR_VILLAGE, full_name="@SUM(A1)")
    client.force_login(province_officer)
    names = {row[1] for row in _csv_rows(client.get(PEOPLE, {"export": "csv"}))[1:]}
    assert names == {'\'=HYPERLINK("http://x","klik")', "'@SUM(A1)"}
    response = client.get(PEOPLE, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert {row[1].value for row in cells} == names
    assert all(row[1].data_type == "s" and row[0].data_type == "s" for row in cells)


def _export_job(client, monkeypatch, params):
    monkeypatch.setattr(lists, "EXPORT_JOB_THRESHOLD", 3)
    response = client.get(PEOPLE, params)
    job = Job.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert execute_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    return job


def test_a_large_export_is_a_job_whose_file_only_its_owner_downloads(
    client, monkeypatch, regency_officer, outsider, province_officer, crowd
):
    _alor, ttu = crowd
    client.force_login(regency_officer)
    job = _export_job(client, monkeypatch, {"export": "csv", "sort": "-name", "q": "WARGA 2"})
    assert job.regency_id == "53.05"
    assert job.result["rows"] == 20
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert job.result["result_url"] in page.content.decode()
    download = client.get(job.result["result_url"])
    assert download.status_code == 200
    rows = _csv_rows(download)
    wanted = Person.objects.filter(regency_id="53.05", full_name="WARGA 2").order_by("-pk")
    assert [row[0] for row in rows[1:]] == [person.nik for person in wanted]
    assert not {person.nik for person in ttu} & {row[0] for row in rows}
    # Another regency's officer and the province officer (not the owner) get nothing.
    for other in (outsider, province_officer):
        client.force_login(other)
        assert client.get(job.result["result_url"]).status_code == 404


def test_an_export_job_never_holds_another_regencys_rows(client, regency_officer, crowd):
    from django.http import QueryDict

    from lindungi.registry.lists import PEOPLE as PEOPLE_LIST

    _alor, ttu = crowd
    client.force_login(regency_officer)
    # Asking for TTU by filter is not a way round the scope: not in a request...
    rows = _csv_rows(client.get(PEOPLE, {"export": "csv", "regency": "53.03"}))
    assert rows[1:] == []
    # ...nor in a job queued with those filters (as a forged request would queue it).
    job = lists.hooks.start_job(
        PEOPLE_LIST, regency_officer, QueryDict("export=xlsx&regency=53.03"), {}
    )
    assert execute_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    content = b"".join(client.get(job.result["result_url"]).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 1  # the header alone
    assert all(person.nik.encode() not in content for person in ttu)


def test_an_expired_export_file_is_gone(client, monkeypatch, province_officer, crowd):
    client.force_login(province_officer)
    job = _export_job(client, monkeypatch, {"export": "csv"})
    url = job.result["result_url"]
    assert client.get(url).status_code == 200
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    response = client.get(url)
    assert response.status_code == 410
    assert not list(files_dir().glob(f"job-{job.pk}.*"))


def test_purge_removes_only_files_past_retention(db):
    import os

    from lindungi.jobs.files import RETENTION, job_file_path, purge_expired_files

    old, new = job_file_path(1, "csv"), job_file_path(2, "csv")
    old.write_text("a")
    new.write_text("b")
    past = (timezone.now() - RETENTION - timedelta(hours=1)).timestamp()
    os.utime(old, (past, past))
    assert purge_expired_files() == 1
    assert not old.exists() and new.exists()


def test_seek_condition_for_two_columns_and_the_id():
    ordering = lists.Ordering("name", False, ("full_name",))
    condition = lists.seek(ordering, ["B"], 7, forward=True)
    # full_name > B OR (full_name = B AND id > 7)
    assert str(condition) == (
        "(OR: ('full_name__gt', 'B'), (AND: ('full_name', 'B'), ('pk__gt', 7)))"
    )
    backwards = lists.seek(lists.Ordering("name", True, ("full_name",)), ["B"], 7, forward=False)
    assert str(backwards) == (
        "(OR: ('full_name__gt', 'B'), (AND: ('full_name', 'B'), ('pk__gt', 7)))"
    )


LIST_PAGES = [
    "registry:people",
    "registry:imports",
    "registry:duplicates",
    "enrollment:list",
    "enrollment:batches",
    "enrollment:exits",
    "contributions:invoices",
    "contributions:reconciliation",
    "audit:list",
    "jobs:list",
    "benefits:list",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_list_sorts_by_each_header_and_exports_its_columns(client, province_admin, name):
    PersonFactory(village_code=ALOR_VILLAGE, full_name="=1+1")
    client.force_login(province_admin)
    url = reverse(name)
    listing = client.get(url, {"size": "25"}).context["listing"]
    assert listing.size == 25
    for header in [header for header in listing.headers if header.sortable]:
        for link in (header.url, client.get(url + header.url).context["listing"].headers):
            target = (
                link if isinstance(link, str) else next(h.url for h in link if h.key == header.key)
            )
            response = client.get(url + target)
            assert response.status_code == 200, (name, target)
            assert response.context["listing"].ordering.key == header.key
    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert rows[0] == [str(column.label) for column in listing.definition.columns]
    # Counted after the export: the audit trail's own list holds the export's event too.
    assert len(rows) - 1 == client.get(url).context["listing"].count
    assert AuditEvent.objects.filter(
        action__startswith="export.", object_id=listing.definition.name
    )
