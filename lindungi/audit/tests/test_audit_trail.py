import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lindungi.audit.chain import GENESIS_HASH, hash_of
from lindungi.audit.context import audit_context
from lindungi.audit.models import AuditEvent, AuditRowIsImmutable
from lindungi.audit.selectors import verify_chain
from lindungi.audit.services import record_event
from lindungi.regions.models import Regency

pytestmark = pytest.mark.django_db


def _record_three(user):
    regency = Regency.objects.get(pk="53.05")
    first = record_event(
        action="test.first", target=regency, before={"a": 1}, after={"a": 2}, user=user
    )
    second = record_event(action="test.second", summary={"rows": 3}, user=user)
    third = record_event(action="test.third", object_type="x", object_id="9", user=user)
    return first, second, third


def test_records_who_what_which_object_and_only_changed_fields(province_officer):
    regency = Regency.objects.get(pk="53.05")
    with audit_context(source="request", reference="req-123", user_id=province_officer.pk):
        event = record_event(
            action="regions.rename",
            target=regency,
            before={"name": "Alor", "type": "kabupaten"},
            after={"name": "Alor Baru", "type": "kabupaten"},
        )
    event.refresh_from_db()
    assert event.actor_id == province_officer.pk
    assert event.actor_username == "prov_officer"
    assert event.object_type == "regions.regency"
    assert event.object_id == "53.05"
    assert event.changes == {"name": ["Alor", "Alor Baru"]}
    assert event.source == "request"
    assert event.source_reference == "req-123"


def test_chain_links_each_row_to_the_previous_one(province_officer):
    first, second, third = _record_three(province_officer)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    for event in AuditEvent.objects.all():
        assert hash_of(event) == event.hash
    assert verify_chain().intact


def test_orm_refuses_to_change_or_delete_an_audit_row(province_officer):
    first, *_ = _record_three(province_officer)
    first.action = "forged"
    with pytest.raises(AuditRowIsImmutable):
        first.save()
    with pytest.raises(AuditRowIsImmutable):
        first.delete()
    with pytest.raises(AuditRowIsImmutable):
        AuditEvent.objects.filter(pk=first.pk).update(action="forged")
    with pytest.raises(AuditRowIsImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=first.pk).action == "test.first"
    assert AuditEvent.objects.count() == 3


def test_database_trigger_refuses_raw_update_and_delete(province_officer):
    first, *_ = _record_three(province_officer)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [first.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    assert AuditEvent.objects.get(pk=first.pk).action == "test.first"
    assert AuditEvent.objects.count() == 3


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the ORM's back, as someone with direct database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the session: replica mode skips them.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            cursor.execute(sql, params)


def test_verify_audit_finds_a_row_altered_behind_the_orms_back(province_officer):
    _, second, _ = _record_three(province_officer)
    call_command("verify_audit")  # intact before tampering
    _tamper("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"rows": 300}', second.pk])
    report = verify_chain()
    assert report.first_break.event_id == second.pk
    assert report.first_break.reason == "hash_mismatch"
    with pytest.raises(CommandError, match=f"row {second.pk} \\(hash_mismatch\\)"):
        call_command("verify_audit")


def test_verify_audit_finds_a_deleted_row(province_officer):
    _, second, third = _record_three(province_officer)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    report = verify_chain()
    assert report.first_break.event_id == third.pk
    assert report.first_break.reason == "link_mismatch"


def test_audit_row_is_rolled_back_with_the_change_it_describes(province_officer):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action="test.doomed", user=province_officer)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
