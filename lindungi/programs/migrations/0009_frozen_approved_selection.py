"""An approved selection run and its decisions are frozen in the database itself, not only in
the services (issue 19, point 7): triggers on both databases refuse UPDATE and DELETE once the
run is approved, as the audit trail's do (audit migration 0002). Drafts stay editable
(exclusion proposals change their decisions); approving is the last change a run gets.
"""

from django.db import migrations

REFUSE = """
CREATE OR REPLACE FUNCTION lindungi_refuse_frozen_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'frozen record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
DECISION = """
CREATE OR REPLACE FUNCTION programs_decision_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM programs_selectionrun WHERE id = OLD.run_id AND status = 'approved')
    THEN
        RAISE EXCEPTION 'frozen record: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_FORWARD = [
    REFUSE,
    DECISION,
    "CREATE TRIGGER programs_selectionrun_frozen BEFORE UPDATE OR DELETE"
    " ON programs_selectionrun FOR EACH ROW WHEN (OLD.status = 'approved')"
    " EXECUTE FUNCTION lindungi_refuse_frozen_change();",
    "CREATE TRIGGER programs_decision_frozen BEFORE UPDATE OR DELETE"
    " ON programs_decision FOR EACH ROW EXECUTE FUNCTION programs_decision_frozen();",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS programs_selectionrun_frozen ON programs_selectionrun;",
    "DROP TRIGGER IF EXISTS programs_decision_frozen ON programs_decision;",
    "DROP FUNCTION IF EXISTS programs_decision_frozen();",
]
_APPROVED = (
    "EXISTS (SELECT 1 FROM programs_selectionrun WHERE id = OLD.run_id AND status = 'approved')"
)
SQLITE_FORWARD = [
    f"CREATE TRIGGER {table}_frozen_{operation.lower()} BEFORE {operation} ON {table}"
    f" WHEN {when} BEGIN SELECT RAISE(ABORT, 'frozen record: {operation} on {table}"
    " refused'); END;"
    for table, when in (
        ("programs_selectionrun", "OLD.status = 'approved'"),
        ("programs_decision", _APPROVED),
    )
    for operation in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_frozen_{operation};"
    for table in ("programs_selectionrun", "programs_decision")
    for operation in ("update", "delete")
]
# Tables whose triggers a test that must empty them switches off (tests/browser/conftest.py).
TABLES = ("programs_selectionrun", "programs_decision")


def forward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_integrity_duplicates_households")]

    operations = [migrations.RunPython(forward, backward)]
