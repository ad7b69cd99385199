"""Paging of API lists: a capped `limit` everywhere, and cursors for the lists that grow with
the number of people (no count of a million rows on every page, no deep OFFSET scans).

Bad paging parameters are refused with 400 and a stable code (`errors.BadParameter`): a
`limit` of "abc", 0 or beyond the cap, a negative offset, a cursor that was not ours.
"""

import re

from rest_framework.pagination import CursorPagination, LimitOffsetPagination

from lindungi.api.errors import BadParameter

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# Digits only, and few of them: anything longer is no number a client means.
_NUMBER = re.compile(r"\d{1,9}")


def _limit(request, default: int) -> int:
    text = request.query_params.get("limit")
    if text is None or text == "":
        return default
    if not _NUMBER.fullmatch(text) or not 1 <= int(text) <= MAX_LIMIT:
        raise BadParameter("limit", "bad_limit", f"Give a whole number from 1 to {MAX_LIMIT}.")
    return int(text)


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=&offset=` with a count, for short lists (programmes, imports, invoices)."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request) -> int:
        return _limit(request, self.default_limit)

    def get_offset(self, request) -> int:
        text = request.query_params.get(self.offset_query_param)
        if text is None or text == "":
            return 0
        if not _NUMBER.fullmatch(text):
            raise BadParameter("offset", "bad_offset", "Give a whole number from 0.")
        return int(text)


class KeysetPagination(CursorPagination):
    """`?limit=&cursor=` in id order, without a total. The cursor is opaque; it carries an id,
    never a NIK."""

    ordering = "id"
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT

    def get_page_size(self, request) -> int:
        return _limit(request, self.page_size)

    def decode_cursor(self, request):
        text = request.query_params.get(self.cursor_query_param)
        if text is not None and (len(text) > 200 or not text.isascii()):
            raise BadParameter("cursor", "bad_cursor", "This cursor is not one of ours.")
        try:
            cursor = super().decode_cursor(request)
        except Exception:
            cursor = False
        # The position is an id: anything else would reach the database as a bad comparison.
        if cursor is False or (
            cursor and cursor.position and not _NUMBER.fullmatch(cursor.position)
        ):
            raise BadParameter("cursor", "bad_cursor", "This cursor is not one of ours.")
        return cursor
