"""Every upload page says which columns it expects and offers an XLSX template built by the
one generic builder from the importer's declaration (issue 18, point 5)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.benefits.claim_rows import ALIASES as CLAIM_ALIASES
from lindungi.benefits.claim_rows import REQUIRED as CLAIM_REQUIRED
from lindungi.contributions.statement_file import read_statement
from lindungi.core.dates import Month
from lindungi.core.intake import read_text_table
from lindungi.core.upload_templates import registered, workbook_bytes
from lindungi.enrollment.deaths import ALIASES as DEATH_ALIASES
from lindungi.enrollment.exits import ALIASES as EXIT_ALIASES
from lindungi.enrollment.exits import REASONS
from lindungi.enrollment.responses import ALIASES as RESPONSE_ALIASES
from lindungi.enrollment.responses import OUTCOMES
from lindungi.enrollment.responses import REQUIRED as RESPONSE_REQUIRED
from lindungi.programs.active_list import ALIASES as ACTIVE_ALIASES
from lindungi.registry.importing import import_candidates

EXPECTED = {
    "candidates",
    "responses",
    "exits",
    "deaths",
    "statement",
    "active_participants",
    "claims",
}


def sheet_of(key):
    return load_workbook(io.BytesIO(workbook_bytes(registered()[key]))).active


def test_every_importer_declares_its_template():
    assert set(registered()) == EXPECTED


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_a_template_has_the_headers_notes_drop_downs_and_one_example_row(key):
    template = registered()[key]
    sheet = sheet_of(key)
    assert [cell.value for cell in sheet[1]] == [column.name for column in template.columns]
    assert all(cell.comment is not None and cell.comment.text for cell in sheet[1])
    assert sheet.max_row >= 2 and any(cell.value not in (None, "") for cell in sheet[2])
    lists = {
        str(validation.sqref).split(":")[0]: validation.formula1
        for validation in sheet.data_validations.dataValidation
        if validation.type == "list"
    }
    for index, column in enumerate(template.columns):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        if column.choices:
            assert lists[f"{letter}2"] == '"' + ",".join(column.choices) + '"'
        if column.kind == "text":
            assert sheet[f"{letter}2"].number_format == "@"
            assert sheet[f"{letter}500"].number_format == "@"


def test_the_drop_downs_offer_only_values_the_importers_accept():
    columns = {column.name: column for column in registered()["exits"].columns}
    assert set(columns["ALASAN"].choices) <= set(REASONS)
    columns = {column.name: column for column in registered()["responses"].columns}
    assert set(columns["STATUS"].choices) <= set(OUTCOMES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "aliases", "required"),
    [
        ("responses", RESPONSE_ALIASES, RESPONSE_REQUIRED),
        ("exits", EXIT_ALIASES, ("NIK", "ALASAN", "TANGGAL")),
        ("deaths", DEATH_ALIASES, ("NIK", "TANGGAL")),
        ("active_participants", ACTIVE_ALIASES, ("NIK",)),
        ("claims", CLAIM_ALIASES, CLAIM_REQUIRED),
    ],
)
def test_the_importer_reads_its_own_template(key, aliases, required):
    content = workbook_bytes(registered()[key])
    table = read_text_table(content, f"{key}.xlsx", aliases=aliases, required=required)
    assert set(required) <= set(table.mapping)
    assert len(table.rows) == 1  # the example row; the formatted empty rows are no rows
    nik_at = table.position("NIK")
    if nik_at is not None:
        assert table.rows[0][1][nik_at] == "5305011503859999"


def test_the_statement_reader_reads_its_template():
    statement = read_statement(io.BytesIO(workbook_bytes(registered()["statement"])))
    assert statement.named_month == Month(2025, 8)
    assert [(row.kpj, row.amount, row.rejection) for row in statement.rows] == [
        ("25071800001", 16_800, None)
    ]


@pytest.mark.django_db
def test_the_candidate_example_row_is_accepted(tmp_path, province_officer):
    path = tmp_path / "template.xlsx"
    path.write_bytes(workbook_bytes(registered()["candidates"]))
    done = import_candidates(file=path, file_name="template.xlsx", user=province_officer)
    assert (done.rows_read, done.rows_accepted, done.rows_rejected) == (1, 1, 0)


@pytest.mark.django_db
def test_download_needs_a_login_and_a_known_template(client, regency_officer):
    url = reverse("upload_template", args=["claims"])
    assert client.get(url).status_code == 302
    client.force_login(regency_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="template-klaim.xlsx"'
    assert response.content[:2] == b"PK"
    assert client.get(reverse("upload_template", args=["nothing"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "keys"),
    [
        ("registry:upload", ["candidates"]),
        ("enrollment:responses", ["responses"]),
        ("enrollment:exits", ["exits", "deaths"]),
        ("contributions:reconciliation", ["statement"]),
        ("benefits:imports", ["claims"]),
    ],
)
def test_every_upload_page_names_its_columns_and_links_its_template(
    client, province_officer, page, keys
):
    client.force_login(province_officer)
    html = client.get(reverse(page)).content.decode()
    for key in keys:
        assert reverse("upload_template", args=[key]) in html
        for column in registered()[key].columns:
            assert f'<th scope="row">{column.name}</th>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "contributions:reconciliation",
        "contributions:arrears",
        "contributions:budgets",
        "enrollment:batches",
    ],
)
def test_pages_a_newcomer_may_not_understand_explain_themselves_in_indonesian(
    client, province_officer, page
):
    client.force_login(province_officer)
    html = client.get(reverse(page)).content.decode()
    assert '<details class="page-help"><summary>Halaman apa ini?</summary>' in html
