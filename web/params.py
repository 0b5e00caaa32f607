"""The search state carried in the URL: parse and validate it, and build URLs from it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from urllib.parse import quote_plus, urlencode

FACETS = ("theme", "verb", "session", "body", "kind", "lang", "change")
FILTERS = FACETS + ("unit",)
SORTS = ("relevance", "newest", "order")
ENGINE_SORTS = {"relevance": "relevance", "newest": "date", "order": "order"}
MAX_QUERY = 500
MAX_SIZE = 100
DEFAULT_SIZE = 20
MAX_PAGE = 1000
MAX_ROW = 10_000  # deepest row a page may reach (page * size)
MAX_VALUES = 20  # values per filter parameter
MAX_VALUE_LENGTH = 100


class ParamError(ValueError):
    """A request parameter the user got wrong: `param` names it, `key`/`fields` make the message."""

    def __init__(self, param: str, key: str, **fields):
        super().__init__(f"{param}: {key} {fields}")
        self.param = param
        self.key = key
        self.fields = {"param": param, **fields}


@dataclass(frozen=True)
class SearchState:
    """Everything that decides a results page, as found in the URL."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE

    def engine_filters(self) -> dict[str, list[str]]:
        """The filters as the engine takes them (only non-empty ones)."""
        return {name: list(values) for name, values in self.filters.items() if values}

    @property
    def engine_sort(self) -> str:
        """The sort as the engine names it."""
        return ENGINE_SORTS[self.sort]

    def selected(self, facet: str, key: str) -> bool:
        """Whether `key` is selected in `facet`."""
        return key in self.filters.get(facet, ())

    def toggled(self, facet: str, key: str) -> "SearchState":
        """This state with one facet value added or removed, back on page 1."""
        values = self.filters.get(facet, ())
        values = tuple(v for v in values if v != key) if key in values else values + (key,)
        return replace(self, filters={**self.filters, facet: values}, page=1)

    def at_page(self, page: int) -> "SearchState":
        """This state on another page."""
        return replace(self, page=page)

    def sorted_by(self, sort: str) -> "SearchState":
        """This state in another order, back on page 1."""
        return replace(self, sort=sort, page=1)

    def cleared(self) -> "SearchState":
        """This state without any filter."""
        return replace(self, filters={}, page=1)

    def query_pairs(self, ui: str | None = None, with_page: bool = True) -> list[tuple[str, str]]:
        """The URL query parameters of this state, defaults left out."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FILTERS:
            pairs.extend((name, value) for value in self.filters.get(name, ()))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if with_page and self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.size != DEFAULT_SIZE:
            pairs.append(("size", str(self.size)))
        if ui:
            pairs.append(("ui", ui))
        return pairs

    def url(self, path: str = "/", ui: str | None = None, with_page: bool = True) -> str:
        """A URL for this state under `path`."""
        query = self._queries.get((ui, with_page))
        if query is None:  # a page asks for a dozen URLs of one state: encode it once
            query = self._queries[ui, with_page] = urlencode(self.query_pairs(ui, with_page))
        return f"{path}?{query}" if query else path

    def toggle_url(self, facet: str, key: str, path: str = "/") -> str:
        """``toggled(facet, key).url(path)``, built from two cached pieces of the query string.

        A results page links every value of every facet (thousands at scale): adding a value
        that is not selected only puts ``&facet=key`` between what comes before and after
        it, so no state is copied and only the key is encoded (once per key: the hits' tags
        link the same few values again and again).
        """
        if key in self.filters.get(facet, ()):
            return self.toggled(facet, key).url(path)  # removing one: rare, the full way
        before, after = self._around[facet]
        middle = f"{before}&" if before else ""
        return f"{path}?{middle}{facet}={_quoted(str(key))}{after}"

    @cached_property
    def _queries(self) -> dict[tuple[str | None, bool], str]:
        """The encoded query string by (ui, with_page), filled as ``url`` is asked."""
        return {}

    @cached_property
    def sort_urls(self) -> dict[str, str]:
        """``sorted_by(sort).url("/")`` of every sort, built once (the sort menu and the links)."""
        return {sort: self.sorted_by(sort).url("/") for sort in SORTS}

    @cached_property
    def first_page_url(self) -> str:
        """``at_page(1).url("/")``, built once (each hit's tags may link it)."""
        return self.at_page(1).url("/")

    @cached_property
    def _around(self) -> dict[str, tuple[str, str]]:
        """Per filter: the encoded query on page 1 up to its last value, and what follows it."""
        pieces = [urlencode([("q", self.q)])] if self.q else []
        cuts = {}
        for name in FILTERS:
            pieces.extend(urlencode([(name, value)]) for value in self.filters.get(name, ()))
            cuts[name] = len(pieces)
        # What query_pairs puts after the filters, on page 1: the sort and the page size.
        pieces.extend(urlencode([pair]) for pair in self.at_page(1).query_pairs()
                      if pair[0] in ("sort", "size"))
        return {name: ("&".join(pieces[:cut]), "".join(f"&{p}" for p in pieces[cut:]))
                for name, cut in cuts.items()}


@lru_cache(maxsize=4096)
def _quoted(key: str) -> str:
    """A facet value as a query string writes it (values are few: a vocabulary, not input)."""
    return quote_plus(key)


def _integer(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ParamError(name, "err_not_integer", value=raw[:40]) from None
    if not low <= value <= high:
        raise ParamError(name, "err_out_of_range", low=low, high=high, value=value)
    return value


def _choice(args, name: str, choices: tuple[str, ...], default: str) -> str:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ParamError(name, "err_choice", value=raw[:40], choices=", ".join(choices))
    return raw


def _values(args, name: str) -> tuple[str, ...]:
    # Blank values come from empty form fields; repeated values are harmless duplicates.
    values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if len(values) > MAX_VALUES:
        raise ParamError(name, "err_too_many", limit=MAX_VALUES)
    if any(len(v) > MAX_VALUE_LENGTH for v in values):
        raise ParamError(name, "err_value_too_long")
    return values


def parse_state(args, max_size: int = MAX_SIZE) -> SearchState:
    """The search state of a request's query arguments; ParamError when one is wrong."""
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY:
        raise ParamError("q", "err_q_too_long", length=len(q), limit=MAX_QUERY)
    filters = {name: _values(args, name) for name in FILTERS}
    sort = _choice(args, "sort", SORTS, "relevance")
    size = _integer(args, "size", DEFAULT_SIZE, 1, max_size)
    page = _integer(args, "page", 1, 1, MAX_PAGE)
    if page * size > MAX_ROW:
        raise ParamError("page", "err_page_too_deep", limit=MAX_ROW)
    return SearchState(q, {k: v for k, v in filters.items() if v}, sort, page, size)


def parse_ui(args) -> str | None:
    """The `ui` parameter, validated; None when absent."""
    raw = args.get("ui")
    if raw is None or raw == "":
        return None
    return _choice(args, "ui", ("zh", "en"), "zh")
