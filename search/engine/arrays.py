"""The array executor: our query form run over the memory-mapped arrays, vectorised.

Every node evaluates to :class:`Hits`, ascending docnums with their scores; combining
nodes is set algebra on sorted arrays (a stable sort + ``reduceat``, or a scatter over all
documents, for sums; ``searchsorted`` for membership). Scores are Whoosh's BM25F with its
statistics (``idf = log(N / (df + 1)) + 1``, the byte-quantised field length over the
mean length, each posting's weight ``tf × field_boost`` as the float32 Whoosh stores), so
they agree with the reference to rounding; ``Substring`` is scored as
``search.engine.rewrite`` scores it. Filters, totals, facet counts and the page follow
:mod:`search.engine.execution` (see :mod:`search.engine.ranking`).

Leaf memo: the hits of each phrase and substring evaluated are kept per executor (so per
generation) within a byte budget, least recently used first out (:class:`LeafMemo`,
``CONCORD_LEAF_CACHE_MB``): paging, ticking a facet or another question holding the same
concept reads them instead of checking positions again.

Time budget: the clock is read before each node. Past the deadline a node is not
evaluated and matches nothing (a ``Without`` whose exclusion was cut short matches
nothing too), so a partial answer only ever holds true matches.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from search.engine import ranking
from search.engine.execution import Execution, Request
from search.query import form as F
from search.store.arrays import PLACES, Arrays, ranges, run_starts
from search.store.scoring import substring_bm25, substring_weight
from search.store.spelled import count_spelled, paired_docs, placed, spell


@dataclass(frozen=True)
class Hits:
    """Ascending docnums and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def times(self, boost: float) -> "Hits":
        """The same documents, scores multiplied by ``boost``."""
        return self if boost == 1.0 else Hits(self.docs, self.scores * boost)

    def only(self, docs: np.ndarray) -> "Hits":
        """The hits whose docnum is in ``docs`` (ascending); the shorter side is searched
        for in the longer."""
        if len(docs) < len(self.docs):
            at = np.searchsorted(self.docs, docs)
            found = at < len(self.docs)
            found[found] = self.docs[at[found]] == docs[found]
            at = at[found]
            return Hits(self.docs[at], self.scores[at])
        keep = _member(self.docs, docs)
        return Hits(self.docs[keep], self.scores[keep])


class Dense:
    """Hits kept over all documents: each one's summed score and whether it is a hit.

    What a union over many documents makes; a parent union adds it whole (one vector
    addition) instead of scattering its hits again, and ``docs`` / ``scores`` are made
    only when something reads them. A document that is not a hit has score 0.0.
    """

    def __init__(self, sums: np.ndarray, held: np.ndarray):
        self.sums, self.held = sums, held

    @cached_property
    def docs(self) -> np.ndarray:
        return np.flatnonzero(self.held)  # intp: what numpy indexes by, so kept as it comes

    @cached_property
    def scores(self) -> np.ndarray:
        return self.sums[self.docs]

    @cached_property
    def _count(self) -> int:
        return int(np.count_nonzero(self.held))

    def __len__(self) -> int:
        return self._count

    def times(self, boost: float) -> "Dense":
        """The same documents, scores multiplied by ``boost``."""
        return self if boost == 1.0 else Dense(self.sums * boost, self.held)

    def only(self, docs: np.ndarray) -> Hits:
        """The hits whose docnum is in ``docs`` (ascending): a look-up per docnum."""
        docs = np.asarray(docs)
        docs = docs[self.held[docs]]
        return Hits(docs.astype(np.int32), self.sums[docs])


EMPTY = Hits(np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64))


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (no hashing, no sort)."""
    return ascending[run_starts(ascending)]


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The docnums in both ascending arrays of distinct docnums: the shorter's searched for
    in the longer (``np.intersect1d`` sorts both together, ten times slower at 1M)."""
    if len(a) > len(b):
        a, b = b, a
    return a[_member(a, b)]


def _member(docs: np.ndarray, within: np.ndarray) -> np.ndarray:
    """For each of ``docs``, whether it is in the ascending array ``within``."""
    if len(within) == 0:
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(within, docs), len(within) - 1)
    return within[at] == docs


