"""What parsing produces: items (one searchable piece each) and the parsed query."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as Q


@dataclass
class Item:
    """One searchable piece: its query, how it reads, what it expanded to."""

    query: Q.Query
    shown: str
    expanded: list[str] = field(default_factory=list)
    terms: list[str] | None = None  # an unquoted word's terms (see search.query.relax)
    described: tuple[str, str] | None = None  # a filter in words: (en, zh)


@dataclass
class ParsedQuery:
    """A parsed query: the text part, the filter part, and how it was read."""

    text: str
    query: Q.Query | None  # None: nothing to score, browse (possibly with filters)
    filter: Q.Query | None
    expanded: list[str]
    reading: dict[str, str]
    messages: list[str]
    words: list[str]  # plain words as typed, for "did you mean"
    clauses: list[list[Item]] = field(default_factory=list)  # AND of ORs, as parsed
    excluded: list[Item] = field(default_factory=list)
    filters_shown: list[tuple[str, str]] = field(default_factory=list)  # (en, zh) each
    # Parts of the text read as something else (a verb read as the verb facet), each as
    # {"en", "zh", "without"}: how it was read and the query text without it.
    read_as: list[dict] = field(default_factory=list)

    @property
    def browse(self) -> bool:
        """True when no words constrain the text (browse in document order)."""
        return self.query is None or isinstance(self.query, Q.AndNot) and isinstance(
            self.query.a, Q.Every)

    def describe(self) -> str:
        """The query as a string (for tests and debugging): text part, then filters."""
        parts = [str(self.query)] if self.query is not None else []
        if self.filter is not None:
            parts.append("FILTER " + str(self.filter))
        return " ".join(parts)


def any_of(queries: list[Q.Query]) -> Q.Query:
    """One query, or the OR of several."""
    return queries[0] if len(queries) == 1 else Q.Or(queries)


def all_of(queries: list[Q.Query]) -> Q.Query:
    """One query, or the AND of several."""
    return queries[0] if len(queries) == 1 else Q.And(queries)
