"""The array executor's answer: totals, facet counts and the page, vectorised.

Relevance follows :func:`search.engine.execution.rank_key` exactly: each key becomes an
int64 column (counts, weights and scores rounded to ``ROUND`` decimals as integers),
the page's candidates are found with ``np.partition`` level by level, and only those
are sorted (``np.lexsort``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping

import numpy as np

from search.engine import execution
from search.engine.execution import ROUND, Execution, Request, child_weight
from search.query import form as F
from search.store.arrays import ranges

SCALE = 10.0 ** ROUND
# The ranking rule's factor on an operative paragraph's score (search.engine.execution).
OP_BOOST = execution.OP_BOOST  # read here at run time (tests patch it)


def answer(executor, run, request: Request, hits) -> Execution:
    """The :class:`Execution` of ``hits`` for ``request``."""
    arrays = executor.arrays
    # intp, once: every gather below indexes by it (int32 docnums would be cast each time).
    docs = np.asarray(hits.docs, dtype=np.intp)
    top = F.top_at_least(request.query)
    matched = _matched(executor, run, top, docs)  # (keys of steps 1–2, full matches, bitmasks)
    full = len(docs) if matched is None else matched[1]
    # Read for the rows a ranking key leaves tied, not for every hit (see top_k).
    date, order = arrays.numbers["date_rank"], arrays.numbers["doc_order"]
    newest = _Computed(lambda rows: -date[docs[rows]].astype(np.int64), len(docs))
    first = _Computed(lambda rows: order[docs[rows]].astype(np.int64), len(docs))
    if F.is_browse(request.query) and request.sort == "relevance" or request.sort == "order":
        keys = [first]
    elif request.sort == "date":
        keys = [newest, first]
    else:
        boosted = _op_boosted(executor, hits, docs)
        keys = [Rounded(boosted, len(docs)), newest, first]
        if matched is not None:
            keys = matched[0] + keys
    ranked = top_k(keys, request.start + request.size)[request.start:]
    scored = len(keys) >= 3  # ranked by relevance
    return Execution(
        total=len(docs), full=full,
        page=[int(d) for d in docs[ranked]],
        scores=[float(s) for s in boosted(ranked)] if scored else [0.0] * len(ranked),
        matched=[_indices(matched[2][i]) for i in ranked] if matched is not None else [() for _ in ranked],
        facets=facet_table(executor, docs, request.facets, getattr(hits, "held", None)),
        partial=run.partial,
    )


class _Computed:
    """A ranking key computed only for the rows asked (``[:]``: all of them; see top_k)."""

    def __init__(self, compute, size: int):
        self.compute, self.size = compute, size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, rows) -> np.ndarray:
        return self.compute(rows)


def _op_boosted(executor, hits, docs: np.ndarray):
    """``boosted(rows)``: the scores of those rows of ``hits`` (``docs``: their docnums as
    intp), an operative paragraph's times OP_BOOST."""
    if OP_BOOST == 1.0:
        return lambda rows: hits.scores[rows]
    factor = executor.op_factor(OP_BOOST)
    return lambda rows: hits.scores[rows] * factor[docs[rows]]


def _matched(executor, run, top, docs):
    """For the top AtLeast's children each hit matches: (the ranking keys of steps 1 and 2,
    how many hits match them all, each hit's bitmask of them); None without one."""
    if top is None or id(top) not in run.children:
        return None
    live = len(executor.live_docs)
    children = run.children[id(top)]
    if len(children) <= TABLED_CHILDREN:
        return _matched_by_table(executor, children, docs, live)
    # Many concepts: each hit's count and weight (steps 1 and 2), child by child.
    count = np.zeros(len(docs), dtype=np.int64)
    weight = np.zeros(len(docs))
    mask = np.zeros(len(docs), dtype=object if len(top.items) > 62 else np.int64)
    held = np.zeros(executor.arrays.doc_count, dtype=bool)
    for i, child in enumerate(children):
        child_docs = executor.alive(child).docs
        held[:] = False
        held[child_docs] = True
        found = held[docs]
        count += found
        weight += found * child_weight(len(child_docs), live)
        mask = mask + found * (1 << i)
    keys = [-count, _Computed(lambda rows: -np.rint(weight[rows] * SCALE).astype(np.int64), len(docs))]
    return keys, int((count == len(children)).sum()), mask


