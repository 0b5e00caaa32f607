"""Our own query form: small immutable nodes that ``parse`` returns and executors compile.

Nothing here knows an index. Every executor (the Whoosh reference in
``search.query.whoosh``, the array executor in ``search.engine``, a distributed engine
later) takes these nodes, so the reading, highlighting, relaxation and suggestions work
from one representation, and tests compare executors on it.

Semantics, the same for every executor:

- ``Term(field, text)`` — documents whose ``field`` holds the term; scored by BM25F
  (Whoosh's formula and statistics) times ``boost`` and the field's boost.
- ``Phrase(field, words)`` — the words at consecutive positions; scored as Whoosh
  scores a phrase (the sum of its words' BM25 weights, with the phrase's frequency).
- ``Substring(field, text)`` — documents whose normalised text contains ``text``, found
  through the character-bigram field ``field`` (overlapping bigrams at consecutive
  positions); scored as one term of that field whose frequency is the number of
  occurrences.
- ``Prefix(field, text)`` — any term of ``field`` starting with ``text``; executors expand
  it to at most ``PREFIX_CAP`` terms, the most frequent first (ties: term order).
- ``Range(field, low, high)`` — a numeric field within ``[low, high]``; a filter, score 0.
- ``AnyOf(children)`` — any child matches; score: the sum of the matching children's.
- ``AllOf(children)`` — every child matches; score: the sum.
- ``AtLeast(children, minimum, names)`` — at least ``minimum`` children match; score: the
  sum of the matching ones. ``names`` label the children (the concepts a partial hit
  may lack, for "missing: …"); executors report, per hit, which children matched.
- ``Without(positive, negative)`` — ``positive`` and not ``negative``; positive's score.
- ``Maybe(required, optional)`` — ``required``'s matches; ``optional`` adds its score
  where it also matches (a boost that never widens the set).
- ``Every()`` — every live document, score 0; ``Nothing()`` — no document.

``boost`` multiplies a node's score (children's boosts multiply through). ``str(node)``
is a stable, readable form that the query-table tests assert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

PREFIX_CAP = 64  # most terms one prefix may expand to


class Node:
    """Base of every query node (immutable, hashable, comparable)."""

    boost: float = 1.0

    def children(self) -> tuple["Node", ...]:
        """The nodes directly below this one."""
        return ()

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()

    def _boosted(self, body: str) -> str:
        return body if self.boost == 1.0 else f"{body}^{self.boost:g}"


@dataclass(frozen=True)
class Term(Node):
    field: str
    text: str
    boost: float = 1.0

    def __str__(self) -> str:
        return self._boosted(f"{self.field}:{self.text}")


@dataclass(frozen=True)
class Phrase(Node):
    field: str
    words: tuple[str, ...]
    boost: float = 1.0

    def __str__(self) -> str:
        return self._boosted(f'{self.field}:"{" ".join(self.words)}"')


@dataclass(frozen=True)
class Substring(Node):
    field: str
    text: str
    boost: float = 1.0

    def __str__(self) -> str:
        return self._boosted(f"{self.field}:~{self.text}~")


@dataclass(frozen=True)
class Prefix(Node):
    field: str
    text: str
    boost: float = 1.0

    def __str__(self) -> str:
        return self._boosted(f"{self.field}:{self.text}*")


@dataclass(frozen=True)
class Range(Node):
    field: str
    low: int
    high: int
    boost: float = 1.0

    def __str__(self) -> str:
        return self._boosted(f"{self.field}:[{self.low} TO {self.high}]")


@dataclass(frozen=True)
class AnyOf(Node):
    items: tuple[Node, ...]
    boost: float = 1.0

    def children(self) -> tuple[Node, ...]:
        return self.items

    def __str__(self) -> str:
        return self._boosted("(" + " OR ".join(map(str, self.items)) + ")")


@dataclass(frozen=True)
class AllOf(Node):
    items: tuple[Node, ...]
    boost: float = 1.0

    def children(self) -> tuple[Node, ...]:
        return self.items

    def __str__(self) -> str:
        return self._boosted("(" + " AND ".join(map(str, self.items)) + ")")


@dataclass(frozen=True)
class AtLeast(Node):
    items: tuple[Node, ...]
    minimum: int
    names: tuple[str, ...] = field(default=())
    boost: float = 1.0

    def children(self) -> tuple[Node, ...]:
        return self.items

    def __str__(self) -> str:
        return self._boosted(f"ATLEAST{self.minimum}(" + " , ".join(map(str, self.items)) + ")")


@dataclass(frozen=True)
class Without(Node):
    positive: Node
    negative: Node
    boost: float = 1.0

    def children(self) -> tuple[Node, ...]:
        return (self.positive, self.negative)

    def __str__(self) -> str:
        return self._boosted(f"({self.positive} ANDNOT {self.negative})")


@dataclass(frozen=True)
class Maybe(Node):
    required: Node
    optional: Node
    boost: float = 1.0

    def children(self) -> tuple[Node, ...]:
        return (self.required, self.optional)

    def __str__(self) -> str:
        return self._boosted(f"({self.required} ANDMAYBE {self.optional})")


@dataclass(frozen=True)
class Every(Node):
    boost: float = 1.0

    def __str__(self) -> str:
        return "<every>"


@dataclass(frozen=True)
class Nothing(Node):
    boost: float = 1.0

    def __str__(self) -> str:
        return "<nothing>"


def any_of(nodes: list[Node] | tuple[Node, ...], boost: float = 1.0) -> Node:
    """One node, or the OR of several."""
    nodes = tuple(nodes)
    if len(nodes) == 1 and boost == 1.0:
        return nodes[0]
    return AnyOf(nodes, boost)


def all_of(nodes: list[Node] | tuple[Node, ...], boost: float = 1.0) -> Node:
    """One node, or the AND of several."""
    nodes = tuple(nodes)
    if len(nodes) == 1 and boost == 1.0:
        return nodes[0]
    return AllOf(nodes, boost)


def sequence(fieldname: str, words: list[str] | tuple[str, ...], boost: float = 1.0) -> Node:
    """A term, or a phrase when there are several words."""
    if len(words) == 1:
        return Term(fieldname, words[0], boost)
    return Phrase(fieldname, tuple(words), boost)


def transform(node: Node, change: Callable[[Node], Node]) -> Node:
    """``node`` rebuilt bottom-up, each node passed through ``change`` after its children."""
    if isinstance(node, (AnyOf, AllOf)):
        node = type(node)(tuple(transform(c, change) for c in node.items), node.boost)
    elif isinstance(node, AtLeast):
        node = AtLeast(tuple(transform(c, change) for c in node.items), node.minimum,
                       node.names, node.boost)
    elif isinstance(node, Without):
        node = Without(transform(node.positive, change), transform(node.negative, change),
                       node.boost)
    elif isinstance(node, Maybe):
        node = Maybe(transform(node.required, change), transform(node.optional, change),
                     node.boost)
    return change(node)


def top_at_least(node: Node) -> AtLeast | None:
    """The query's top ``AtLeast`` (the node itself, or below ``Maybe.required`` and
    ``Without.positive``, which neither widen nor narrow its concepts), or None."""
    while isinstance(node, (Maybe, Without)):
        node = node.required if isinstance(node, Maybe) else node.positive
    return node if isinstance(node, AtLeast) else None


def is_browse(node: Node | None) -> bool:
    """True when no words constrain the text: nothing, or everything minus exclusions."""
    return node is None or isinstance(node, Every) or (
        isinstance(node, Without) and isinstance(node.positive, Every))
