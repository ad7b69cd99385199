"""Clean candidates, household by household: consistent names, dates, NIKs and KK numbers.

Everything comes from one `random.Random`, so a seed fixes every row. Numbers that must be
unique (NIK, KK) get sequential serials per (prefix, year) instead of being remembered in a set,
which keeps memory flat however many rows are generated.
"""

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from lindungi.core.ages import years_before
from lindungi.demo.generation.defects import format_birth_date
from lindungi.demo.generation.geography import Geography, Prefix, RegencyInfo, VillageInfo
from lindungi.demo.generation.vocabulary import (
    ALL_FAMILY_NAMES,
    DESIL_WEIGHTS,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MUSLIM,
    MALE_GIVEN,
    MALE_MUSLIM,
    OCCUPATION_BOOSTS,
    OCCUPATIONS,
    PHONE_PREFIXES,
    REGENCY_AREAS,
    SECOND_GIVEN_FEMALE,
    SECOND_GIVEN_MALE,
)
from lindungi.registry.reading import CANONICAL_COLUMNS

# The generated files use the import template's columns, in its order.
COLUMNS = CANONICAL_COLUMNS
MIN_AGE, MAX_AGE = 15, 70
# Candidates per household (family card): most files list one or two adults per family.
HOUSEHOLD_SIZES = ((1, 0.45), (2, 0.33), (3, 0.15), (4, 0.07))
STREETS = (
    "Jl. Timor Raya", "Jl. El Tari", "Jl. Soeharto", "Jl. Adisucipto", "Jl. Frans Seda",
    "Jl. Cak Doko", "Jl. Perintis Kemerdekaan", "Jl. Sam Ratulangi", "Jl. Ahmad Yani",
    "Jl. Sudirman", "Jl. Gatot Subroto", "Jl. Diponegoro", "Jl. Kartini", "Jl. Pahlawan",
)  # fmt: skip
HAMLETS = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True)
class Options:
    as_of: date
    other_province_share: float
    pre_split_share: float
    moved_within_province_share: float
    undotted_village_share: float
    uppercase_name_share: float
    muslim_share: float
    date_forms: tuple[tuple[str, float], ...]
    edition: str | None
    edition_change_share: float


@dataclass
class Person:
    """A clean row plus what defects need to know about it."""

    row: dict[str, object]
    birth_date: date
    village: VillageInfo
    given_name: str = ""


