"""Loading the Kemendagri reference regions shipped in `lindungi/regions/data/`.

The loader is idempotent (an upsert keyed on the code) and set-based: 83,762 villages go in as a
few bulk statements, so a full load takes seconds. Re-running it updates names and boundaries in
place and never deletes a region a person may point to.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Model

from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.regions.models import (
    District,
    DistrictCode,
    Edition,
    Province,
    Regency,
    RegencyCode,
    RegencyStatistic,
    Village,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL = DATA_DIR / "indonesia"
NTT = DATA_DIR / "ntt"
BATCH_SIZE = 5000
NATIONAL_FILES = (
    "editions.csv",
    "provinces.csv",
    "regencies.csv",
    "districts.csv",
    "villages.csv",
    "district_codes_history.csv",
    "regency_codes_history.csv",
)


@dataclass(frozen=True)
class LoadStep:
    label: str
    model: type[Model]
    rows: Iterable[Model]
    update_fields: list[str]


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _in_provinces(code: str, province_codes: set[str] | None) -> bool:
    return province_codes is None or code[:2] in province_codes


def _geojson_by_code(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {feature["properties"]["code"]: feature for feature in json.load(handle)["features"]}


def _editions() -> Iterator[Edition]:
    for row in _read_csv(NATIONAL / "editions.csv"):
        yield Edition(
            label=row["edition"],
            source_path=row["source_path"],
            decree=row["decree_in_file_header"] or row["decree_per_repo_readme"],
            provinces=int(row["provinces"]),
            regencies=int(row["regencies"]),
            districts=int(row["districts"]),
            villages=int(row["villages"]),
        )


def _provinces() -> Iterator[Province]:
    for row in _read_csv(NATIONAL / "provinces.csv"):
        yield Province(code=row["code"], name=row["name"])


def _regencies(province_codes: set[str] | None) -> Iterator[Regency]:
    shapes = _geojson_by_code(NTT / "regencies.geojson")
    for row in _read_csv(NATIONAL / "regencies.csv"):
        if not _in_provinces(row["code"], province_codes):
            continue
        shape = shapes.get(row["code"])
        properties = shape["properties"] if shape else {}
        yield Regency(
            code=row["code"],
            code_nik=row["code_nik"],
            province_id=row["province_code"],
            name=row["name"],
            type=row["type"],
            boundary=shape["geometry"] if shape else None,
            centroid_lat=properties.get("centroid_lat"),
            centroid_lng=properties.get("centroid_lng"),
        )


def _districts(province_codes: set[str] | None) -> Iterator[District]:
    shapes = _geojson_by_code(NTT / "districts.geojson")
    for row in _read_csv(NATIONAL / "districts.csv"):
        if _in_provinces(row["code"], province_codes):
            shape = shapes.get(row["code"])
            yield District(
                code=row["code"],
                code_nik=row["code_nik"],
                regency_id=row["regency_code"],
                name=row["name"],
                boundary=shape["geometry"] if shape else None,
            )


def _villages(province_codes: set[str] | None) -> Iterator[Village]:
    for row in _read_csv(NATIONAL / "villages.csv"):
        if _in_provinces(row["code"], province_codes):
            yield Village(
                code=row["code"],
                code_undotted=row["code_undotted"],
                district_id=row["district_code"],
                regency_id=row["regency_code"],
                name=row["name"],
                type=row["type"],
            )


def _district_codes() -> Iterator[DistrictCode]:
    for row in _read_csv(NATIONAL / "district_codes_history.csv"):
        yield DistrictCode(
            code_nik=row["code_nik"],
            code=row["code"],
            name=row["name"],
            regency_code_nik=row["regency_code_nik"],
            first_edition=row["first_edition"],
            last_edition=row["last_edition"],
            in_current=row["in_current"] == "true",
            editions=row["editions"],
            earlier_names=row["earlier_names"],
            successor_code_nik=row["successor_code_nik"],
            successor_name=row["successor_name"],
            successor_basis=row["successor_basis"],
        )


def _regency_codes() -> Iterator[RegencyCode]:
    for row in _read_csv(NATIONAL / "regency_codes_history.csv"):
        yield RegencyCode(
            code_nik=row["code_nik"],
            code=row["code"],
            name=row["name"],
            province_code=row["province_code"],
            type=row["type"],
            first_edition=row["first_edition"],
            last_edition=row["last_edition"],
            in_current=row["in_current"] == "true",
            editions=row["editions"],
            earlier_names=row["earlier_names"],
            successor_code_nik=row["successor_code_nik"],
            successor_name=row["successor_name"],
        )


def _update_fields(model: type[Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.auto_created
    ]


def _upsert(step: LoadStep, progress: Progress) -> int:
    """Insert or update rows in batches; returns how many rows were written."""
    count = 0
    batch: list[Model] = []
    primary_key = step.model._meta.pk.name
    for row in step.rows:
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            count += _flush(step, batch, primary_key, progress)
    if batch:
        count += _flush(step, batch, primary_key, progress)
    return count


def _flush(step: LoadStep, batch: list[Model], primary_key: str, progress: Progress) -> int:
    step.model._default_manager.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=[primary_key],
        update_fields=step.update_fields,
    )
    written = len(batch)
    progress.advance(written)
    batch.clear()
    return written


def _statistics(province_codes: set[str] | None) -> int:
    """Replace the shipped statistics (a small table: delete and insert is simplest)."""
    rows = [
        RegencyStatistic(
            regency_id=row["regency_code"],
            indicator=row["indicator"],
            value=Decimal(row["value"]),
            unit=row["unit"],
            year=int(row["year"]),
            reference_period=row["reference_period"],
            source=row["source"],
            source_ref=row["source_ref"],
            note=row["note"],
        )
        for row in _read_csv(NTT / "regency_stats.csv")
        if _in_provinces(row["regency_code"], province_codes) and row["value"] != ""
    ]
    RegencyStatistic.objects.filter(regency_id__in={row.regency_id for row in rows}).delete()
    RegencyStatistic.objects.bulk_create(rows)
    return len(rows)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def load_regions(
    *, province_codes: list[str] | None = None, progress: Progress = NULL_PROGRESS
) -> dict[str, int]:
    """Load (or refresh) the reference regions; returns rows written per table.

    `province_codes` limits regencies, districts, villages and statistics to those provinces (the
    test suite loads NTT only). Provinces and the national code history are always loaded whole,
    because a NIK issued anywhere in Indonesia must be recognised.
    """
    wanted = set(province_codes) if province_codes else None
    steps = [
        LoadStep("editions", Edition, _editions(), _update_fields(Edition)),
        LoadStep("provinces", Province, _provinces(), _update_fields(Province)),
        LoadStep("regencies", Regency, _regencies(wanted), _update_fields(Regency)),
        LoadStep("districts", District, _districts(wanted), _update_fields(District)),
        LoadStep("villages", Village, _villages(wanted), _update_fields(Village)),
        LoadStep("district_codes", DistrictCode, _district_codes(), _update_fields(DistrictCode)),
        LoadStep("regency_codes", RegencyCode, _regency_codes(), _update_fields(RegencyCode)),
    ]
    # Unknown when filtering by province (the files are national); the bar then just counts.
    total = None if wanted else sum(_count_lines(NATIONAL / name) for name in NATIONAL_FILES)
    progress.start(total, "Wilayah")
    counts: dict[str, int] = {}
    with transaction.atomic():
        for step in steps:
            counts[step.label] = _upsert(step, progress)
        counts["statistics"] = _statistics(wanted)
    progress.finish()
    return counts