class LeafMemo:
    """The hits of costly leaves (substrings, phrases) already evaluated, by node.

    A generation's arrays never change, so a leaf's hits are the same in every query that
    holds it: the next page, a facet ticked, another sort, or another question naming the
    same concept. Least recently used entries go first once ``budget`` bytes are held; an
    entry larger than an eighth of the budget is not kept. Thread-safe.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[F.Node, Hits] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, node: F.Node) -> Hits | None:
        with self._lock:
            found = self._entries.get(node)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self._entries.move_to_end(node)
            return found

    def put(self, node: F.Node, found: Hits) -> None:
        size = _held_bytes(found)
        if size * 8 > self.budget:
            return
        for part in (found.docs, found.scores):
            part.flags.writeable = False  # shared by every later query: nobody may edit it
        with self._lock:
            if node in self._entries:
                return
            self._entries[node] = found
            self.used += size
            while self.used > self.budget:
                _, old = self._entries.popitem(last=False)
                self.used -= _held_bytes(old)


def _held_bytes(hits: Hits) -> int:
    """What a memo entry takes: its two arrays and their headers."""
    return hits.docs.nbytes + hits.scores.nbytes + 200


def memo_budget() -> int:
    """Bytes of leaf hits an executor keeps: ``CONCORD_LEAF_CACHE_MB`` (0: none), default 64."""
    value = os.environ.get("CONCORD_LEAF_CACHE_MB", "").strip()
    return (int(value) if value.isdigit() else LEAF_CACHE_MB) << 20


LEAF_CACHE_MB = 64


class ArrayExecutor:
    """Runs :class:`Request` s over one :class:`Arrays` (see the module docstring)."""

    def __init__(self, arrays: Arrays, clock=time.perf_counter, memo: int | None = None):
        self.arrays = arrays
        self.clock = clock
        self.memo = LeafMemo(memo_budget() if memo is None else memo)
        self.live_docs = np.flatnonzero(arrays.live).astype(np.int32)
        self.all_live = len(self.live_docs) == len(arrays.live)  # no deletions to drop
        norm = arrays.numbers["norm_length"]
        self.norm_average = float(norm.sum()) / max(arrays.doc_count, 1)
        self._facet_totals: dict[str, np.ndarray] = {}
        self._operative: np.ndarray | None = None
        self._op_factor: tuple[float, np.ndarray] | None = None

    def warm_up(self, facets: tuple[str, ...]) -> None:
        """Make now what the first searches would make on first use: the facets' joint and
        per-key combinations or runs, their totals, the operative mask."""
        self.arrays.joint(tuple(facets))
        self.operative()
        for facet in facets:
            self.arrays.keywords[facet].combinations
            self.arrays.keywords[facet].runs
            self.facet_totals(facet)

    def operative(self) -> np.ndarray:
        """Whether each document is an operative paragraph (kind "op"), made once."""
        if self._operative is None:  # idempotent: a race computes it twice
            kind = self.arrays.keywords["kind"]
            self._operative = kind.ord == kind.keys.find("op")
        return self._operative

    def op_factor(self, boost: float) -> np.ndarray:
        """Each document's score factor: ``boost`` for an operative paragraph, else 1.0 (the
        last boost asked is kept; tests change it)."""
        found = self._op_factor
        if found is None or found[0] != boost:
            found = self._op_factor = (boost, np.where(self.operative(), boost, 1.0))
        return found[1]

    def facet_totals(self, facet: str) -> np.ndarray:
        """How many live documents hold each key of ``facet``, by ordinal (kept)."""
        found = self._facet_totals.get(facet)
        if found is None:
            found = self._facet_totals[facet] = ranking.key_counts(self.arrays, facet, self.live_docs)
        return found

    def run(self, request: Request) -> Execution:
        """Matches, totals, facet counts and the requested page of ``request``."""
        run = _Run(self, self.clock() + request.budget)
        query = request.query
        allowed = run.allowed(request)
        if query is None:  # browsing: every live document the filters allow
            if allowed is None:
                docs = self.live_docs
            else:
                docs = allowed if self.all_live else allowed[self.arrays.live[allowed]]
            hits = Hits(docs, np.zeros(len(docs)))
        else:
            hits = self.alive(run.eval(query))
            if allowed is not None:
                hits = hits.only(allowed)
        return ranking.answer(self, run, request, hits)

    def alive(self, hits: Hits) -> Hits:
        """``hits`` without deleted documents (a boolean look-up, not a search)."""
        if self.all_live:
            return hits
        keep = self.arrays.live[hits.docs]
        return Hits(hits.docs[keep], hits.scores[keep])

    # -- leaves -------------------------------------------------------------------

    def term(self, fieldname: str, text: str) -> Hits:
        """The unboosted hits of one term of any field."""
        if fieldname in self.arrays.fields:
            field = self.arrays.fields[fieldname]
            row = field.term(text)
            if row < 0:
                return EMPTY
            rows, docs, _ = field.postings(row)
            # Written at build time through the same function as bm25() (search.store.scoring).
            return Hits(np.asarray(docs), field.post_score[rows])
        if fieldname in self.arrays.keywords:
            column = self.arrays.keywords[fieldname]
            ordinal = column.keys.find(text)
            docs = column.docs_with(np.array([ordinal])) if ordinal >= 0 else EMPTY.docs
        elif fieldname == "id":
            docnum = self.arrays.docnum(text)
            docs = np.array([] if docnum is None else [docnum], dtype=np.int32)
        elif fieldname in self.arrays.numbers and text.lstrip("-").isdigit():
            docs = np.flatnonzero(self.arrays.numbers[fieldname] == int(text)).astype(np.int32)
        else:
            return EMPTY
        return Hits(docs, np.ones(len(docs)))  # Whoosh weighs an unscored field's term 1

    def occurrences(self, fieldname: str, words) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, position) of every place ``words`` stand at consecutive positions."""
        field = self.arrays.fields[fieldname]
        rows = [field.term(w) for w in words]
        if PLACES[fieldname] == "pos":
            return placed(field, rows, range(len(words)))
        # A phrase of the bigram field (2030 年可 可持 …, a number before Chinese text): rare,
        # so its positions are gathered for the candidates rather than kept as keys.
        return _gathered(field, rows, range(len(words)))

    def spelled(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, start character) of every place the normalised text spells ``text``
        (:func:`search.store.spelled.spell`)."""
        if PLACES[fieldname] != "char":
            raise ValueError(f"{fieldname} keys its occurrences by position, not character")
        return spell(self.arrays.fields[fieldname], text)

    def phrase(self, node: F.Phrase) -> Hits:
        """Documents holding the phrase, scored as the sum of its words' BM25."""
        if node.field not in self.arrays.fields:
            return EMPTY
        if len(node.words) == 1:
            return self.term(node.field, node.words[0]).times(node.boost)
        field = self.arrays.fields[node.field]
        # The frequent pairs' documents were written at build time (search.store.spelled).
        docs = paired_docs(field, node.words) if PLACES[node.field] == "pos" else None
        if docs is None:
            docs = _distinct(self.occurrences(node.field, node.words)[0])
        if not len(docs):
            return EMPTY
        score = np.zeros(len(docs))
        for word in node.words:
            row = field.term(word)
            rows, word_docs, _ = field.postings(row)
            score = score + field.post_score[rows.start + np.searchsorted(word_docs, docs)]
        return Hits(docs, score * node.boost)

    def substring(self, node: F.Substring) -> Hits:
        """Documents whose normalised text holds ``text``, scored as one bigram-field term."""
        if len(node.text) < 2:  # a lone character: only where the text has it alone
            return self.term(node.field, node.text).times(node.boost)
        if PLACES[node.field] != "char":
            raise ValueError(f"{node.field} keys its occurrences by position, not character")
        # The frequent words' answers were written at build time (search.store.spelled).
        docs, tf = count_spelled(self.arrays.fields[node.field], node.text)
        docs = np.asarray(docs)
        if not len(docs):
            return EMPTY
        weight = substring_weight(self.arrays.doc_count, len(docs), node.boost)
        length = self.arrays.numbers["norm_length"][docs]
        return Hits(docs, substring_bm25(weight, tf.astype(np.float64), length, self.norm_average))

    def term_chars(self, fieldname: str, term: str, targets: list[int]):
        """(docnum, {position: (start, end)}) for each of ``targets`` (ascending) holding
        ``term``: what highlighting reads of Whoosh's postings, from the arrays."""
        field = self.arrays.fields.get(fieldname)
        row = field.term(term) if field is not None else -1
        if row < 0 or not targets:
            return
        rows, docs, _ = field.postings(row)
        wanted = np.asarray(targets, dtype=np.int64)
        at = np.minimum(np.searchsorted(docs, wanted), max(len(docs) - 1, 0))
        for docnum, posting in zip(targets, (rows.start + at).tolist()):
            if not len(docs) or docs[posting - rows.start] != docnum:
                continue
            lo, hi = int(field.pos_start[posting]), int(field.pos_start[posting + 1])
            chars = field.chars[lo:hi].tolist()
            yield docnum, {pos: (start, end) for pos, (start, end)
                           in zip(field.pos[lo:hi].tolist(), chars) if end > start}

    def prefix_terms(self, node: F.Prefix) -> list[str]:
        """The prefix's ``PREFIX_CAP`` most frequent terms (ties: term order)."""
        field = self.arrays.fields.get(node.field)
        if field is None:
            return []
        lo, hi = field.terms.prefix_rows(node.text)
        df = np.diff(field.post_start[lo:hi + 1])
        chosen = lo + np.lexsort((np.arange(hi - lo), -df))[:F.PREFIX_CAP]
        return [field.terms[row] for row in chosen]

    def prefix(self, node: F.Prefix) -> list[Hits]:
        """The boosted hits of the prefix's terms."""
        return [self.term(node.field, t).times(node.boost) for t in self.prefix_terms(node)]

    def prepare(self, node: F.Node | None) -> F.Node | None:
        """The node as it runs here, prefixes spelled as their terms (for highlighting)."""
        def spell(n: F.Node) -> F.Node:
            if not isinstance(n, F.Prefix):
                return n
            terms = [F.Term(n.field, t, n.boost) for t in self.prefix_terms(n)]
            return F.any_of(terms) if terms else F.Nothing()

        return None if node is None else F.transform(node, spell)

    def range(self, node: F.Range) -> Hits:
        """Documents whose numeric field lies in [low, high]; a filter, score 0."""
        column = self.arrays.numbers.get(node.field)
        if column is None:
            return EMPTY
        docs = np.flatnonzero((column >= node.low) & (column <= node.high)).astype(np.int32)
        return Hits(docs, np.zeros(len(docs)))