TABLED_CHILDREN = 12  # up to this many concepts, every combination's count and weight is tabled


def _matched_by_table(executor, children, docs, live):
    """``_matched`` for a few children: each document's bitmask of children, scattered once
    per child over all documents; each combination's count and weight (the weights summed
    in children order, as the loop over children sums them) ranked once, so steps 1 and 2
    are one small key: the rank of the hit's combination."""
    bits = np.zeros(executor.arrays.doc_count, dtype=np.uint16)  # TABLED_CHILDREN ≤ 16
    weights = []
    for i, child in enumerate(children):
        if hasattr(child, "held"):  # a dense union's hits: one vector operation
            bits |= child.held.view(np.uint8).astype(np.uint16) << i
        else:
            np.bitwise_or.at(bits, child.docs.astype(np.intp), np.uint16(1 << i))  # see _union
        held = len(child) if executor.all_live else int(executor.arrays.live[child.docs].sum())
        weights.append(child_weight(held, live))
    combos = np.arange(1 << len(children))
    count, weight = np.zeros(len(combos), dtype=np.int64), np.zeros(len(combos))
    for i, w in enumerate(weights):
        found = (combos >> i) & 1
        count += found
        weight += found * w
    # Each combination's rank under (most children, heaviest), equal keys sharing a rank.
    most, heaviest = -count, -np.rint(weight * SCALE).astype(np.int64)
    order = np.lexsort((heaviest, most))
    step = np.ones(len(order), dtype=np.int64)
    step[0] = 0
    step[1:] = (most[order][1:] != most[order][:-1]) | (heaviest[order][1:] != heaviest[order][:-1])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.cumsum(step)
    mask = bits[docs]
    full = int(np.count_nonzero(mask == len(combos) - 1))
    return [Small(rank[mask], int(rank.max()) + 1)], full, mask


class Rounded:
    """The score key: ``-rint(score × SCALE)`` (scores compared at ROUND decimals, highest
    first), ``scores(rows)`` giving the floats. top_k first keeps the rows whose float
    score may reach the page (:meth:`narrowed`) and rounds only those."""

    def __init__(self, scores, size: int):
        self.scores, self.size = scores, size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, rows) -> np.ndarray:
        return -np.rint(self.scores(rows) * SCALE).astype(np.int64)

    def narrowed(self, rows: np.ndarray | None, k: int) -> np.ndarray | None:
        """Those of ``rows`` (None: all) that may be among the ``k`` smallest of this key.

        With ``s`` the ``k``-th highest score, a score under ``s - 2 / SCALE`` rounds to less
        than ``s`` does, and ``k`` rows round to at least that: it is ranked after them all.
        """
        if (self.size if rows is None else len(rows)) <= max(NARROWED_FROM, 4 * k):
            return rows  # rounded whole: no gain in reading them twice
        scores = self.scores(slice(None) if rows is None else rows)
        kept = scores >= -_kth(-scores, k) - 2.0 / SCALE
        return np.flatnonzero(kept) if rows is None else rows[kept]


NARROWED_FROM = 4096  # fewer rows are rounded whole


class Small:
    """A ranking key of few distinct values ``0 … size-1``: top_k counts them (bincount)
    rather than partitioning."""

    def __init__(self, values: np.ndarray, size: int):
        self.values, self.size = values, size

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, rows) -> np.ndarray:
        return self.values[rows]

    def kth(self, values: np.ndarray, k: int) -> int:
        """The ``k``-th smallest (from 1) of ``values``, some of this key's."""
        return int(np.searchsorted(np.cumsum(np.bincount(values, minlength=self.size)), k))


def _indices(bits) -> tuple[int, ...]:
    bits = int(bits)
    return tuple(i for i in range(bits.bit_length()) if bits >> i & 1)


