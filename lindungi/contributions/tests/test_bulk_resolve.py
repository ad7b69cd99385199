"""Resolving (annotating) several statement lines at once (issue 18, point 4)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.contributions.models import StatementLine
from lindungi.contributions.reconciliation import import_statement, read_statement, resolve_lines
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import ROLE_ACTIONS, Action
from lindungi.core.roles import Role

pytestmark = pytest.mark.django_db
AUGUST = Month(2025, 8)


@pytest.fixture
def statement(cohort, province_officer):
    """Three lines in Alor (two not billed by the insurer, one short) and one in TTU."""
    short = enroll(cohort)
    enroll(cohort)
    enroll(cohort)
    ttu = enroll(cohort, village="53.03.01.2005")
    text = f"KPJ;NIK;Iuran;Periode\n{short.kpj};;8400;2025-08\n{ttu.kpj};;8400;2025-08\n"
    return import_statement(
        programme=cohort.programme,
        month=AUGUST,
        statement_file=read_statement(io.BytesIO(text.encode())),
        file_name="agustus.csv",
        user=province_officer,
    )


def lines(statement, regency):
    return list(
        StatementLine.objects.filter(statement=statement, regency_id=regency).values_list(
            "pk", flat=True
        )
    )


def test_resolving_several_lines_is_one_update_and_one_event(statement, province_officer):
    alor = lines(statement, "53.05")
    assert len(alor) == 3
    count = resolve_lines(
        user=province_officer, statement=statement, ids=alor, note="Dicek dengan BPJS"
    )
    assert count == 3
    resolved = StatementLine.objects.filter(pk__in=alor)
    assert {(line.resolved, line.resolution_note, line.resolved_by_id) for line in resolved} == {
        (True, "Dicek dengan BPJS", province_officer.pk)
    }
    assert not StatementLine.objects.get(pk=lines(statement, "53.03")[0]).resolved
    event = AuditEvent.objects.get(action="contributions.statement_lines_resolved")
    assert event.changes["summary"]["count"] == 3
    assert event.object_id == str(statement.pk)


def test_a_resolved_line_or_an_empty_note_refuses_the_whole_selection(statement, province_officer):
    alor = lines(statement, "53.05")
    with pytest.raises(InvalidInput) as refused:
        resolve_lines(user=province_officer, statement=statement, ids=alor, note="  ")
    assert refused.value.code == "note_required"
    resolve_lines(user=province_officer, statement=statement, ids=alor[:1], note="satu")
    with pytest.raises(InvalidInput) as refused:
        resolve_lines(user=province_officer, statement=statement, ids=alor, note="semua")
    assert refused.value.code == "already_resolved"
    assert StatementLine.objects.filter(pk__in=alor, resolved=True).count() == 1
    assert AuditEvent.objects.filter(action="contributions.statement_lines_resolved").count() == 1


def test_lines_of_another_statement_are_refused(statement, province_officer, cohort):
    other = StatementLine.objects.filter(statement=statement).first()
    with pytest.raises(PermissionDenied):
        resolve_lines(user=province_officer, statement=statement, ids=[other.pk, 10**9], note="x")
    assert not StatementLine.objects.filter(resolved=True).exists()


def test_another_regencys_lines_are_refused_not_skipped(
    client, statement, regency_officer, monkeypatch
):
    granted = ROLE_ACTIONS[Role.REGENCY_OFFICER] | {Action.MANAGE_BILLING}
    monkeypatch.setitem(ROLE_ACTIONS, Role.REGENCY_OFFICER, granted)
    mixed = lines(statement, "53.05") + lines(statement, "53.03")
    with pytest.raises(PermissionDenied):
        resolve_lines(user=regency_officer, statement=statement, ids=mixed, note="campur")
    client.force_login(regency_officer)
    url = reverse("contributions:resolve_lines", args=[statement.pk])
    for confirm in ("", "1"):
        response = client.post(url, {"ids": mixed, "note": "campur", "confirm": confirm})
        assert response.status_code == 403
    assert not StatementLine.objects.filter(resolved=True).exists()


def test_the_page_confirms_then_resolves_and_the_auditor_cannot(
    client, statement, province_officer, auditor
):
    url = reverse("contributions:resolve_lines", args=[statement.pk])
    alor = lines(statement, "53.05")
    client.force_login(auditor)
    assert client.post(url, {"ids": alor, "note": "x", "confirm": "1"}).status_code == 403
    client.force_login(province_officer)
    page = client.get(reverse("contributions:statement", args=[statement.pk])).content.decode()
    assert 'form="bulk-lines"' in page and 'data-select-all="ids"' in page
    asked = client.post(url, {"ids": alor, "note": "Dicek"})
    assert asked.status_code == 200 and asked.templates[0].name == "web/bulk_confirm.html"
    assert not StatementLine.objects.filter(resolved=True).exists()
    assert client.post(url, {"ids": alor, "note": "Dicek", "confirm": "1"}).status_code == 302
    assert StatementLine.objects.filter(resolved=True).count() == 3