def _gathered(field, rows: list[int], offsets) -> tuple[np.ndarray, np.ndarray]:
    """(docnum, position) where each term ``rows[k]`` stands at ``position + offsets[k]``,
    from the positions of the documents holding every term, gathered term by term."""
    if not rows or min(rows) < 0:
        return EMPTY.docs, EMPTY.docs
    postings = [field.postings(row) for row in rows]
    rarest = sorted(range(len(postings)), key=lambda j: len(postings[j][1]))
    candidates = postings[rarest[0]][1]
    for j in rarest[1:]:  # binary searches of the few candidates in the longer lists
        candidates = candidates[_member(candidates, postings[j][1])]
    keys = None
    for i in rarest:
        rows_of, docs, _ = postings[i]
        at = rows_of.start + np.searchsorted(docs, candidates)
        starts, ends = field.pos_start[at], field.pos_start[at + 1]
        owner = np.repeat(candidates.astype(np.int64), ends - starts)
        # Keyed by (doc, start): positions ascend within a posting and the candidates
        # ascend, so the keys do too and membership is a binary search.
        first = field.pos[ranges(starts, ends)].astype(np.int64) - offsets[i]
        word_keys = (owner << 32 | first)[first >= 0]
        keys = word_keys if keys is None else keys[_member(keys, word_keys)]
        candidates = _distinct((keys >> 32).astype(np.int32))
    keys = _distinct(keys)
    return (keys >> 32).astype(np.int32), keys & 0xFFFFFFFF


