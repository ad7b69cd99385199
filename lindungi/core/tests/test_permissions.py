import pytest
from django.core.exceptions import PermissionDenied

from lindungi.core.permissions import (
    READ_ACTIONS,
    Action,
    can,
    can_access_regency,
    regency_scope,
    require,
    scoped,
)
from lindungi.registry.models import Person

pytestmark = pytest.mark.django_db


def test_auditor_reads_everything_and_can_write_nothing(auditor):
    for action in Action:
        assert can(auditor, action) == (action in READ_ACTIONS), action
    with pytest.raises(PermissionDenied):
        require(auditor, Action.IMPORT_CANDIDATES)
    assert regency_scope(auditor) is None


def test_regency_officer_is_limited_to_their_own_regency(regency_officer):
    assert regency_scope(regency_officer) == "53.05"
    assert can_access_regency(regency_officer, "53.05")
    assert not can_access_regency(regency_officer, "53.03")
    assert not can(regency_officer, Action.APPROVE_SELECTION)
    assert not can(regency_officer, Action.VIEW_AUDIT)


def test_province_officer_acts_everywhere_but_does_not_manage_users(province_officer):
    assert regency_scope(province_officer) is None
    assert can(province_officer, Action.APPROVE_SELECTION)
    assert not can(province_officer, Action.MANAGE_USERS)


def test_anonymous_and_roleless_users_can_do_nothing(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    roleless = django_user_model.objects.create(username="nobody")
    for user in (AnonymousUser(), roleless):
        assert not any(can(user, action) for action in Action)
        assert not can_access_regency(user, "53.05")


def test_inactive_user_can_do_nothing(province_admin):
    province_admin.is_active = False
    assert not can(province_admin, Action.VIEW_PEOPLE)


def _people_in_two_regencies():
    from lindungi.regions.models import Village

    home = Village.objects.filter(regency_id="53.05").first()
    other = Village.objects.filter(regency_id="53.03").first()
    rows = []
    for index, village in enumerate([home, home, other]):
        rows.append(
            Person(
                nik=f"53050{index}0101850001"[:16],
                kk_number="5305010101850001",
                full_name=f"Orang {index}",
                name_normalised=f"ORANG {index}",
                sex="L",
                birth_date="1985-01-01",
                village=village,
                regency_id=village.regency_id,
            )
        )
    Person.objects.bulk_create(rows)


def test_scoped_hides_other_regencies_people_from_a_regency_officer(regency_officer, outsider):
    _people_in_two_regencies()
    mine = scoped(regency_officer, Person.objects.all())
    assert sorted(mine.values_list("regency_id", flat=True)) == ["53.05", "53.05"]
    theirs = scoped(outsider, Person.objects.all())
    assert list(theirs.values_list("regency_id", flat=True)) == ["53.03"]


def test_scoped_shows_everything_to_province_roles_and_nothing_to_strangers(
    province_officer, auditor, insurer_liaison, django_user_model
):
    from django.contrib.auth.models import AnonymousUser

    _people_in_two_regencies()
    for user in (province_officer, auditor, insurer_liaison):
        assert scoped(user, Person.objects.all()).count() == 3
    assert scoped(AnonymousUser(), Person.objects.all()).count() == 0
    roleless = django_user_model.objects.create(username="nobody")
    assert scoped(roleless, Person.objects.all()).count() == 0


def test_scoped_refuses_a_queryset_with_no_known_regency_path(regency_officer):
    from lindungi.regions.models import Province

    with pytest.raises(TypeError):
        scoped(regency_officer, Province.objects.all())
    # An explicit path works: only the officer's own province comes back.
    provinces = scoped(regency_officer, Province.objects.all(), regency_field="regencies__code")
    assert list(provinces.values_list("code", flat=True)) == ["53"]
