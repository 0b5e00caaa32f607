"""Validate search parameters; every refusal is a QueryError naming the parameter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.errors import QueryError
from search.messages import say
from search.store.schema import FILTER_FIELDS

MAX_QUERY = 500
MAX_PAGE = 1000
MAX_SIZE = 100
MAX_VALUES = 20  # values per facet filter
MAX_VALUE_CHARS = 100
SORTS = ("relevance", "date", "order")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class SearchParams:
    """Checked search parameters."""

    q: str
    filters: dict[str, list[str]]
    page: int
    size: int
    sort: str


def check(q, filters, page, size, sort) -> SearchParams:
    """Return checked parameters or raise QueryError naming the first bad one."""
    if q is None:
        q = ""
    if not isinstance(q, str):
        raise QueryError(say("query_not_text"), "q")
    q = _valid_text(q)
    if len(q) > MAX_QUERY:
        raise QueryError(say("query_too_long", length=len(q), limit=MAX_QUERY), "q")
    page = _integer(page, "page", 1, MAX_PAGE)
    size = _integer(size, "size", 1, MAX_SIZE)
    if sort not in SORTS:
        raise QueryError(say("bad_sort", sorts=", ".join(SORTS)), "sort")
    return SearchParams(q.strip(), check_filters(filters), page, size, sort)


def check_filters(filters) -> dict[str, list[str]]:
    """Filters as {facet: [values]}: known facets only, values few, short and distinct."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise QueryError(say("bad_filters"), "filters")
    checked: dict[str, list[str]] = {}
    for facet, values in filters.items():
        if facet not in FILTER_FIELDS:
            raise QueryError(say("unknown_filter", facet=facet, known=", ".join(FILTER_FIELDS)),
                             str(facet))
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise QueryError(say("filter_not_text", facet=facet), facet)
        values = list(dict.fromkeys(_valid_text(v).strip() for v in values if v.strip()))
        if len(values) > MAX_VALUES:
            raise QueryError(say("too_many_values", facet=facet, limit=MAX_VALUES), facet)
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            raise QueryError(say("value_too_long", facet=facet), facet)
        if values:
            checked[facet] = values
    return checked


def _valid_text(text: str) -> str:
    """``text`` without lone surrogates, which no encoder (or index) accepts."""
    return _SURROGATES.sub("", text)


def _integer(value, name: str, low: int, high: int) -> int:
    """``value`` as an int in [low, high] (digit strings accepted)."""
    if isinstance(value, bool):
        raise QueryError(say("not_whole_number", name=name), name)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise QueryError(say("not_whole_number", name=name), name)
    if not low <= value <= high:
        raise QueryError(say("out_of_range", name=name, low=low, high=high), name)
    return value
