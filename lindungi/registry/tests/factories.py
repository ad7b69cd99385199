"""factory_boy factories for registry tests: valid, consistent people in the loaded NTT villages."""

import datetime

import factory

from lindungi.registry.choices import PovertyLabel, Sex
from lindungi.registry.models import Person


def make_nik(*, district_code_nik: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """A structurally valid NIK: district prefix, birth date (day + 40 for women), serial."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district_code_nik}{day:02d}{birth_date:%m%y}{serial % 10000:04d}"


def _village(code: str):
    from lindungi.regions.models import Village

    return Village.objects.select_related("district").get(code=code)


class PersonFactory(factory.django.DjangoModelFactory):
    """Defaults to a desil-1 man in Alor (53.05); pass `village_code` to live elsewhere."""

    class Meta:
        model = Person
        exclude = ("village_code", "serial")

    village_code = "53.05.01.1001"
    serial = factory.Sequence(lambda n: n + 1)
    village = factory.LazyAttribute(lambda o: _village(o.village_code))
    regency_id = factory.LazyAttribute(lambda o: o.village.regency_id)
    sex = Sex.MALE
    birth_date = datetime.date(1985, 3, 15)
    nik = factory.LazyAttribute(
        lambda o: make_nik(
            district_code_nik=o.village.district.code_nik,
            birth_date=o.birth_date,
            sex=o.sex,
            serial=o.serial,
        )
    )
    kk_number = factory.LazyAttribute(lambda o: f"{o.village.district.code_nik}01{o.serial:08d}")
    full_name = factory.Sequence(lambda n: f"WARGA UJI {n}")
    name_normalised = factory.LazyAttribute(lambda o: " ".join(o.full_name.upper().split()))
    birth_place = "Kalabahi"
    address = "RT 001 RW 001"
    occupation = "Petani"
    desil = 1
    poverty_label = PovertyLabel.EXTREME_POOR
