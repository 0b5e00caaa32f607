"""What an executor returns, and the one ranking rule every executor follows.

Two executors run our query form (``search.query.form``): the reference over Whoosh's
own matchers and the array executor over the memory-mapped arrays written at build
time. Both take a :class:`Request` and return an :class:`Execution`; tests hold them
equal (same matches, totals, facet counts, and the same ordered page).

Ranking. A query of several concepts is an ``AtLeast`` node at the top (the engine's
"fill the page": paragraphs with every concept first, then those with most of them).
Hits are ordered by, in turn:

1. the number of the top ``AtLeast``'s children matched, most first;
2. the weight of the children matched, heaviest first, where a child's weight is
   ``log(1 + live / df)`` with ``df`` the number of live documents that child matches
   (so a paragraph lacking a common concept ranks above one lacking a rare one);
3. the score, highest first, rounded to 6 decimals (floating-point sums in another
   order must not reorder hits); an operative paragraph's score is its query score
   times ``OP_BOOST`` (operative paragraphs carry the decisions delegates look for);
4. the date rank, newest first (the same paragraph in a resolution and its draft);
5. the document order, first first.

With no ``AtLeast`` at the top, steps 1 and 2 are equal for every hit. Sorting by
``date`` uses steps 4 then 5; by ``order`` step 5 alone; browsing (no text query) is
``order`` unless asked otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from search.query.form import Node

ROUND = 6  # decimals a score is compared at
OP_BOOST = 1.25  # an operative paragraph's score factor (kind "op"; see step 3)


@dataclass(frozen=True)
class Request:
    """One search as an executor sees it (parameters already validated)."""

    query: Node | None  # None: browse, every live document
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # OR within, AND across
    filter_node: Node | None = None  # filters typed in the query (year:2016, theme:…)
    sort: str = "relevance"  # relevance | date | order
    start: int = 0  # first hit of the page, 0-based
    size: int = 10
    facets: tuple[str, ...] = ()  # facet fields to count over every hit
    budget: float = 2.0  # seconds; past it the answer so far is returned, flagged partial


@dataclass
class Execution:
    """The answer of one executor to one :class:`Request`."""

    total: int  # every match (full and partial)
    full: int  # matches holding every child of the top AtLeast (= total without one)
    page: list[int]  # docnums of hits start … start+size, in rank order
    scores: list[float]  # their scores (0.0 when not ranked)
    matched: list[tuple[int, ...]]  # per page hit: indices of the top AtLeast's children it matches
    facets: dict[str, dict[str, int]]  # facet → key → hits holding it
    partial: bool = False  # the time budget ran out: counts and page are of what was seen


def child_weight(df: int, live: int) -> float:
    """The weight of one ``AtLeast`` child matching ``df`` of ``live`` documents."""
    return math.log(1.0 + live / df) if df > 0 else 0.0


def rank_key(matched_count: int, matched_weight: float, score: float, date: int,
             order: int) -> tuple:
    """The sort key of one hit in relevance order (smallest first; see the module doc)."""
    return (-matched_count, -round(matched_weight, ROUND), -round(score, ROUND), -date, order)