def _cumulative(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


class _Picker:
    """Weighted choice by bisection on cumulative weights (much faster than random.choices)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cumulative = _cumulative(weights)
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def title_case(name: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in name.split())


class PeopleSource:
    """An endless stream of clean people, grouped in households sharing a KK number."""

    def __init__(
        self, *, geography: Geography, rng: random.Random, options: Options, seed: int
    ) -> None:
        if not geography.regencies:
            raise ValueError("The geography has no regency with villages.")
        self.geo = geography
        self.rng = rng
        self.options = options
        # Changeable fields of a newer edition come from their own stream, so that identities
        # (drawn from `rng`) stay the same whatever the edition.
        self.edition_rng = random.Random(f"{seed}:{options.edition}") if options.edition else None
        self.regencies = _Picker(
            list(geography.regencies), [max(r.weight, 0.0) for r in geography.regencies]
        )
        self.villages: dict[str, _Picker] = {}
        for regency in geography.regencies:
            # Rural poverty is deeper than urban, and villages differ in size.
            weights = [
                (0.5 if v.is_kelurahan else 1.0) * rng.lognormvariate(0.0, 0.5)
                for v in regency.villages
            ]
            self.villages[regency.code] = _Picker(list(regency.villages), weights)
        self.family_names = {
            regency.code: tuple(
                name
                for area in REGENCY_AREAS.get(regency.code, tuple(FAMILY_NAMES))
                for name in FAMILY_NAMES[area]
            )
            for regency in geography.regencies
        }
        self.occupations = {
            (regency.code, sex): self._occupation_picker(regency.code, sex)
            for regency in geography.regencies
            for sex in "LP"
        }
        self.desil = _Picker([d for d, _w in DESIL_WEIGHTS], [w for _d, w in DESIL_WEIGHTS])
        self.date_forms = _Picker(
            [f for f, _w in options.date_forms], [w for _f, w in options.date_forms]
        )
        self.in_province_prefixes = sorted(geography.district_names)
        preferred = ("52", "35", "51", "73", "31", "33", "32", "74", "81")
        self.preferred_other = (
            tuple(p for p in geography.other_province_prefixes if p.code_nik[:2] in preferred)
            or geography.other_province_prefixes
        )
        self.nik_serials: dict[tuple[str, int], int] = {}
        # NIKs made for defects count down from 9999, so that the people's own serials (counting
        # up) are the same whatever the defect rate.
        self.extra_nik_serials: dict[tuple[str, int], int] = {}
        self.kk_serials: dict[tuple[str, int], int] = {}

    @staticmethod
    def _occupation_picker(regency_code: str, sex: str) -> _Picker:
        boosts = OCCUPATION_BOOSTS.get(regency_code, {})
        names, weights = [], []
        for name, weight, mostly in OCCUPATIONS:
            factor = boosts.get(name, 1.0) * (0.1 if mostly and mostly != sex else 1.0)
            names.append(name)
            weights.append(weight * factor)
        return _Picker(names, weights)

    # -- numbers -------------------------------------------------------------------------

    def _next_serial(self, counters: dict[tuple[str, int], int], key: tuple[str, int]) -> int:
        serial = counters.get(key, 0) + 1
        counters[key] = serial
        return serial

    def _serial_ceiling(self, key: tuple[str, int]) -> int:
        return 9999 - self.extra_nik_serials.get(key, 0)

    def nik_prefix(self, village: VillageInfo) -> Prefix:
        """Where the NIK was first issued: mostly the home district, sometimes far away."""
        draw = self.rng.random()
        options = self.options
        if draw < options.pre_split_share and self.geo.retired_prefixes:
            return _pick(self.rng, self.geo.retired_prefixes)
        draw -= options.pre_split_share
        if draw < options.other_province_share and self.geo.other_province_prefixes:
            pool = (
                self.preferred_other
                if self.rng.random() < 0.7
                else self.geo.other_province_prefixes
            )
            return _pick(self.rng, pool)
        draw -= options.other_province_share
        code = village.district_code_nik
        if draw < options.moved_within_province_share:
            code = _pick(self.rng, self.in_province_prefixes)
        return Prefix(code, self.geo.district_names.get(code, ""))

    def make_nik(
        self, prefix: str, birth_date: date, sex: str, *, extra: bool = False
    ) -> str | None:
        """A valid NIK, or None once the 9,999 serials of (prefix, year) are used up."""
        key = (prefix, birth_date.year)
        if extra:
            serial = 10000 - self._next_serial(self.extra_nik_serials, key)
            if serial <= self.nik_serials.get(key, 0):
                self.extra_nik_serials[key] -= 1
                return None
        else:
            serial = self.nik_serials.get(key, 0) + 1
            if serial > self._serial_ceiling(key):
                return None
            self.nik_serials[key] = serial
        day = birth_date.day + (40 if sex == "P" else 0)
        return f"{prefix}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"

    def make_kk(self, district: str, head_birth: date) -> str:
        as_of = self.options.as_of
        earliest = max(date(2005, 1, 1), head_birth + timedelta(days=17 * 366))
        earliest = min(earliest, as_of)
        first, span = earliest.toordinal(), (as_of - earliest).days + 1
        while True:
            issued = date.fromordinal(first + int(self.rng.random() * span))
            serial = self._next_serial(self.kk_serials, (district, issued.year))
            if serial <= 9999:
                return f"{district}{issued:%d%m%y}{serial:04d}"

    # -- people --------------------------------------------------------------------------

    def birth_date(self, low_age: int, high_age: int) -> date:
        as_of = self.options.as_of
        low_age, high_age = max(low_age, MIN_AGE), min(high_age, MAX_AGE)
        # Oldest: turns MAX_AGE + 1 tomorrow; youngest: turned MIN_AGE today.
        oldest = years_before(as_of, high_age + 1) + timedelta(days=1)
        youngest = years_before(as_of, low_age)
        span = (youngest - oldest).days + 1
        return date.fromordinal(oldest.toordinal() + int(self.rng.random() * span))

    def given_name(
        self, sex: str, muslim: bool, taken: set[str], rng: random.Random | None = None
    ) -> str:
        rng = rng or self.rng
        if muslim:
            pool = MALE_MUSLIM if sex == "L" else FEMALE_MUSLIM
        else:
            pool = MALE_GIVEN if sex == "L" else FEMALE_GIVEN
        name = _pick(rng, pool)
        for _attempt in range(5):
            if name not in taken:
                break
            name = _pick(rng, pool)
        if not muslim and rng.random() < 0.15:
            name = f"{name} {_pick(rng, SECOND_GIVEN_MALE if sex == 'L' else SECOND_GIVEN_FEMALE)}"
        return name

    def family_name(self, regency: RegencyInfo, muslim: bool) -> str:
        rng = self.rng
        if muslim and rng.random() < 0.5:
            return ""
        if rng.random() < 0.8:
            return _pick(rng, self.family_names[regency.code])
        return _pick(rng, ALL_FAMILY_NAMES)

    def phone(self) -> str:
        rng = self.rng
        digits = _pick(rng, (7, 8, 8))
        return f"{_pick(rng, PHONE_PREFIXES)}{int(rng.random() * 10**digits):0{digits}d}"

    def address(self, village: VillageInfo) -> str:
        rng = self.rng
        rt_rw = f"RT {_between(rng, 1, 25):03d}/RW {_between(rng, 1, 8):03d}"
        if village.is_kelurahan:
            return f"{_pick(rng, STREETS)} {rt_rw}, Kel. {village.name}"
        return f"{rt_rw}, Dusun {_pick(rng, HAMLETS)}, Desa {village.name}"

    def households(self) -> Iterator[list[Person]]:
        while True:
            yield self.household()

    def household(self) -> list[Person]:
        rng = self.rng
        options = self.options
        regency: RegencyInfo = self.regencies.pick(rng)
        village: VillageInfo = self.villages[regency.code].pick(rng)
        muslim = rng.random() < options.muslim_share
        draw, size = rng.random(), 1
        for size, share in HOUSEHOLD_SIZES:  # noqa: B007 - the last size is the fallback
            if draw < share:
                break
            draw -= share
        head_sex = "L" if rng.random() < 0.8 else "P"
        head_birth = self.birth_date(22, MAX_AGE)
        head_age = _age(head_birth, options.as_of)
        desil = self.desil.pick(rng)
        address = self.address(village)
        kk = self.make_kk(village.district_code_nik, head_birth)
        head_family = self.family_name(regency, muslim)
        household_phone = self.phone()
        members: list[tuple[str, date, str]] = [(head_sex, head_birth, head_family)]
        if size >= 2:
            spouse_age = min(max(head_age + _between(rng, -8, 6), 18), MAX_AGE)
            spouse_sex = "P" if head_sex == "L" else "L"
            spouse_family = self.family_name(regency, muslim)
            members.append((spouse_sex, self.birth_date(spouse_age, spouse_age), spouse_family))
        for _child in range(size - 2):
            oldest_child = head_age - 18
            sex = "L" if rng.random() < 0.5 else "P"
            if oldest_child >= MIN_AGE:
                birth = self.birth_date(MIN_AGE, oldest_child)
                family = head_family if head_sex == "L" else self.family_name(regency, muslim)
            else:  # a young head: the other adults are siblings or in-laws
                birth = self.birth_date(MIN_AGE, MAX_AGE)
                family = self.family_name(regency, muslim)
            members.append((sex, birth, family))

        people: list[Person] = []
        taken: set[str] = set()
        for sex, birth, family in members:
            given = self.given_name(sex, muslim, taken)
            taken.add(given)
            full = f"{given} {family}" if family else given
            full = full.upper() if rng.random() < options.uppercase_name_share else full
            person = self.person(
                regency=regency,
                village=village,
                sex=sex,
                birth=birth,
                full_name=full,
                kk=kk,
                desil=desil,
                address=address,
                household_phone=household_phone,
            )
            person.given_name = given
            people.append(person)
        if self.edition_rng is not None:
            self._apply_edition_changes(people, regency)
        return people

    def person(
        self,
        *,
        regency: RegencyInfo,
        village: VillageInfo,
        sex: str,
        birth: date,
        full_name: str,
        kk: str,
        desil: int,
        address: str,
        household_phone: str,
    ) -> Person:
        rng = self.rng
        prefix = self.nik_prefix(village)
        nik = self.make_nik(prefix.code_nik, birth, sex)
        while nik is None:  # that (district, year) is full: another birthday in the same year
            birth = date(birth.year, 1, 1) + timedelta(days=_between(rng, 0, 364))
            nik = self.make_nik(prefix.code_nik, birth, sex)
        phone_draw = rng.random()
        phone = self.phone() if phone_draw < 0.55 else household_phone if phone_draw < 0.7 else ""
        village_code = (
            village.code_undotted
            if rng.random() < self.options.undotted_village_share
            else village.code
        )
        birth_place = prefix.name.title() if rng.random() < 0.85 else village.name
        row: dict[str, object] = {
            "NIK": nik,
            "NO_KK": kk,
            "NAMA": full_name,
            "JENIS_KELAMIN": sex,
            "TEMPAT_LAHIR": birth_place,
            "TANGGAL_LAHIR": format_birth_date(birth, self.date_forms.pick(rng)),
            "KODE_DESA": village_code,
            "ALAMAT": address,
            "PEKERJAAN": self.occupations[(regency.code, sex)].pick(rng),
            "DESIL": desil,
            "NO_HP": phone,
            "_defect": "",
        }
        return Person(row=row, birth_date=birth, village=village)

    def _apply_edition_changes(self, people: list[Person], regency: RegencyInfo) -> None:
        """A newer edition re-ranks some families and updates their addresses and work."""
        rng = self.edition_rng
        assert rng is not None
        if rng.random() >= self.options.edition_change_share:
            return
        desil = min(max(int(people[0].row["DESIL"]) + _pick(rng, (-1, 1)), 1), 10)  # type: ignore[call-overload]
        rt_rw = f"RT {_between(rng, 1, 25):03d}/RW {_between(rng, 1, 8):03d}"
        for person in people:
            row = person.row
            row["DESIL"] = desil
            row["ALAMAT"] = f"{rt_rw}, {str(row['ALAMAT']).split(', ', 1)[-1]}"
            if rng.random() < 0.3:
                row["PEKERJAAN"] = self.occupations[(regency.code, str(row["JENIS_KELAMIN"]))].pick(
                    rng
                )
            if rng.random() < 0.3:
                digits = 8
                row["NO_HP"] = f"{_pick(rng, PHONE_PREFIXES)}{int(rng.random() * 10**digits):08d}"


def _pick(rng: random.Random, items: Sequence):
    """rng.choice without its argument checks: this runs millions of times."""
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint(low, high), faster."""
    return low + int(rng.random() * (high - low + 1))


def _age(birth: date, as_of: date) -> int:
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
