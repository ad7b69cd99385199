"""Registry records in the DCI shapes (Person.yaml, Group.yaml), with only the fields the
client's role may see:

- province officers, auditors and regency clients: identity, address, phone, decile, enrollment;
- the insurer liaison: identity and enrollment, no address or phone (its work needs neither);
- public statistics: no identifier, name, birth date, address or phone (sex, age in years,
  region, decile, enrollment state only).
"""

from collections import defaultdict

from django.utils import timezone

from lindungi.api.choices import ClientRole
from lindungi.core.roles import Role
from lindungi.enrollment.models import Enrollment

CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
}
SEX = {"L": "male", "P": "female"}
FULL = "full"
LIAISON = "liaison"
STATISTICS = "statistics"


def view_of(user) -> str:
    if user.role == ClientRole.PUBLIC_STATISTICS:
        return STATISTICS
    if user.role == Role.INSURER_LIAISON:
        return LIAISON
    return FULL


def _age(birth_date, today) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def _enrollments(person_ids: list[int]) -> dict[int, list[dict]]:
    rows = (
        Enrollment.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "programme_id")
        .values_list("person_id", "programme_id", "state", "kpj", "start_date", "end_date")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for person_id, programme, state, kpj, start, end in rows:
        found[person_id].append(
            {
                "programme": programme,
                "state": state,
                "kpj": kpj,
                "start_date": start.isoformat() if start else None,
                "end_date": end.isoformat() if end else None,
            }
        )
    return found


def person_record(person, *, view: str, enrollments: list[dict], today) -> dict:
    attributes = {
        "regency_code": person.regency_id,
        "village_code": person.village_id,
        "desil": person.desil,
        "occupation": person.occupation,
        "enrollment": [
            {key: value for key, value in row.items() if view != STATISTICS or key == "state"}
            for row in enrollments
        ],
    }
    if view == STATISTICS:
        return {
            "@context": CONTEXT,
            "@type": "spdci:SR_Person",
            "sex": SEX.get(person.sex, person.sex),
            "age": _age(person.birth_date, today),
            "additional_attributes": attributes,
        }
    identifiers = [
        {"@type": "Identifier", "identifier_type": "NIK", "identifier_value": person.nik},
        {"@type": "Identifier", "identifier_type": "KK", "identifier_value": person.kk_number},
    ]
    identifiers += [
        {"@type": "Identifier", "identifier_type": "KPJ", "identifier_value": row["kpj"]}
        for row in enrollments
        if row["kpj"]
    ]
    record = {
        "@context": CONTEXT,
        "@type": "spdci:SR_Person",
        "identifier": identifiers,
        "name": {"@type": "Name", "given_name": person.full_name},
        "birth_date": person.birth_date.isoformat(),
        "sex": SEX.get(person.sex, person.sex),
        "registration_date": person.created_at.isoformat(timespec="seconds"),
        "additional_attributes": {
            **attributes,
            "poverty_label": person.poverty_label,
            "died_on": person.died_on.isoformat() if person.died_on else None,
        },
    }
    if view == FULL:
        record["address"] = [
            {
                "@type": "Address",
                "address_line1": person.address,
                "locality": person.village_id,
                "region_code": person.regency_id,
                "country_code": "ID",
            }
        ]
        record["phone_number"] = [person.phone] if person.phone else []
    return record


def person_records(people: list, *, view: str) -> list[dict]:
    enrollments = _enrollments([person.pk for person in people])
    today = timezone.localdate()
    return [
        person_record(person, view=view, enrollments=enrollments.get(person.pk, []), today=today)
        for person in people
    ]


def group_records(kk_numbers: list[str], members: list, *, view: str) -> list[dict]:
    """One household per KK, its members (those the client may see) in NIK order."""
    by_kk: dict[str, list] = defaultdict(list)
    for person in members:
        by_kk[person.kk_number].append(person)
    enrollments = _enrollments([person.pk for person in members])
    today = timezone.localdate()
    groups = []
    for kk in kk_numbers:
        people = by_kk.get(kk, [])
        member_list = [
            {
                "@type": "Member",
                "demographic_info": person_record(
                    person, view=view, enrollments=enrollments.get(person.pk, []), today=today
                ),
            }
            for person in people
        ]
        group = {
            "@context": CONTEXT,
            "@type": "spdci:Group",
            "group_type": "household",
            "group_size": len(people),
            "member_list": member_list,
            "poverty_score": min((p.desil for p in people if p.desil), default=None),
            "poverty_score_type": "desil",
        }
        if view != STATISTICS:
            group["group_identifier"] = [
                {"@type": "Identifier", "identifier_type": "KK", "identifier_value": kk}
            ]
        groups.append(group)
    return groups
