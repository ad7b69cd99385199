"""Issue 16.1/16.3: the partner endpoints read through the pages' selectors and scoping: a
regency's client never sees another regency's people, files that span every regency are
refused to it, bad parameters are 400 with a stable code, never a 500."""

import re

import pytest

from lindungi.api.tests.partners import ALOR, TTU, TTU_VILLAGE, api, build_world
from lindungi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


@pytest.fixture
def world(province_officer):
    return build_world(province_officer)


def niks_in(response) -> set[str]:
    return set(NIK.findall(response.content.decode()))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_rejected_rows_of_every_import_keep_their_cells_and_their_regency(
    world, province_token, alor_token, liaison_token, regency_officer, outsider, tmp_path,
    settings,
):  # fmt: skip
    from lindungi.registry.importing import import_candidates
    from lindungi.registry.tests.helpers import candidate, write_csv

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    for officer, region, village in (
        (regency_officer, ALOR, "53.05.01.1001"),
        (outsider, TTU, TTU_VILLAGE),
    ):
        rows = [candidate(900 + index, village=village) for index in range(2)]
        rows.append({**rows[0], "NIK": "123"})
        path = write_csv(tmp_path / f"{region}.csv", rows)
        import_candidates(file=path, file_name=f"{region}.csv", user=officer, regency=region)

    province, alor = api(province_token), api(alor_token)
    every = results(province.get("/api/import-rejects/"))
    assert [(row["reason"], row["original"]["NIK"]) for row in every] == [
        ("nik_invalid", "123"),
        ("nik_invalid", "123"),
    ]
    own = results(alor.get("/api/import-rejects/"))
    assert len(own) == 1 and own[0]["candidate_import"] != every[1]["candidate_import"]
    # Another regency's import by id: an empty page, not its rows.
    other = every[1]["candidate_import"]
    assert results(alor.get(f"/api/import-rejects/?candidate_import={other}")) == []

    # Exit files are regional: each regency reads its own rejects only.
    exits = results(alor.get("/api/exit-rejects/"))
    assert [row["nik"] for row in exits] == [world.alor[0].person.nik]
    assert len(results(province.get("/api/exit-rejects/"))) == 2
    assert {row["regency"] for row in results(alor.get("/api/exit-imports/"))} == {ALOR}

    # Response and claim files span every regency: not for a regency's client (as the pages).
    assert alor.get("/api/response-rejects/").status_code == 403
    assert alor.get("/api/responses/").status_code == 403
    assert alor.get("/api/claim-rejects/").status_code == 403
    assert alor.get("/api/claim-files/").status_code == 403
    liaison = api(liaison_token)
    assert [row["reason"] for row in results(liaison.get("/api/response-rejects/"))] == [
        "nik_not_in_batch"
    ]
    assert [row["reason"] for row in results(liaison.get("/api/claim-rejects/"))] == [
        "person_unknown"
    ]
    assert [row["number"] for row in results(liaison.get("/api/batches/"))] == ["B-2025-001"]

    # Statement rejects name people of no known regency: province-wide readers only.
    assert [row["reason"] for row in results(province.get("/api/statement-rejects/"))] == [
        "unknown_person"
    ]
    assert results(alor.get("/api/statement-rejects/")) == []
    assert niks_in(alor.get("/api/exit-rejects/")) <= world.niks(world.alor)


def test_reconciliation_by_category_counts_only_the_lines_a_reader_may_see(
    world, province_token, alor_token
):
    province, alor = api(province_token), api(alor_token)
    pk = world.statement.pk
    assert [row["id"] for row in results(province.get("/api/statements/"))] == [pk]

    def categories(client):
        body = client.get(f"/api/statements/{pk}/").json()
        return {row["category"]: row["count"] for row in body["categories"] if row["category"]}

    assert categories(province) == {
        "matched": 1,
        "amount_mismatch": 1,
        "not_billed": 1,
        "not_active_here": 0,
    }
    assert categories(alor) == {
        "matched": 1,
        "amount_mismatch": 0,
        "not_billed": 1,
        "not_active_here": 0,
    }
    lines = results(alor.get(f"/api/statement-lines/?statement={pk}"))
    assert {line["regency"] for line in lines} == {ALOR}
    assert niks_in(alor.get(f"/api/statement-lines/?statement={pk}")) <= world.niks(world.alor)
    mismatched = results(province.get("/api/statement-lines/?category=amount_mismatch"))
    assert [line["enrollment"] for line in mismatched] == [world.ttu[0].pk]
    assert len(results(province.get("/api/statement-lines/?resolved=false"))) == 3
    assert results(province.get("/api/statement-lines/?resolved=true")) == []