def top_k(keys: list[np.ndarray], k: int) -> np.ndarray:
    """Indices of the ``k`` smallest rows under the lexicographic order of ``keys``.

    The last key must be unique per row. Level by level, rows below the k-th value are
    certain, rows above it are out, and only the ties go on to the next key.
    """
    n = len(keys[0])
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    wanted, rows, certain = k, None, []  # rows None: all of them (read without a gather)
    for key in keys:
        if rows is not None and len(rows) <= k:
            break
        if isinstance(key, Rounded):
            rows = key.narrowed(rows, k)
        values = key[:] if rows is None else key[rows]
        kth = key.kth(values, k) if isinstance(key, Small) else _kth(values, k)
        below = values < kth
        certain.append(np.flatnonzero(below) if rows is None else rows[below])
        k -= int(np.count_nonzero(below))
        rows = np.flatnonzero(values == kth) if rows is None else rows[values == kth]
    chosen = np.concatenate(certain + [rows if rows is not None else np.arange(n)])
    order = np.lexsort(tuple(key[chosen] for key in reversed(keys)))
    return chosen[order][:wanted]


def _kth(values: np.ndarray, k: int):
    """The ``k``-th smallest (from 1) of ``values``.

    Over many values, the blocks' least values first: at least ``k`` values are at most the
    ``k``-th smallest of those (one per block), so the answer is among the values below it,
    commonly a few times ``k``, and only those are partitioned.
    """
    n = len(values)
    if n >= KTH_BLOCKED:
        block = n // (KTH_BLOCKS_PER_K * k) or 1
        least = np.minimum.reduceat(values, np.arange(0, n, block))
        if len(least) > k:
            bound = np.partition(least, k - 1)[k - 1]
            values = values[values <= bound]
    return np.partition(values, k - 1)[k - 1]


KTH_BLOCKED = 1 << 15  # from this many values, _kth bounds them by their blocks' least
KTH_BLOCKS_PER_K = 64


def facet_table(executor, docs: np.ndarray, facets, held=None) -> dict[str, "FacetCounts"]:
    """:func:`facet_counts` of each of ``facets``; over more than half the live documents,
    the counts of all of them less those of the documents not in ``docs`` (fewer to read).
    ``held``, when given, is the boolean mask over all documents of the live ``docs``."""
    arrays = executor.arrays
    facets = tuple(facets)
    joint = arrays.joint(facets)
    whole = len(docs) * 2 > len(executor.live_docs)
    if whole:
        if held is not None:
            rest = np.flatnonzero(arrays.live & ~held)
        else:
            rest = arrays.live.copy()
            rest[docs] = False
            rest = np.flatnonzero(rest)
    counted = joint.counts(rest if whole else docs) if joint is not None else {}
    table = {}
    for facet in facets:
        counts = counted.get(facet)
        if counts is None:
            counts = key_counts(arrays, facet, rest if whole else docs)
        table[facet] = _named(arrays, facet, executor.facet_totals(facet) - counts if whole else counts)
    return table


def facet_counts(arrays, facet: str, docs: np.ndarray) -> "FacetCounts":
    """Hits per key of ``facet`` over ``docs`` (keys with none left out)."""
    return _named(arrays, facet, key_counts(arrays, facet, docs))


def _named(arrays, facet: str, counts: np.ndarray) -> "FacetCounts":
    held = np.flatnonzero(counts)
    return FacetCounts(arrays.keywords[facet].names, held, counts[held])


def key_counts(arrays, facet: str, docs: np.ndarray) -> np.ndarray:
    """How many of ``docs`` (ascending) hold each key of ``facet``, by ordinal."""
    column = arrays.keywords[facet]
    combinations = column.combinations  # None for a single-valued column or one of many keys
    if combinations is not None:  # few combinations of keys: count those, then the keys
        return combinations.counts(docs)
    if column.multi and len(docs) * 4 > len(arrays.live):  # many hits: one pass over all
        hit = np.zeros(len(arrays.live), dtype=bool)
        hit[docs] = True
        values = column.val[hit[column.owner]]
    elif column.multi:
        values = column.val[_gather(column.off, docs)]
    else:
        starts, ordinals = column.runs
        if len(starts) * RUN_SEARCH_COST < len(docs):  # long runs: count each run's hits
            # ``docs`` ascend: the hits in run i are those from its start to the next's.
            within = np.diff(np.searchsorted(docs, starts), append=len(docs))
            held = ordinals >= 0
            return np.bincount(ordinals[held], weights=within[held],
                               minlength=len(column.keys)).astype(np.int64)
        values = column.ord[docs]
        values = values[values >= 0]
    return np.bincount(values, minlength=len(column.keys))


