"""Registry lists as `web.lists` lists: people, imports, duplicate pairs."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action
from lindungi.registry import search, selectors
from lindungi.registry.choices import DuplicateStatus
from lindungi.registry.forms import PEOPLE_PAGE_FILTERS
from lindungi.registry.models import Person


def people_rows(user, query):
    """The people the filters ask for; nobody for a bad filter (the page says what is wrong)."""
    try:
        wanted = search.parse_people_search(query, only=PEOPLE_PAGE_FILTERS)
    except search.InvalidSearch:
        return Person.objects.none()
    return search.search_people(user=user, search=wanted).select_related("village")


PEOPLE = register(
    ListDefinition(
        name="registry.people",
        title=_("People"),
        action=Action.VIEW_PEOPLE,
        rows=people_rows,
        export_kind="people",
        # NIK order, as before; the NIK is unique, so the seek needs no id.
        default_sort="nik",
        columns=(
            Column("nik", "NIK", "nik", sortable=True, unique=True, nik=True),
            Column("name", _("Name"), "full_name", sortable=True),
            Column("sex", _("Sex"), "sex", sortable=True),
            Column("birth_date", _("Birth date"), "birth_date", sortable=True),
            Column("village", _("Village"), "village__name", sortable=True, sort=("village_id",)),
            Column("desil", _("Desil"), "desil"),
            Column("poverty_label", _("Poverty label"), "poverty_label"),
        ),
    )
)


def import_rows(user, query):
    return selectors.list_imports(user=user)


IMPORTS = register(
    ListDefinition(
        name="registry.imports",
        title=_("Candidate imports"),
        action=Action.VIEW_PEOPLE,
        rows=import_rows,
        export_kind="registry_imports",
        default_sort="-id",
        columns=(
            Column("id", "#", "pk", sortable=True),
            Column("file", _("File"), "file_name", sortable=True),
            Column("source", _("Source"), "source", sortable=True),
            Column("edition", _("Edition"), "edition", sortable=True),
            Column("read", _("Read"), "rows_read", sortable=True),
            Column("accepted", _("Accepted"), "rows_accepted", sortable=True),
            Column("updated", _("Updated"), "rows_updated", sortable=True),
            Column("unchanged", _("Unchanged"), "rows_unchanged", sortable=True),
            Column("rejected", _("Rejected"), "rows_rejected", sortable=True),
            Column("by", _("By"), "created_by__username"),
            Column("when", _("When"), "created_at", sortable=True),
        ),
    )
)


def duplicate_status(query) -> str:
    status = query.get("status", DuplicateStatus.OPEN)
    return status if status in DuplicateStatus.values else DuplicateStatus.OPEN


def duplicate_rows(user, query):
    return selectors.list_duplicates(user=user, status=duplicate_status(query))


DUPLICATES = register(
    ListDefinition(
        name="registry.duplicates",
        title=_("Possible duplicates"),
        action=Action.VIEW_PEOPLE,
        rows=duplicate_rows,
        export_kind="registry_duplicates",
        default_sort="-id",
        columns=(
            Column("first", _("First"), "first_nik", sortable=True, nik=True),
            Column("first_name", _("Name"), "first_person__full_name", page=False),
            Column("second", _("Second"), "second_nik", sortable=True, nik=True),
            Column("second_name", _("Name"), "second_person__full_name", page=False),
            Column("rule", _("Rule"), "rule", sortable=True),
            Column("status", _("Status"), "status"),
            Column("note", _("Note"), "note", page=False),
        ),
    )
)