def test_cohorts_and_payers_carry_their_funding(world, province_token, alor_token):
    province, alor = api(province_token), api(alor_token)
    (cohort,) = results(province.get("/api/cohorts/"))
    assert [(f["payer_name"], f["share_bp"]) for f in cohort["funding"]] == [
        ("Pemerintah Provinsi NTT", 5_000),
        ("Pemerintah Kabupaten Alor", 5_000),
    ]
    every = {payer["name"]: payer for payer in results(province.get("/api/payers/"))}
    assert set(every) == {"Pemerintah Provinsi NTT", "Pemerintah Kabupaten Alor"}
    assert every["Pemerintah Kabupaten Alor"]["funding"][0]["share_bp"] == 5_000
    # A regency's reader sees its own regency's payers only (as on the budget page).
    assert [payer["name"] for payer in results(alor.get("/api/payers/"))] == [
        "Pemerintah Kabupaten Alor"
    ]


def test_budgets_per_payer_with_spent_and_forecast(world, province_token, alor_token):
    from lindungi.contributions.models import Invoice

    rows = api(province_token).get("/api/budgets/?year=2025")
    assert rows.status_code == 200, rows.content
    by_name = {row["payer_name"]: row for row in rows.json()}
    province_invoices = Invoice.objects.filter(payer__regency__isnull=True, month__year=2025)
    assert by_name["Pemerintah Provinsi NTT"]["spent"] == sum(i.total for i in province_invoices)
    assert by_name["Pemerintah Provinsi NTT"]["appropriated"] == 0
    assert by_name["Pemerintah Provinsi NTT"]["forecast"]["months_left"] == 4
    alor = api(alor_token).get("/api/budgets/?year=2025").json()
    assert [row["payer_name"] for row in alor] == ["Pemerintah Kabupaten Alor"]


def test_payments_show_a_regency_its_share(world, province_officer, province_token, alor_token):
    import datetime

    from lindungi.contributions.payments import record_payment

    record_payment(invoice=world.invoice, paid_on=datetime.date(2025, 8, 20),
                   amount=world.invoice.total, bank_reference="BNTT-1",
                   user=province_officer)  # fmt: skip
    (whole,) = results(api(province_token).get("/api/payments/"))
    assert whole["visible_amount"] == whole["amount"] == world.invoice.total
    (share,) = results(api(alor_token).get("/api/payments/"))
    alor_lines = world.invoice.lines.filter(regency_id=ALOR)
    assert share["visible_amount"] == sum(line.total for line in alor_lines) < whole["amount"]