RUN_SEARCH_COST = 16  # a run's binary search costs about this many documents' gather


class FacetCounts(Mapping):
    """Hits per key of one facet: a read-only mapping kept as two arrays.

    ``ordinals`` (ascending) index ``names``, the facet's keys in sorted order, and
    ``counts`` holds each one's hits. At 100k paragraphs the unit facet has thousands of
    keys with hits while a page lists fifty: :meth:`ranked` orders them in numpy and
    names only those it returns. As a mapping it equals the ``{key: count}`` dict of the
    same counts (the Whoosh reference's form).
    """

    __slots__ = ("names", "ordinals", "counts")

    def __init__(self, names: list[str], ordinals: np.ndarray, counts: np.ndarray):
        self.names, self.ordinals, self.counts = names, ordinals, counts

    def _position(self, key: str) -> int:
        """Where ``key`` is in ``ordinals``, or -1."""
        row = bisect_left(self.names, key)
        if row == len(self.names) or self.names[row] != key:
            return -1
        at = int(np.searchsorted(self.ordinals, row))
        return at if at < len(self.ordinals) and self.ordinals[at] == row else -1

    def __getitem__(self, key: str) -> int:
        at = self._position(key) if isinstance(key, str) else -1
        if at < 0:
            raise KeyError(key)
        return int(self.counts[at])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._position(key) >= 0

    def __iter__(self) -> Iterator[str]:
        names = self.names
        return (names[o] for o in self.ordinals.tolist())

    def __len__(self) -> int:
        return len(self.ordinals)

    def ranked(self, limit: int | None, chosen) -> list[tuple[str, int]]:
        """(key, count) most hits first, then by key; the ``chosen`` keys without hits
        after them at 0. With ``limit``, the first ``limit`` and any chosen key after
        them, as :func:`search.facets.labelled` lists a dict's counts."""
        zeros = sorted({key for key in chosen if key not in self})
        # One int64 per key, ordered as (most hits, then key): ordinals sort as their keys.
        rank_key = -self.counts.astype(np.int64) * (len(self.names) + 1) + self.ordinals
        total = len(rank_key) + len(zeros)
        head = total if limit is None else min(limit, total)
        nonzero_head = min(head, len(rank_key))
        if nonzero_head < len(rank_key):  # the first few only: a partition, then a sort of them
            shown = np.argpartition(rank_key, nonzero_head - 1)[:nonzero_head] if nonzero_head else \
                np.empty(0, dtype=np.int64)
        else:
            shown = np.arange(len(rank_key))
        shown = shown[np.argsort(rank_key[shown])]
        names, ordinals, counts = self.names, self.ordinals, self.counts
        ranked = [(names[o], int(n)) for o, n in zip(ordinals[shown].tolist(), counts[shown].tolist())]
        ranked += [(key, 0) for key in zeros[:max(0, head - len(rank_key))]]
        if head < total:  # the chosen keys a page would otherwise leave out, in rank order
            listed = {key for key, _ in ranked}
            late = sorted((int(rank_key[self._position(key)]), key) for key in set(chosen)
                          if key in self and key not in listed)
            ranked += [(key, self[key]) for _, key in late]
            ranked += [(key, 0) for key in zeros[max(0, head - len(rank_key)):]]
        return ranked


def _gather(offsets: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Rows ``offsets[d] … offsets[d+1]`` of every doc in ``docs``, concatenated."""
    return ranges(offsets[docs], offsets[docs + 1])
