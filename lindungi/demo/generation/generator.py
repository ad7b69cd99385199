"""`generate_candidates(...)`: a deterministic stream of candidate rows, a share of them damaged.

Each yielded row is a dict of the canonical columns plus `_defect` ("" for a clean row, else a
`DefectKind` value). Writers leave `_defect` out of the file; tests read it to know what the
importer should do with the row (`EXPECTED_REASON`).
"""

import random
import re
from collections import deque
from collections.abc import Iterator, Mapping
from datetime import date, timedelta

from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput
from lindungi.demo.generation.defects import (
    DATE_FORMS,
    SINGLE_ROW_KINDS,
    DefectKind,
    apply_defect,
)
from lindungi.demo.generation.geography import Geography, load_geography
from lindungi.demo.generation.people import Options, PeopleSource, Person

# Ages and KK dates are relative to this day unless an edition or `as_of` says otherwise; a
# fixed day (not today) keeps a seed's file identical from one day to the next.
DEFAULT_AS_OF = date(2025, 6, 30)
DEFAULT_DATE_FORMS: dict[str, float] = {
    "dmy_slash": 0.84,
    "date": 0.04,
    "iso": 0.04,
    "dmy_dash": 0.04,
    "indonesian": 0.04,
}
# How far back an identical repeat may reach (rows kept in memory for it).
RECENT_ROWS = 512
_NEED_EARLIER_ROW = (DefectKind.DUPLICATE_REPEAT, DefectKind.LIKELY_DUPLICATE)
_EDITION = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def edition_end(edition: str) -> date:
    """The last day of a YYYY-MM edition."""
    match = _EDITION.match(edition)
    if not match:
        raise InvalidInput(_("Edition must look like YYYY-MM, got %(value)s.") % {"value": edition})
    year, month = int(match[1]), int(match[2])
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(
            _("%(name)s must be between 0 and 1, got %(value)s.") % {"name": name, "value": value}
        )


def generate_candidates(
    *,
    count: int,
    seed: int,
    defect_rate: float = 0.03,
    geography: Geography | None = None,
    province_code: str = "53",
    edition: str | None = None,
    as_of: date | None = None,
    other_province_share: float = 0.02,
    pre_split_share: float = 0.005,
    moved_within_province_share: float = 0.03,
    undotted_village_share: float = 0.3,
    uppercase_name_share: float = 0.7,
    muslim_share: float = 0.08,
    date_forms: Mapping[str, float] | None = None,
    defect_weights: Mapping[DefectKind | str, float] | None = None,
    edition_change_share: float = 0.1,
) -> Iterator[dict[str, object]]:
    """Yield `count` candidate rows; the same arguments always give the same rows.

    `defect_rate` is the share of rows carrying exactly one defect (exact to a row: a conflict
    pair is two defective rows). `defect_weights` restricts or weights the kinds (default: all
    equally). The people are drawn independently of the defects, so files of one seed with
    different defect rates hold the same people. A newer `edition` of the same seed keeps every
    identity and changes the desil, address, occupation or phone of about
    `edition_change_share` of the households.
    """
    if count < 0:
        raise InvalidInput(_("The number of rows cannot be negative."))
    for name, value in (
        ("defect_rate", defect_rate),
        ("other_province_share", other_province_share),
        ("pre_split_share", pre_split_share),
        ("moved_within_province_share", moved_within_province_share),
        ("undotted_village_share", undotted_village_share),
        ("uppercase_name_share", uppercase_name_share),
        ("muslim_share", muslim_share),
        ("edition_change_share", edition_change_share),
    ):
        _check_share(name, value)
    if other_province_share + pre_split_share + moved_within_province_share > 1.0:
        raise InvalidInput(_("The shares of NIKs issued elsewhere add up to more than 1."))
    forms = dict(date_forms) if date_forms is not None else DEFAULT_DATE_FORMS
    unknown_forms = set(forms) - set(DATE_FORMS)
    if unknown_forms or not any(weight > 0 for weight in forms.values()):
        raise InvalidInput(
            _("Date forms must be among %(forms)s.") % {"forms": ", ".join(DATE_FORMS)}
        )
    kinds = _defect_kinds(defect_weights)
    if as_of is None:
        as_of = edition_end(edition) if edition else DEFAULT_AS_OF
    elif edition:
        edition_end(edition)  # validates the format
    geography = geography if geography is not None else load_geography(province_code=province_code)
    options = Options(
        as_of=as_of,
        other_province_share=other_province_share,
        pre_split_share=pre_split_share,
        moved_within_province_share=moved_within_province_share,
        undotted_village_share=undotted_village_share,
        uppercase_name_share=uppercase_name_share,
        muslim_share=muslim_share,
        date_forms=tuple((form, weight) for form, weight in forms.items() if weight > 0),
        edition=edition,
        edition_change_share=edition_change_share,
    )
    return _rows(
        count=count,
        seed=seed,
        defect_rate=defect_rate,
        kinds=kinds,
        geography=geography,
        options=options,
    )


