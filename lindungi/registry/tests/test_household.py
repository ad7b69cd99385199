"""The household view: the people sharing a family card (KK), as the user may see them."""

import pytest
from django.urls import reverse

from lindungi.registry.selectors import household
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_person_page_lists_the_household(client, auditor, regency_officer):
    head = PersonFactory()
    spouse = PersonFactory(kk_number=head.kk_number)
    PersonFactory()  # another family
    assert list(household(user=auditor, person=head)) == [spouse]
    client.force_login(auditor)
    page = client.get(reverse("registry:person", args=[head.pk])).content.decode()
    assert spouse.nik in page
