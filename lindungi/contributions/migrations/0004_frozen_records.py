"""Issued invoices (with their lines and detail) and recorded payments are frozen in the
database itself, not only in the ORM (issue 19, point 7): triggers on both databases refuse
UPDATE and DELETE, as the audit trail's do (audit migration 0002).

An invoice is written twice inside its issuing transaction (the row that claims the payer
and month, then its totals); the second write sets is_final, after which nothing changes it.
Corrections are new rows: adjustments on a later invoice, or a credit note.
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    """
CREATE OR REPLACE FUNCTION lindungi_refuse_frozen_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'frozen record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE OR REPLACE FUNCTION contributions_invoice_part_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM contributions_invoice WHERE id = OLD.invoice_id AND is_final) THEN
        RAISE EXCEPTION 'frozen record: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER contributions_invoice_frozen BEFORE UPDATE OR DELETE"
    " ON contributions_invoice FOR EACH ROW WHEN (OLD.is_final)"
    " EXECUTE FUNCTION lindungi_refuse_frozen_change();",
    "CREATE TRIGGER contributions_invoiceline_frozen BEFORE UPDATE OR DELETE"
    " ON contributions_invoiceline FOR EACH ROW"
    " EXECUTE FUNCTION contributions_invoice_part_frozen();",
    "CREATE TRIGGER contributions_invoicedetail_frozen BEFORE UPDATE OR DELETE"
    " ON contributions_invoicedetail FOR EACH ROW"
    " EXECUTE FUNCTION contributions_invoice_part_frozen();",
    "CREATE TRIGGER contributions_payment_frozen BEFORE UPDATE OR DELETE"
    " ON contributions_payment FOR EACH ROW EXECUTE FUNCTION lindungi_refuse_frozen_change();",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS contributions_invoice_frozen ON contributions_invoice;",
    "DROP TRIGGER IF EXISTS contributions_invoiceline_frozen ON contributions_invoiceline;",
    "DROP TRIGGER IF EXISTS contributions_invoicedetail_frozen ON contributions_invoicedetail;",
    "DROP TRIGGER IF EXISTS contributions_payment_frozen ON contributions_payment;",
    "DROP FUNCTION IF EXISTS contributions_invoice_part_frozen();",
]


def _sqlite(table: str, operation: str, when: str) -> str:
    return (
        f"CREATE TRIGGER {table}_frozen_{operation.lower()} BEFORE {operation} ON {table}"
        f" WHEN {when} BEGIN SELECT RAISE(ABORT, 'frozen record: {operation} on {table}"
        " refused'); END;"
    )


_PART_FINAL = "EXISTS (SELECT 1 FROM contributions_invoice WHERE id = OLD.invoice_id AND is_final)"
SQLITE_FORWARD = [
    _sqlite("contributions_invoice", "UPDATE", "OLD.is_final"),
    _sqlite("contributions_invoice", "DELETE", "OLD.is_final"),
    _sqlite("contributions_invoiceline", "UPDATE", _PART_FINAL),
    _sqlite("contributions_invoiceline", "DELETE", _PART_FINAL),
    _sqlite("contributions_invoicedetail", "UPDATE", _PART_FINAL),
    _sqlite("contributions_invoicedetail", "DELETE", _PART_FINAL),
    _sqlite("contributions_payment", "UPDATE", "1"),
    _sqlite("contributions_payment", "DELETE", "1"),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_frozen_{operation};"
    for table in (
        "contributions_invoice",
        "contributions_invoiceline",
        "contributions_invoicedetail",
        "contributions_payment",
    )
    for operation in ("update", "delete")
]
# Tables whose triggers a test that must empty them switches off (tests/browser/conftest.py).
TABLES = (
    "contributions_invoice",
    "contributions_invoiceline",
    "contributions_invoicedetail",
    "contributions_payment",
)


def forward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0003_detail_no_invoice_index")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="is_final",
            field=models.BooleanField(db_default=False, default=False),
        ),
        # Every invoice issued before this migration is final.
        migrations.RunSQL(
            "UPDATE contributions_invoice SET is_final = TRUE", migrations.RunSQL.noop
        ),
        migrations.RunPython(forward, backward),
    ]