def _defect_kinds(
    weights: Mapping[DefectKind | str, float] | None,
) -> tuple[list[DefectKind], list[float]]:
    if weights is None:
        return list(DefectKind), [1.0] * len(DefectKind)
    kinds, values = [], []
    for kind, weight in weights.items():
        try:
            kinds.append(DefectKind(kind))
        except ValueError:
            raise InvalidInput(_("Unknown defect kind %(kind)s.") % {"kind": kind}) from None
        values.append(float(weight))
    if not kinds or any(value < 0 for value in values) or not any(values):
        raise InvalidInput(_("Defect weights must be positive."))
    return kinds, values


def _rows(
    *,
    count: int,
    seed: int,
    defect_rate: float,
    kinds: tuple[list[DefectKind], list[float]],
    geography: Geography,
    options: Options,
) -> Iterator[dict[str, object]]:
    source = PeopleSource(geography=geography, rng=random.Random(seed), options=options, seed=seed)
    # Defects use their own stream, so that the people do not depend on the defect rate.
    defect_rng = random.Random(f"{seed}:defects")
    people = (person for household in source.households() for person in household)
    recent: deque[Person] = deque(maxlen=RECENT_ROWS)
    kind_list, kind_weights = kinds
    defects_left = round(count * defect_rate)
    emitted = 0
    while emitted < count:
        rows_left = count - emitted
        # Selection sampling: exactly `defects_left` of the remaining rows get a defect.
        if defects_left and defect_rng.random() * rows_left < defects_left:
            pair_fits = defects_left >= 2 and rows_left >= 2
            possible = [
                (kind, weight)
                for kind, weight in zip(kind_list, kind_weights, strict=True)
                if weight > 0
                and (kind is not DefectKind.DUPLICATE_CONFLICT or pair_fits)
                and (kind not in _NEED_EARLIER_ROW or recent)
            ]
            rows = []
            if possible:
                kind = defect_rng.choices(
                    [kind for kind, _w in possible], [weight for _k, weight in possible]
                )[0]
                rows = _defective_rows(kind, people, recent, source, defect_rng, geography)
            if rows:
                yield from rows
                emitted += len(rows)
                defects_left -= len(rows)
                continue
            # No kind fits here (only conflict pairs asked and one defect left): a clean row.
            defects_left -= 1
        person = next(people)
        recent.append(person)
        emitted += 1
        yield person.row


def _defective_rows(
    kind: DefectKind,
    people: Iterator[Person],
    recent: deque[Person],
    source: PeopleSource,
    rng: random.Random,
    geography: Geography,
) -> list[dict[str, object]]:
    if kind is DefectKind.DUPLICATE_REPEAT:
        if not recent:
            return []
        row = dict(rng.choice(recent).row)
        row["_defect"] = kind.value
        return [row]
    if kind is DefectKind.LIKELY_DUPLICATE:
        if not recent:
            return []
        original = rng.choice(recent)
        row = dict(original.row)
        # Registered again in another district of the province, hence another NIK.
        prefix = rng.choice(source.in_province_prefixes)
        nik = source.make_nik(prefix, original.birth_date, str(row["JENIS_KELAMIN"]), extra=True)
        if nik is None:
            return []
        row["NIK"] = nik
        row["_defect"] = kind.value
        return [row]
    person = next(people)
    if kind is DefectKind.DUPLICATE_CONFLICT:
        first = dict(person.row)
        first["_defect"] = kind.value
        second = dict(first)
        # Same NIK, another person's name: one of the two rows is wrong, nobody can tell which.
        name = str(first["NAMA"])
        replacement = source.given_name(
            str(first["JENIS_KELAMIN"]), False, {person.given_name}, rng
        )
        replacement = replacement.upper() if name.isupper() else replacement
        current = person.given_name.upper() if name.isupper() else person.given_name
        second["NAMA"] = name.replace(current, replacement, 1)
        if second["NAMA"] == name:
            second["NAMA"] = f"{name} {replacement}"
        return [first, second]
    row = dict(person.row)
    assert kind in SINGLE_ROW_KINDS
    apply_defect(kind, row, birth_date=person.birth_date, rng=rng, geography=geography)
    return [row]
