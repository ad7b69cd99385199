"""One list toolkit for every people- or money-bearing list page (issue 18.3, 17.3).

An app declares each list once, in its `lists.py` (imported on first use by
`get_definition`, for export jobs), and its view hands the request to it:

    PEOPLE = register(ListDefinition(
        name="registry.people",
        title=_("People"),
        action=Action.VIEW_PEOPLE,
        rows=people_rows,                     # rows(user, query, **scope): filtered, scoped
        columns=(
            Column("nik", "NIK", "nik", sortable=True, unique=True, nik=True),
            Column("name", _("Name"), "full_name", sortable=True),
        ),
        default_sort="nik",
    ))

    def people(request):
        listing = PEOPLE.page(request)        # PEOPLE.page(request, statement_id=pk) for scope
        if listing.export is not None:        # ?export=csv|xlsx: the file, or a job redirect
            return listing.export
        return render(request, "...", {"listing": listing})

and its template includes `web/_list_filters.html` (the filter form, folded),
`web/_list_controls.html` (count, page sizes, export links), `web/_list_headers.html` inside the
table's header row, and `web/_list_pager.html` (first / previous / next).

What it gives every list:
- sorting by a whitelisted column (`?sort=name`, `?sort=-name`), always ending with the primary
  key so that ties have one stable order; an unknown column is ignored (the default order);
- a page size chosen from `PAGE_SIZES` (`?size=100`); anything else is the default;
- keyset ("seek") pages: `?after=<id>` / `?before=<id>`, the id of the last (first) row shown;
  its sort values are read back within the user's rows, so page 10,000 costs what page 1 costs
  (no OFFSET) and no NIK or name is put in a URL. A cursor that is not a row the user may see
  is ignored (page 1), never a 500.
  Next/previous links keep every other query parameter;
- "Export CSV / XLSX" (`?export=csv|xlsx`) of exactly the filtered, scoped rows in the page's
  order and columns: formula-safe (`core.exports.neutralise`), NIK/KK as text, NIKs masked for
  a role without `Action.VIEW_FULL_NIK`, choice codes as their labels. Up to
  `EXPORT_JOB_THRESHOLD` rows the file is streamed by the request; above it the export runs as
  a job (`jobs.list_export` in `jobs/jobs.py`, which plugs itself in with `plug_exports`, as
  does the audit recorder) and the user downloads the file from the job page (`jobs:file`,
  owner only, same scope, kept `jobs.files.RETENTION_DAYS` days).

Sortable columns must be NOT NULL (a keyset cannot seek past a NULL); the count shown is capped
at `COUNT_CAP` so that a million-row list never counts a million rows per page.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.module_loading import autodiscover_modules

from lindungi.core.exports import csv_lines, write_csv, write_xlsx, xlsx_response
from lindungi.core.permissions import Action, can, mask_nik, require

PAGE_SIZES = (25, 50, 100, 500)
DEFAULT_PAGE_SIZE = 50
# Above this many rows an export is a background job; up to it, the request streams the file.
EXPORT_JOB_THRESHOLD = 5000
EXPORT_FORMATS = ("csv", "xlsx")
# "More than 10.000": counting is bounded so that a deep list never counts every row.
COUNT_CAP = 10_000
# Parameters the toolkit owns: not filters, never carried into an export job's query.
PAGING_PARAMETERS = ("after", "before", "page", "export")


@dataclass(frozen=True)
class Column:
    """One column of a list: its header, the ORM path of its value, whether it sorts.

    `sort` overrides the ORM paths the column sorts by (default: `path`); `unique`: the value
    alone orders the rows (the id tie-breaker then adds nothing to the seek); `text`: written as
    text in exports (NIK, KK, KPJ, codes); `nik`: masked for roles without VIEW_FULL_NIK.
    """

    key: str
    label: Any
    path: str
    sortable: bool = False
    sort: tuple[str, ...] = ()
    unique: bool = False
    text: bool = False
    nik: bool = False
    # False: exported but not a header of its own (the page shows it inside another cell).
    page: bool = True

    @property
    def order_paths(self) -> tuple[str, ...]:
        return self.sort or (self.path,)


@dataclass(frozen=True)
class ListDefinition:
    """A list page's rows (filtered and scoped for a user and a query) and its columns."""

    name: str
    title: Any
    # rows(user, query, **scope): the filtered rows the user may read (scoped, required).
    rows: Callable[..., QuerySet]
    columns: tuple[Column, ...]
    default_sort: str = "-id"
    action: Action | None = None
    export_kind: str = ""

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    def ordering(self, query: QueryDict) -> "Ordering":
        return parse_ordering(self, query)

    def page(self, request: HttpRequest, **scope: Any) -> "ListPage":
        """The page the request asks for; `.export` is set when it asked for a file.

        `scope`: what the URL names (e.g. `statement_id=3`), passed to `rows` as keywords and
        kept in an export job's parameters (plain JSON values only)."""
        return build_page(self, request, scope)

    def queryset(self, user, query: QueryDict, scope: dict[str, Any]) -> QuerySet:
        return self.rows(user, query, **scope)


