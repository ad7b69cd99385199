"""Realistic, deterministic candidate files for the demo, tests and benchmarks.

    rows = generate_candidates(count=1000, seed=7)          # Iterator[dict], `_defect` per row
    summary = write_csv("kandidat.csv", rows)               # or write_xlsx(...)

See README.md in this folder for the options and the defect kinds.
"""

from lindungi.demo.generation.defects import EXPECTED_REASON, DefectKind, excel_scientific
from lindungi.demo.generation.generator import DEFAULT_AS_OF, generate_candidates
from lindungi.demo.generation.geography import Geography, load_geography, regency_weights
from lindungi.demo.generation.people import COLUMNS
from lindungi.demo.generation.writers import GenerationSummary, write_csv, write_xlsx

__all__ = [
    "COLUMNS",
    "DEFAULT_AS_OF",
    "EXPECTED_REASON",
    "DefectKind",
    "GenerationSummary",
    "Geography",
    "excel_scientific",
    "generate_candidates",
    "load_geography",
    "regency_weights",
    "write_csv",
    "write_xlsx",
]
