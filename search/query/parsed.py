"""What parsing produces: items (one searchable piece each) and the parsed query."""

from __future__ import annotations

from dataclasses import dataclass, field

from search.query.form import Node, is_browse


@dataclass
class Item:
    """One searchable piece: its query, how it reads, what it expanded to."""

    query: Node
    shown: str
    expanded: list[str] = field(default_factory=list)
    terms: list[str] | None = None  # an unquoted word's terms (see search.query.relax)
    described: tuple[str, str] | None = None  # a filter in words: (en, zh)
    named: tuple[str, str] | None = None  # (en, zh) name when missing from a hit; else shown
    exact: bool = False  # a "quoted phrase": required, never loosened (search.query.concepts)


@dataclass
class ParsedQuery:
    """A parsed query: the text part, the filter part, and how it was read."""

    text: str
    query: Node | None  # None: nothing to score, browse (possibly with filters)
    filter: Node | None
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
    # The (en, zh) name of each child of the query's top AtLeast (what a partial hit lacks).
    concepts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def browse(self) -> bool:
        """True when no words constrain the text (browse in document order)."""
        return is_browse(self.query)

    def describe(self) -> str:
        """The query as a string (for tests and debugging): text part, then filters."""
        parts = [str(self.query)] if self.query is not None else []
        if self.filter is not None:
            parts.append("FILTER " + str(self.filter))
        return " ".join(parts)


def clause_name(clause: list[Item]) -> tuple[str, str]:
    """The (en, zh) name of one clause: its items' names joined by OR."""
    names = [item.named or (item.shown, item.shown) for item in clause]
    return " OR ".join(en for en, _ in names), " 或 ".join(zh for _, zh in names)