class _Run:
    """One request's evaluation: the deadline, and what the ranking needs to know."""

    def __init__(self, executor: ArrayExecutor, deadline: float):
        self.executor = executor
        self.deadline = deadline
        self.partial = False
        self.children: dict[int, list[Hits]] = {}  # id(AtLeast) → its children's hits

    def expired(self) -> bool:
        """True (and the answer partial) once the deadline has passed."""
        if not self.partial and self.executor.clock() > self.deadline:
            self.partial = True
        return self.partial

    def eval(self, node: F.Node) -> Hits:
        """The hits of ``node`` (nothing once past the deadline)."""
        if self.expired():
            return EMPTY
        ex = self.executor
        if isinstance(node, F.Term):
            return ex.term(node.field, node.text).times(node.boost)
        if isinstance(node, (F.Phrase, F.Substring)):  # position checks: worth keeping
            found = ex.memo.get(node)
            if found is None:
                found = ex.phrase(node) if isinstance(node, F.Phrase) else ex.substring(node)
                ex.memo.put(node, found)
            return found
        if isinstance(node, F.Prefix):
            return _union(ex.prefix(node), 1, ex.arrays.doc_count)
        if isinstance(node, F.Range):
            return ex.range(node)
        if isinstance(node, F.Every):
            return Hits(ex.live_docs, np.zeros(len(ex.live_docs)))
        if isinstance(node, F.Nothing):
            return EMPTY
        return self._compound(node)

    def _compound(self, node: F.Node) -> Hits:
        size = self.executor.arrays.doc_count
        if isinstance(node, F.AnyOf):
            return _union([self.eval(c) for c in node.items], 1, size).times(node.boost)
        if isinstance(node, F.AllOf):
            return _union([self.eval(c) for c in node.items], len(node.items), size).times(node.boost)
        if isinstance(node, F.AtLeast):
            children = [self.eval(c) for c in node.items]
            self.children[id(node)] = children
            need = min(max(node.minimum, 1), len(children))
            return _union(children, need, size).times(node.boost)
        if isinstance(node, F.Without):
            positive = self.eval(node.positive)
            negative = self.eval(node.negative)
            if self.partial:  # the exclusion may be incomplete: keep nothing doubtful
                return EMPTY
            keep = ~_member(positive.docs, negative.docs)
            return Hits(positive.docs[keep], positive.scores[keep]).times(node.boost)
        if isinstance(node, F.Maybe):
            required = self.eval(node.required)
            optional = self.eval(node.optional)
            if isinstance(required, Dense):  # over all documents: add where it holds a hit
                sums = required.sums.copy()
                docs = optional.docs.astype(np.intp)
                keep = required.held[docs]
                np.add.at(sums, docs[keep], optional.scores[keep])
                return Dense(sums, required.held).times(node.boost)
            # Each optional hit looked up among the required (usually far more of them).
            scores = required.scores.copy()
            if len(optional) and len(required):
                at = np.minimum(np.searchsorted(required.docs, optional.docs), len(required) - 1)
                found = required.docs[at] == optional.docs
                np.add.at(scores, at[found], optional.scores[found])
            return Hits(required.docs, scores).times(node.boost)
        raise TypeError(f"no array form for {type(node).__name__}")

    def allowed(self, request: Request) -> np.ndarray | None:
        """Ascending docnums passing the filters (OR within a facet, AND across), or None."""
        allowed = None
        arrays = self.executor.arrays
        for facet, values in request.filters.items():
            column = arrays.keywords[facet]
            ordinals = np.array([o for o in (column.keys.find(v) for v in values) if o >= 0])
            docs = column.docs_with(ordinals) if len(ordinals) else EMPTY.docs
            allowed = docs if allowed is None else _both(allowed, docs)
        if request.filter_node is not None:
            docs = self.eval(request.filter_node).docs
            allowed = docs if allowed is None else _both(allowed, docs)
        return allowed