def test_claims_with_items_verdict_and_audited_heirs(
    world, province_token, alor_token, statistics_token
):
    province, alor = api(province_token), api(alor_token)
    listed = results(province.get("/api/claims/"))
    assert {claim["number"] for claim in listed} == {"KLM-ALOR", "KLM-TTU"}
    assert "heirs" not in listed[0] and listed[0]["items"][0]["item"] == "funeral"
    assert [claim["number"] for claim in results(alor.get("/api/claims/"))] == ["KLM-ALOR"]
    assert niks_in(alor.get("/api/claims/")) <= world.niks(world.alor)

    before = AuditEvent.objects.filter(action="benefits.heirs_viewed").count()
    detail = alor.get(f"/api/claims/{world.alor_claim.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["verdict"] == "unknown" and body["heirs"][0]["name"] == "AHLI WARIS KLM-ALOR"
    assert AuditEvent.objects.filter(action="benefits.heirs_viewed").count() == before + 1
    # Another regency's claim is not found, and its heirs are not read (nor audited).
    assert alor.get(f"/api/claims/{world.ttu_claim.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="benefits.heirs_viewed").count() == before + 1
    # Public statistics reads no claims at all.
    assert api(statistics_token).get("/api/claims/").status_code == 403


def test_dashboard_figures_cover_the_readers_regencies(world, province_token, alor_token):
    from lindungi.reports.services import refresh_summaries

    refresh_summaries()
    province = api(province_token).get("/api/dashboard/")
    assert province.status_code == 200, province.content
    codes = {row["code"] for row in province.json()["regencies"]}
    assert {ALOR, TTU} <= codes
    alor = api(alor_token).get("/api/dashboard/").json()
    assert [row["code"] for row in alor["regencies"]] == [ALOR]
    assert alor["funnel"]["candidates"] == 2
    assert api(alor_token).get(f"/api/dashboard/?regency={TTU}").json()["regencies"] == []


def test_award_results_are_published_ones_except_for_the_province(
    db, province_token, liaison_token, alor_token
):
    from lindungi.awards.models import AssessmentPeriod, Category, Entry

    period = AssessmentPeriod.objects.create(year=2025)
    category = Category.objects.create(period=period, kind="regency_government")
    Entry.objects.create(category=category, regency_id=ALOR, name="Kabupaten Alor", rank=1,
                         final_score="87.50")  # fmt: skip
    assert [row["name"] for row in results(api(province_token).get("/api/award-results/"))] == [
        "Kabupaten Alor"
    ]
    assert results(api(liaison_token).get("/api/award-results/")) == []
    assert results(api(alor_token).get("/api/award-results/")) == []
    AssessmentPeriod.objects.filter(pk=period.pk).update(status="published")
    (row,) = results(api(liaison_token).get("/api/award-results/?year=2025"))
    assert (row["rank"], row["final_score"], row["year"]) == (1, 87.5, 2025)
    assert results(api(liaison_token).get("/api/award-results/?year=2024")) == []


@pytest.mark.parametrize(
    ("path", "parameter", "code"),
    [
        ("/api/claims/?verdict=maybe", "verdict", "unknown_value"),
        ("/api/claims/?regency=Alor", "regency", "bad_format"),
        ("/api/claims/?nik=12", "nik", "bad_format"),
        ("/api/statement-lines/?category=lost", "category", "unknown_value"),
        ("/api/statement-lines/?resolved=yes", "resolved", "unknown_value"),
        ("/api/statement-lines/?statement=-1", "statement", "bad_id"),
        ("/api/statements/?month=2025-13-01", "month", "bad_format"),
        ("/api/statements/?month=0000-01-01", "month", "out_of_range"),
        ("/api/import-rejects/?cursor=zzz", "cursor", "bad_cursor"),
        ("/api/import-rejects/?reason=bad", "reason", "unknown_value"),
        ("/api/exit-rejects/?exit_import=99999999999", "exit_import", "bad_id"),
        ("/api/payments/?limit=0", "limit", "bad_limit"),
        ("/api/payments/?colour=red", "colour", "unknown_parameter"),
        ("/api/budgets/?year=20x5", "year", "bad_format"),
        ("/api/budgets/?payer=abc", "payer", "bad_id"),
        ("/api/dashboard/?programme=abc", "programme", "bad_id"),
        ("/api/dashboard/?programme=999999", "programme", "unknown_value"),
        ("/api/award-results/?year=1", "year", "bad_format"),
        ("/api/batches/?status=lost", "status", "unknown_value"),
        ("/api/cohorts/?programme=0", "programme", "bad_id"),
        ("/api/jobs/1/?x=1", "x", "unknown_parameter"),
    ],
)
def test_bad_parameters_are_400_with_a_stable_code(province_token, path, parameter, code):
    response = api(province_token).get(path)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["errors"][parameter][0]["code"] == code


PARTNER_PATHS = {
    ("/api/import-rejects/", "get"),
    ("/api/batches/", "get"),
    ("/api/batches/{id}/", "get"),
    ("/api/responses/", "get"),
    ("/api/response-rejects/", "get"),
    ("/api/exit-imports/", "get"),
    ("/api/exit-rejects/", "get"),
    ("/api/claim-files/", "get"),
    ("/api/claim-rejects/", "get"),
    ("/api/statements/", "get"),
    ("/api/statements/{id}/", "get"),
    ("/api/statement-lines/", "get"),
    ("/api/statement-rejects/", "get"),
    ("/api/cohorts/", "get"),
    ("/api/payers/", "get"),
    ("/api/payments/", "get"),
    ("/api/payments/", "post"),
    ("/api/budgets/", "get"),
    ("/api/claims/", "get"),
    ("/api/claims/{id}/", "get"),
    ("/api/dashboard/", "get"),
    ("/api/award-results/", "get"),
    ("/api/jobs/{id}/", "get"),
    ("/api/uploads/responses/", "post"),
    ("/api/uploads/exits/", "post"),
    ("/api/uploads/statements/", "post"),
    ("/api/uploads/claims/", "post"),
}


def test_every_partner_endpoint_is_in_the_openapi_document(client, province_officer):
    client.force_login(province_officer)
    document = client.get("/api/schema/?format=json").json()
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert PARTNER_PATHS - operations == set()
    upload = document["paths"]["/api/uploads/exits/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"200", "202", "400", "403"} <= set(upload["responses"])