@dataclass(frozen=True)
class Ordering:
    key: str  # the column key, or "id"
    descending: bool
    paths: tuple[str, ...]  # ORM paths before the id tie-breaker (empty: by id only)
    unique: bool = False  # the paths alone order the rows: a seek needs no id

    @property
    def token(self) -> str:
        return ("-" if self.descending else "") + self.key

    def order_by(self, *, reverse: bool = False) -> list[str]:
        descending = self.descending != reverse
        sign = "-" if descending else ""
        # A unique column orders alone: no id, so that the column's own index serves the sort.
        tie_breaker = [] if self.unique and self.paths else [sign + "pk"]
        return [sign + path for path in self.paths] + tie_breaker


_registry: dict[str, ListDefinition] = {}
_discovered = False


def register(definition: ListDefinition) -> ListDefinition:
    existing = _registry.get(definition.name)
    if existing is not None and existing is not definition and existing.title != definition.title:
        raise ValueError(f"List {definition.name!r} is registered twice.")
    _registry[definition.name] = definition
    return definition


def get_definition(name: str) -> ListDefinition:
    """The list named `name` (each app's `lists.py` is imported on first use); KeyError."""
    global _discovered
    if name not in _registry and not _discovered:
        autodiscover_modules("lists")
        _discovered = True
    return _registry[name]


def parse_ordering(definition: ListDefinition, query: QueryDict) -> Ordering:
    """`?sort=key` / `?sort=-key` for a sortable column; anything else: the default order."""
    wanted = query.get("sort") or ""
    ordering = _ordering_for(definition, wanted)
    return (
        ordering or _ordering_for(definition, definition.default_sort) or Ordering("id", True, ())
    )


def _ordering_for(definition: ListDefinition, token: str) -> Ordering | None:
    descending = token.startswith("-")
    key = token[1:] if descending else token
    if key == "id":
        return Ordering("id", descending, ())
    column = definition.column(key)
    if column is None or not column.sortable:
        return None
    return Ordering(key, descending, column.order_paths, unique=column.unique)