def _union(children: list[Hits], need: int, size: int) -> Hits:
    """Documents matched by at least ``need`` of ``children``, scores summed.

    ``size`` is the number of documents. When the children hold many of them, each child is
    scattered into arrays over all documents (scores summed, matches counted); otherwise a
    stable sort groups them.
    """
    if not children or need > len(children):
        return EMPTY
    if len(children) == 1:
        return children[0]
    if sum(len(c) for c in children) * DENSE_RATIO >= size:
        # Child by child: a child's docnums are distinct, so ``+=`` adds each document's
        # scores in children order, as the sorted path does (a dense child adds 0.0 where
        # it has no hit, which changes no sum).
        sums = np.zeros(size)
        held = np.zeros(size, dtype=bool) if need == 1 else np.zeros(size, dtype=np.int32)
        for child in children:
            if isinstance(child, Dense):
                sums += child.sums
                if need == 1:
                    held |= child.held
                else:
                    held += child.held
            else:
                # ufunc.at (unbuffered) is faster than a gather, add and scatter (``+=``), and
                # numpy indexes by intp: int32 docnums are converted once, not chunk by chunk.
                docs = child.docs.astype(np.intp)
                np.add.at(sums, docs, child.scores)
                if need == 1:
                    held[docs] = True
                else:
                    np.add.at(held, docs, 1)
        if need > 1:
            held = held >= need
            sums *= held  # a document matched by too few children is no hit: score 0.0
        return Dense(sums, held)
    docs = np.concatenate([c.docs for c in children])
    if not len(docs):
        return EMPTY
    scores = np.concatenate([c.scores for c in children])
    order = np.argsort(docs, kind="stable")
    docs = docs[order]
    starts = run_starts(docs)
    counts = np.diff(starts, append=len(docs))
    scores = np.add.reduceat(scores[order], starts)
    keep = counts >= need
    return Hits(docs[starts][keep].astype(np.int32), scores[keep])


DENSE_RATIO = 16  # children holding 1/16 of all documents: count over all of them
