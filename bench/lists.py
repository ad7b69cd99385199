"""Benchmark: the people and enrollment list pages at a million rows, keyset beside OFFSET.

    .venv/bin/python -m bench.lists [--postgres] [--rows N]

Builds N candidates (bench.dashboard's set-based fill) and one enrollment for each of them,
then requests, as a province officer with Django's test client, the people list (/registry/)
and the enrollment list (/enrollment/) at page 1 and at a deep page (three quarters down the
list, reached by the keyset cursor `?after=<id>` as the "Next" links do), and the enrollment
list sorted by a column. Baselines, measured in the same run: the former pages' queries, a
Django Paginator over the same rows at page 1 and at the same deep page (COUNT(*) and
LIMIT ... OFFSET), and the keyset queries alone. Target: every page under 300 ms.
"""

from datetime import date

from bench.dashboard import _RUN, _fill, _programme, _row, _timings
from bench.harness import parse_args, print_table, setup_django

REQUESTS = 10
PAGE = 50


def _enroll_everyone(vendor: str) -> None:
    """bench.dashboard enrolls the selected tenth; enroll every other decision too, so that the
    enrollment list holds N rows."""
    from django.db import connection, transaction

    kpj = (
        "lpad(d.person_id::text, 11, '0')"
        if vendor == "postgresql"
        else ("printf('%%011d', d.person_id)")
    )
    now = "now()" if vendor == "postgresql" else "CURRENT_TIMESTAMP"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,
                decision_id, state, kpj, start_date, end_reason, rejection_reason,
                created_at, updated_at)
            SELECT d.person_id, %s, %s, d.regency_id, d.id, 'active',
                {kpj}, %s, '', '', {now}, {now}
            FROM programs_decision d WHERE d.outcome <> 'selected'
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [_RUN["programme"], _RUN["cohort"], date(2025, 7, 18)],
        )
        cursor.execute("ANALYZE")


def main() -> None:
    args = parse_args("List pages at scale: keyset vs OFFSET", default_rows=1_000_000)
    vendor = setup_django("lists", postgres=args.postgres)
    from django.core.paginator import Paginator
    from django.db.models import Q
    from django.test import Client

    from lindungi.accounts.models import User
    from lindungi.core.roles import Role
    from lindungi.enrollment.models import Enrollment
    from lindungi.regions.services import load_regions
    from lindungi.registry.models import Person

    load_regions(province_codes=["53"])
    _programme()
    _fill(args.rows, vendor)
    _enroll_everyone(vendor)
    officer = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)

    people = Person.objects.all().select_related("village").order_by("nik")
    enrollments = Enrollment.objects.select_related("person", "regency", "cohort")
    deep_index = (args.rows * 3) // 4
    deep_page = deep_index // PAGE + 1
    person_after = people.values_list("pk", flat=True)[deep_index - 1]
    person_nik = Person.objects.get(pk=person_after).nik
    enrollment_after = enrollments.order_by("pk").values_list("pk", flat=True)[deep_index - 1]

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    def offset_page(queryset, number):
        def call():
            page = Paginator(queryset, PAGE).get_page(number)
            list(page.object_list)

        return call

    def keyset(queryset, condition, order):
        def call():
            list(queryset.filter(condition).order_by(*order)[: PAGE + 1])

        return call

    get("/registry/")()  # warm-up: templates compiled, connection open
    name_sorted = "/enrollment/?sort=name"
    rows = [
        ("people page 1 /registry/", get("/registry/")),
        (f"people deep page (row {deep_index:,}) ?after=", get(f"/registry/?after={person_after}")),
        ("people size=500, deep", get(f"/registry/?size=500&after={person_after}")),
        ("enrollments page 1 /enrollment/", get("/enrollment/")),
        (
            f"enrollments deep page (row {deep_index:,}) ?after=",
            get(f"/enrollment/?after={enrollment_after}"),
        ),
        ("enrollments sorted by name, page 1", get(name_sorted)),
        (
            "enrollments sorted by name, deep",
            get(f"{name_sorted}&after={enrollment_after}"),
        ),
        ("keyset query only: people deep", keyset(people, Q(nik__gt=person_nik), ["nik"])),
        (
            "keyset query only: enrollments deep",
            keyset(enrollments, Q(pk__gt=enrollment_after), ["pk"]),
        ),
        ("baseline: OFFSET people page 1 (Paginator)", offset_page(people, 1)),
        (f"baseline: OFFSET people page {deep_page:,}", offset_page(people, deep_page)),
        (
            "baseline: OFFSET enrollments page 1 (former order)",
            offset_page(enrollments.order_by("regency_id", "person__nik"), 1),
        ),
        (
            f"baseline: OFFSET enrollments page {deep_page:,} (former order)",
            offset_page(enrollments.order_by("regency_id", "person__nik"), deep_page),
        ),
    ]
    print_table(
        f"List pages ({vendor}, {args.rows:,} people and enrollments)",
        [_row(name, _timings(call, REQUESTS)) for name, call in rows],
    )


if __name__ == "__main__":
    main()