def page_size(query: QueryDict) -> int:
    try:
        size = int(query.get("size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


# --- cursors ---------------------------------------------------------------------------------
#
# A cursor is the id of the row a page starts after (or ends before): never the sort values
# themselves, so that no NIK or name lands in a URL or a server log. The row's sort values are
# read back within the user's rows, so a cursor from another scope or a deleted row starts over.


def encode_cursor(row: models.Model) -> str:
    return str(row.pk)


def decode_cursor(
    token: str, ordering: Ordering, queryset: QuerySet
) -> tuple[list[Any], Any] | None:
    """The sort values and id of the cursor's row among `queryset`; None for anything else."""
    if not token.isdigit() or len(token) > 19:
        return None
    pk = int(token)
    if not ordering.paths:
        return [], pk
    values = queryset.filter(pk=pk).values_list(*ordering.paths).first()
    if values is None or any(value is None for value in values):
        return None
    return list(values), pk


def _model_field(model: type[models.Model], path: str) -> Any:
    current = model
    found: Any = None
    for part in path.split("__"):
        found = current._meta.pk if part == "pk" else current._meta.get_field(part)
        if found.is_relation and found.related_model is not None:
            current = found.related_model
    return found


def seek(ordering: Ordering, values: Sequence[Any], pk: Any, *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the position (values…, pk) in `ordering`.

    (a, b, id) > (x, y, z) is written out as a > x OR (a = x AND b > y) OR (a = x AND b = y AND
    id > z), which both databases plan on the sort columns' indexes."""
    greater = forward != ordering.descending
    lookup = "gt" if greater else "lt"
    paths = [*ordering.paths] if ordering.unique else [*ordering.paths, "pk"]
    positions = [*values] if ordering.unique else [*values, pk]
    condition = Q()
    for index, path in enumerate(paths):
        equal = {paths[before]: positions[before] for before in range(index)}
        condition |= Q(**equal, **{f"{path}__{lookup}": positions[index]})
    return condition


# --- pages -----------------------------------------------------------------------------------


@dataclass
class Header:
    label: Any
    key: str
    sortable: bool
    url: str = ""
    active: bool = False
    descending: bool = False


@dataclass
class ListPage:
    definition: ListDefinition
    rows: list
    ordering: Ordering
    size: int
    has_next: bool
    has_previous: bool
    next_url: str = ""
    previous_url: str = ""
    first_url: str = ""
    headers: list[Header] = field(default_factory=list)
    sizes: list[tuple[int, str, bool]] = field(default_factory=list)
    export_urls: dict[str, str] = field(default_factory=dict)
    count: int = 0
    count_capped: bool = False
    export: HttpResponseBase | None = None

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _url(query: QueryDict, **changes: Any) -> str:
    """`?…` with `changes` applied (None removes) and the cursors dropped unless given."""
    copy = query.copy()
    for name in ("after", "before", "page", "export"):
        copy.pop(name, None)
    for name, value in changes.items():
        copy.pop(name, None)
        if value is not None:
            copy[name] = str(value)
    text = copy.urlencode()
    return "?" + text if text else "?"


def ordered_rows(
    definition: ListDefinition, user, query: QueryDict, scope: dict[str, Any]
) -> QuerySet:
    """The filtered, scoped rows in the order the query asks for (exports and jobs)."""
    ordering = definition.ordering(query)
    return definition.queryset(user, query, scope).order_by(*ordering.order_by())


def build_page(definition: ListDefinition, request: HttpRequest, scope: dict[str, Any]) -> ListPage:
    query = request.GET
    if definition.action is not None:
        require(request.user, definition.action)
    ordering = definition.ordering(query)
    size = page_size(query)
    queryset = definition.queryset(request.user, query, scope)
    export_format = query.get("export")
    if export_format in EXPORT_FORMATS:
        listing = ListPage(definition, [], ordering, size, False, False)
        listing.export = export_response(
            definition, request, queryset.order_by(*ordering.order_by()), export_format, scope
        )
        return listing
    before = decode_cursor(query.get("before", ""), ordering, queryset)
    after = None if before else decode_cursor(query.get("after", ""), ordering, queryset)
    found: list[Any] = []
    if before is not None:
        window = queryset.filter(seek(ordering, *before, forward=False))
        found = list(window.order_by(*ordering.order_by(reverse=True))[: size + 1])
    if found:
        has_previous, has_next = len(found) > size, True
        page_rows = list(reversed(found[:size]))
    else:  # forward, or back from the first row: the first page
        window = queryset.filter(seek(ordering, *after, forward=True)) if after else queryset
        found = list(window.order_by(*ordering.order_by())[: size + 1])
        has_next, has_previous = len(found) > size, after is not None
        page_rows = found[:size]
    listing = ListPage(definition, page_rows, ordering, size, has_next, has_previous)
    if page_rows and has_next:
        listing.next_url = _url(query, after=encode_cursor(page_rows[-1]))
    if page_rows and has_previous:
        listing.previous_url = _url(query, before=encode_cursor(page_rows[0]))
    if has_previous:
        listing.first_url = _url(query)
    listing.headers = _headers(definition, query, ordering)
    listing.sizes = [(choice, _url(query, size=choice), choice == size) for choice in PAGE_SIZES]
    listing.export_urls = {fmt: _url(query, export=fmt) for fmt in EXPORT_FORMATS}
    # One page holds everything: its rows are the count, no query needed.
    whole = not has_next and not has_previous
    listing.count = len(page_rows) if whole else queryset.order_by()[: COUNT_CAP + 1].count()
    listing.count_capped = listing.count > COUNT_CAP
    listing.count = min(listing.count, COUNT_CAP)
    return listing


def _headers(definition: ListDefinition, query: QueryDict, ordering: Ordering) -> list[Header]:
    headers = []
    for column in definition.columns:
        if not column.page:
            continue
        header = Header(column.label, column.key, column.sortable)
        if column.sortable:
            header.active = ordering.key == column.key
            header.descending = header.active and ordering.descending
            # A click on the active column flips it; on another column sorts it ascending.
            token = column.key if header.descending or not header.active else "-" + column.key
            header.url = _url(query, sort=token)
        headers.append(header)
    return headers


# --- exports ---------------------------------------------------------------------------------


def export_rows(definition: ListDefinition, user, queryset: QuerySet) -> Iterator[list[Any]]:
    """The export's cells row by row, fetched in chunks: masked NIKs, choice labels."""
    columns = definition.columns
    full_nik = can(user, Action.VIEW_FULL_NIK)
    labels: list[dict | None] = []
    for column in columns:
        try:
            model_field = _model_field(queryset.model, column.path)
        except FieldDoesNotExist:  # an annotation (a sum, a share): no choices
            labels.append(None)
            continue
        labels.append(dict(model_field.flatchoices) if model_field.choices else None)
    paths = [column.path for column in columns]
    for values in queryset.values_list(*paths).iterator(chunk_size=2000):
        row = []
        for column, choices, value in zip(columns, labels, values, strict=True):
            if column.nik and value and not full_nik:
                value = mask_nik(value)
            elif choices is not None and value in choices:
                value = str(choices[value])
            row.append(value)
        yield row


def export_headers(definition: ListDefinition) -> list[str]:
    return [str(column.label) for column in definition.columns]


def text_columns(definition: ListDefinition) -> list[int]:
    return [index for index, column in enumerate(definition.columns) if column.text or column.nik]


def write_rows(
    definition: ListDefinition, export_format: str, rows: Iterable[Sequence[Any]], target: IO[bytes]
) -> int:
    """Write export rows (from `export_rows`) to a binary file; returns the number of rows."""
    headers = export_headers(definition)
    if export_format == "xlsx":
        return write_xlsx(
            target,
            headers=headers,
            rows=rows,
            sheet_title=str(definition.title),
            text_columns=text_columns(definition),
        )
    return write_csv(target, headers=headers, rows=rows)


def export_response(
    definition: ListDefinition,
    request: HttpRequest,
    queryset: QuerySet,
    export_format: str,
    scope: dict[str, Any],
) -> HttpResponseBase:
    """The file now (up to EXPORT_JOB_THRESHOLD rows) or a job and a redirect to its page."""
    if hooks.record is None:
        raise ImproperlyConfigured("List exports need an audit recorder (jobs app).")
    user = request.user
    large = queryset.order_by()[EXPORT_JOB_THRESHOLD : EXPORT_JOB_THRESHOLD + 1].exists()
    if large and hooks.start_job is not None:
        job = hooks.start_job(definition, user, request.GET, scope)
        return redirect("jobs:detail", pk=job.pk)
    hooks.record(
        user=user,
        definition=definition,
        file_format=export_format,
        query=_filters(request.GET),
        scope=scope,
    )
    filename = f"{definition.name.replace('.', '-')}.{export_format}"
    if export_format == "xlsx":
        return xlsx_response(
            filename=filename,
            headers=export_headers(definition),
            rows=export_rows(definition, user, queryset),
            sheet_title=str(definition.title),
            text_columns=text_columns(definition),
        )
    response = StreamingHttpResponse(
        csv_lines(export_headers(definition), export_rows(definition, user, queryset)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filters(query: QueryDict) -> dict[str, list[str]]:
    """The query without paging: what an export job re-applies in the worker."""
    return {
        name: query.getlist(name)
        for name in sorted(query)
        if name not in PAGING_PARAMETERS and name != "size"
    }


# What core cannot do itself (it knows neither jobs nor the audit trail) is plugged in at
# start-up by the jobs app (`jobs/jobs.py`): queueing a large export as a job, and recording
# every export in the audit trail. Without a recorder an export is refused, never unaudited.
@dataclass
class ExportHooks:
    # start_job(definition, user, query, scope) -> the queued job
    start_job: Callable[..., Any] | None = None
    # record(user=, definition=, file_format=, query=, scope=, rows=None) -> None
    record: Callable[..., Any] | None = None


hooks = ExportHooks()


def plug_exports(*, start_job: Callable[..., Any], record: Callable[..., Any]) -> None:
    hooks.start_job = start_job
    hooks.record = record


def export_job_params(
    definition: ListDefinition, query: QueryDict, scope: dict[str, Any]
) -> dict[str, Any]:
    """What an export job needs to rebuild the rows in the worker (plain JSON)."""
    return {
        "list_name": definition.name,
        "query": _filters(query),
        "file_format": query["export"],
        "scope": scope,
    }


def query_from(filters: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in filters.items():
        query.setlist(name, [str(value) for value in values])
    return query
