"""The insurer's and the regencies' files: read as text rows by the shared intake
(`lindungi.core.intake.read_text_table`); the dates they carry parsed here."""

from datetime import date, datetime

from lindungi.core.intake import TextTable, read_text_table

Table = TextTable
read_table = read_text_table

__all__ = ["Table", "parse_date", "read_table"]


def parse_date(text: str) -> date | None:
    """ISO (2025-07-18) or Indonesian day-first (18/07/2025, 18-07-2025)."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the fast path: what the simulator and insurer send
        except ValueError:
            return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
