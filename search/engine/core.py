"""The engine: open the index once, run parsed queries, filter, count, highlight, paginate.

``Engine.search`` returns exactly the JSON of ``GET /api/search``. Nothing opens at import
time; the live generation (``search.store.generation``) opens on first use, once, under a
lock, as one snapshot (index and catalogue of the same generation), and each thread reuses its
own searcher over it. Each request holds one snapshot from start to end. When a build
publishes a new generation, the engine notices (within a second) and answers from it; until
then, and if the new one cannot be opened, from the old. A replaced snapshot is closed as soon
as no request holds it, so memory stays flat across rebuilds.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from search import facets as facet_counts
from search.engine import highlight, ranking
from search.engine.catalogue import Catalogue
from search.errors import IndexMismatch, IndexMissing, QueryError
from search.facets import Labels
from search.engine.execution import Execution, Request
from search.engine.arrays import ArrayExecutor
from search.engine.whoosh_executor import WhooshExecutor
from search.store.arrays import Arrays, has_arrays

Executor = ArrayExecutor | WhooshExecutor  # both take a Request, return an Execution
from search.params import check
from search.query.build import ParsedQuery, parse
from search.messages import bilingual, say
from search.query.fallback import Fallback
from search.query.references import UnitDirectory
from search.query.sources import has_cjk
from search.query.relax import partial_concept, relax
from search.engine.records import nearest_ids, paragraph_record, unit_record
from search.store.schema import FACETS, UNITS_FILE
from search.store.generation import current, current_number
from search.store.stamp import check_stamp
from search.engine.chinese_suggest import speller_for
from search.engine.suggest import confident, glossary_forms, shown_for, suggest

__all__ = ["Engine", "QueryError", "IndexMismatch", "IndexMissing"]

RECHECK_SECONDS = 1.0  # how often a running engine looks for a rebuilt index


@dataclass
class _Snapshot:
    """One generation, opened: its index, catalogue and directory, and who uses it now."""

    ix: Any
    catalogue: Catalogue
    generation: Path
    users: int = 0  # requests holding it (see _holding)
    searchers: dict = field(default_factory=dict)  # thread id → that thread's searcher
    fallback: Fallback | None = None  # the dictionary, kept to what this index holds
    units: UnitDirectory | None = None  # how this index's units are named (references)
    arrays: ArrayExecutor | None = None  # the executor over this generation's arrays, if any
    _speller: Any = None
    # Parsed queries of this snapshot: they hold its fallback (and so its frequencies),
    # which must go when the snapshot goes; a global cache would keep every one alive.
    _parsed: dict = field(default_factory=dict)

    def parse(self, q: str) -> ParsedQuery:
        """``parse`` with the project's lexicon and this index's fallback, remembered."""
        found = self._parsed.get(q)
        if found is None:
            if len(self._parsed) >= PARSED_CACHE:
                self._parsed.clear()
            found = self._parsed[q] = parse(q, fallback=self.fallback, units=self.units)
        return found

    def speller(self):
        """The Chinese speller over this index's words (built on first use)."""
        if self._speller is None:
            self._speller = speller_for(self.catalogue.frequencies, glossary_forms())
        return self._speller

    def __post_init__(self):
        # Read without a memory map, Whoosh holds its files open until closed: a snapshot
        # dropped unclosed (an engine never closed) closes them when collected.
        self._finalizer = weakref.finalize(self, _close_parts, self.ix, self.searchers,
                                           self.catalogue)

    def close(self) -> None:
        """Close its searchers and its index (nobody may be using them); once."""
        self._finalizer()


def _close_parts(ix, searchers: dict, catalogue: Catalogue) -> None:
    """Close a snapshot's searchers, its catalogue's reader and its index."""
    for searcher in searchers.values():
        searcher.close()
    searchers.clear()
    catalogue.close()
    ix.close()


def _holding(method):
    """Run ``method`` on one snapshot: every look-up within it sees the same generation."""

    @functools.wraps(method)
    def held(self, *args, **kwargs):
        if getattr(self._local, "snapshot", None) is not None:
            return method(self, *args, **kwargs)
        snapshot = self._acquire()
        self._local.snapshot = snapshot
        try:
            return method(self, *args, **kwargs)
        finally:
            self._local.snapshot = None
            self._release(snapshot)

    return held


BUDGET_SECONDS = 2.0  # a search's matching time; past it the answer so far, flagged
EXECUTORS = ("arrays", "whoosh")  # the fast one, and the reference it is held equal to


class Engine:
    """Search over one index directory (see the module docstring).

    ``executor`` picks who runs queries: ``"arrays"`` (the default) over the generation's
    memory-mapped arrays, falling back to Whoosh for a generation written without them;
    ``"whoosh"``, the reference executor, always.
    """

    def __init__(self, index_dir, executor: str = "arrays", budget: float = BUDGET_SECONDS):
        if executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
        self.executor = executor
        self.budget = budget  # seconds of matching per search; then the answer so far
        self.index_dir = Path(index_dir)
        self.labels = Labels()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._current: _Snapshot | None = None
        self._checked = 0.0  # when CURRENT was last looked at (time.monotonic)
        self._retired: list[_Snapshot] = []  # replaced, still held by a request

    # -- opening -------------------------------------------------------------------

    def _state(self) -> "_Snapshot":
        """The snapshot this request holds (see _holding), else the live one."""
        held = getattr(self._local, "snapshot", None)
        return held if held is not None else self._live()

    def _live(self) -> "_Snapshot":
        """The open generation, opened on first use and reopened after a rebuild."""
        current = self._current
        if current is not None and not self._rebuilt(current):
            return current
        with self._lock:
            if self._current is None:
                self._current = self._load()
                # Just opened is just checked: otherwise the first recheck would come
                # at once whenever the clock (time.monotonic, from boot) exceeds the interval.
                self._checked = time.monotonic()
            elif self._rebuilt(self._current, force=True):
                try:
                    replacement = self._load()
                except (IndexMissing, IndexMismatch, OSError):
                    pass  # unreadable: keep answering from the generation we have
                else:
                    self._retire(self._current)
                    self._current = replacement
            return self._current

    def _acquire(self) -> "_Snapshot":
        """The live snapshot, counted as in use until _release."""
        while True:
            snapshot = self._live()
            with self._lock:
                if snapshot is self._current:  # not replaced between the two lines
                    snapshot.users += 1
                    return snapshot

    def _release(self, snapshot: "_Snapshot") -> None:
        """Stop counting a use; close a replaced snapshot once nobody uses it."""
        with self._lock:
            snapshot.users -= 1
            if snapshot.users == 0 and snapshot in self._retired:
                self._retired.remove(snapshot)
                snapshot.close()

    def _retire(self, snapshot: "_Snapshot") -> None:
        """Close ``snapshot`` now if unused, else when its last user releases it (under the lock)."""
        if snapshot.users == 0:
            snapshot.close()
        else:
            self._retired.append(snapshot)

    def _load(self) -> "_Snapshot":
        """Open the live generation; raise if there is none or it is stale."""
        self._checked = time.monotonic()  # CURRENT is read now: the next look is due a second on
        generation = current(self.index_dir)
        check_stamp(generation)
        arrays = None
        if self.executor == "arrays" and has_arrays(generation):
            # Nothing proportional to the corpus is read: stored paragraphs when shown.
            ix = open_unmapped(generation)
            arrays = ArrayExecutor(Arrays(generation))
            catalogue = Catalogue.open(ix, arrays.arrays, generation, UNITS_FILE)
        else:  # the reference executor reads every paragraph it may rank or count
            ix = whoosh_index.open_dir(str(generation))
            with ix.reader() as reader:
                catalogue = Catalogue.load(reader, generation, UNITS_FILE)
        from search.analysis import segment

        fallback = Fallback(catalogue.frequencies.get, segment)
        units = UnitDirectory.of(catalogue.units.values(), catalogue.by_id)
        return _Snapshot(ix, catalogue, generation, fallback=fallback, units=units,
                         arrays=arrays)

    def _rebuilt(self, snapshot: "_Snapshot", force: bool = False) -> bool:
        """True when CURRENT names another generation than the one ``snapshot`` holds.

        Looked at no more than once a second: a build publishes a whole generation at once.
        """
        now = time.monotonic()
        if not force and now - self._checked < RECHECK_SECONDS:
            return False
        self._checked = now
        number = current_number(self.index_dir)
        return number is not None and str(number) != snapshot.generation.name

    def _searcher(self, snapshot: "_Snapshot"):
        """This thread's searcher over ``snapshot`` (created once, then reused)."""
        thread = threading.get_ident()
        searcher = snapshot.searchers.get(thread)
        if searcher is None:
            searcher = snapshot.searchers[thread] = snapshot.ix.searcher()
        return searcher

    def warm_up(self) -> None:
        """Open the index and load the analyzers now (servers call it at start)."""
        from search.analysis import warm_up

        from search.lexicon.cedict import dictionary

        warm_up()
        dictionary()  # the English fallback's dictionary: seconds on first use otherwise
        snapshot = self._state()
        self._searcher(snapshot)
        if snapshot.arrays is not None:  # what the first search would make (~0.3 s at 1M)
            snapshot.arrays.warm_up(facet_counts.COUNTED)
        parse("warm up")

    def close(self) -> None:
        """Close every searcher and every generation opened."""
        with self._lock:
            for snapshot in self._retired + ([self._current] if self._current else []):
                snapshot.close()
            self._retired.clear()
            self._current = None
            self._local = threading.local()

    # -- search ----------------------------------------------------------------------

    @_holding
    def search(self, q: str = "", filters: dict[str, list[str]] | None = None,
               page: int = 1, size: int = 10, sort: str = "relevance",
               facet_limit: int | None = None) -> dict:
        """Run a search; return the ``/api/search`` JSON (see DESIGN and the brief).

        ``facet_limit`` labels and returns only each facet's first values (and the selected
        ones); ``facet_sizes`` gives how many each has in all.
        """
        started = time.perf_counter()
        params = check(q, filters, page, size, sort)
        snapshot = self._state()
        catalogue, searcher = snapshot.catalogue, self._searcher(snapshot)
        executor = snapshot.arrays or WhooshExecutor(searcher, catalogue)
        parsed = snapshot.parse(params.q)
        # The budget bounds matching, which grows with the collection; opening the index
        # and a first use of a dictionary (once per process) are not the query's doing.
        deadline = time.perf_counter() + self.budget
        found = executor.run(_request(parsed, params, deadline))
        known = _known(searcher, catalogue)
        suggestion = None
        if not found.full and not parsed.browse and parsed.words:  # a typo leaves no full match
            # A correction that finds the whole query comes before loosening it.
            suggestion = suggest(searcher, parsed, params.q, catalogue.vocabulary,
                                 snapshot.speller(), _finder(executor, deadline))
            if suggestion is not None and confident(params.q, suggestion):
                parsed, found = self._corrected(executor, snapshot, suggestion, params,
                                                parsed, found, deadline)
        if not found.full and not parsed.browse:
            parsed, found = self._loosen(executor, known, parsed, params, found, deadline)
        matches = highlight.positive_matches(executor.prepare(parsed.query))
        spans = highlight.match_spans(searcher, found.page, matches, catalogue.aligned,
                                      getattr(executor, "term_chars", None))
        results = [self._result(catalogue, docnum, spans[docnum]) for docnum in found.page]
        for result, matched in zip(results, found.matched):
            result["missing"] = [{"en": en, "zh": zh} for i, (en, zh)
                                 in enumerate(parsed.concepts) if i not in matched]
        messages = list(parsed.messages)
        if found.partial:  # out of time: say so in both languages, with what was found
            messages.append(say("timed_out", seconds=f"{self.budget:g}"))
        return {
            "query": params.q,
            "incomplete": found.partial,  # the time budget ran out: counts are of what was seen
            "total": found.total,
            "full": found.full,  # hits holding every concept; the rest lack some
            "partial": found.total - found.full,
            "page": params.page,
            "size": params.size,
            "sort": params.sort,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
            # Copies: the parsed query is cached and shared, callers may edit the answer.
            "expanded": list(parsed.expanded),
            "reading": dict(parsed.reading),
            "read_as": [dict(part) for part in parsed.read_as],
            "messages": messages,
            "notes": [bilingual(message) for message in messages],
            "suggestion": suggestion,
            "results": results,
            "facets": facet_counts.labelled(found.facets, self.labels, params.filters, facet_limit),
            "facet_sizes": facet_counts.sizes(found.facets, params.filters),
        }

    def _corrected(self, executor: Executor, snapshot, suggestion: str, params,
                   parsed: ParsedQuery, found: Execution,
                   deadline: float) -> tuple[ParsedQuery, Execution]:
        """(parsed, execution) of the suggestion, told as such, when it matches more in
        full (or at all); else the typed ones."""
        corrected = snapshot.parse(suggestion)
        answer = executor.run(_request(corrected, params, deadline))
        if answer.full > found.full or (answer.total and not found.total):
            return shown_for(corrected, params.q, suggestion), answer
        return parsed, found

    def _loosen(self, executor: Executor, known, parsed: ParsedQuery, params,
                found: Execution, deadline: float) -> tuple[ParsedQuery, Execution]:
        """(parsed, execution) of the first looser reading that finds more, when no hit
        holds every concept.

        First words found nowhere are read as the glossary concepts they name, then
        kept as concepts every hit lacks (left out where every word is required), then
        left out in any case; a looser reading is taken only when it has full matches,
        or hits where there were none; else the query stays as it was.
        """
        none = lambda word: None  # noqa: E731
        for widen, drop in ((partial_concept, False), (none, False), (none, True)):
            if drop and found.total:
                break  # every hit already says what it lacks: nothing is left out unseen
            relaxed = relax(parsed, known, widen, drop)
            if relaxed is not None:
                loose = executor.run(_request(relaxed, params, deadline))
                if loose.full or (loose.total and not found.total):
                    return relaxed, loose
        return parsed, found

    def _result(self, catalogue: Catalogue, docnum: int, spans) -> dict:
        """One result with its highlighted snippet."""
        result = catalogue.result(docnum, self.labels)
        result["snippet"] = highlight.snippet(result["text"], spans)
        return result

    # -- paragraphs and units ------------------------------------------------------------

    @_holding
    def paragraph(self, pid: str) -> dict | None:
        """A paragraph with footnotes, citations, its unit, neighbours and twin; None if unknown."""
        return paragraph_record(self._state().catalogue, pid, self.labels)

    @_holding
    def unit(self, uid: str) -> dict | None:
        """A unit's metadata, all its paragraphs in order and their footnotes; None if unknown."""
        return unit_record(self._state().catalogue, uid, self.labels)

    @_holding
    def generation(self) -> Path:
        """The directory of the generation this request reads (the files beside its segments)."""
        return self._state().generation

    @_holding
    def units(self) -> list[dict]:
        """Every unit's metadata, in corpus order."""
        catalogue = self._state().catalogue
        if catalogue.unit_list is None:  # labelled once: the web asks on every page
            catalogue.unit_list = [catalogue.unit_meta(uid, self.labels) for uid in catalogue.units]
        return [dict(meta) for meta in catalogue.unit_list]

    @_holding
    def nearest_ids(self, pid: str, n: int = 5) -> list[str]:
        """Indexed paragraph ids closest to ``pid`` (for a helpful "not found")."""
        return nearest_ids(self._state().catalogue, pid, n)

    @_holding
    def facet_values(self, facet: str) -> list[dict]:
        """Every key of ``facet`` in the index, labelled, with its paragraph count."""
        if facet not in facet_counts.COUNTED:
            raise QueryError(say("unknown_facet", facet=facet, known=", ".join(FACETS)), "facet")
        snapshot = self._state()
        catalogue = snapshot.catalogue
        if catalogue.all_counts is None:  # the whole index never changes while open
            if snapshot.arrays is not None:  # from the key columns, not every stored paragraph
                executor = snapshot.arrays
                counts = {f: ranking.facet_counts(executor.arrays, f, executor.live_docs)
                          for f in facet_counts.COUNTED}
            else:
                counts = facet_counts.tally(catalogue.columns, range(len(catalogue.docs)),
                                            facet_counts.COUNTED)
            catalogue.all_counts = facet_counts.labelled(counts, self.labels)
        return [dict(value) for value in catalogue.all_counts[facet]]


def open_unmapped(generation: Path):
    """The Whoosh index of ``generation``, read through plain file reads.

    Over a memory map Whoosh copies each file of the segment it opens (terms, postings,
    stored fields: hundreds of MB at 100k paragraphs) into a ``BytesIO``, for every
    reader and so every thread's searcher. Beside the arrays, Whoosh is asked only for a
    page's stored paragraphs and character offsets and a few frequencies, so each read may
    go to the file.
    """
    return FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()


def _finder(executor: Executor, deadline: float):
    """``finds(text)``: whether the query ``text`` parses to matches any paragraph, asked of
    the search's own executor within what is left of its time (a correction's check)."""
    from search.engine.suggest import candidate_query

    def finds(text: str) -> bool:
        query = candidate_query(text)
        if query is None:
            return False
        budget = max(0.0, deadline - time.perf_counter())
        return executor.run(Request(query, size=1, budget=budget)).total > 0
    return finds


def _known(searcher, catalogue: Catalogue):
    """``known(term)``: whether any paragraph holds ``term`` in its text."""
    def known(term: str) -> bool:
        # A lone Chinese character is in the text when any paragraph spells it, even
        # inside a longer word: never say "no paragraph contains 网".
        if len(term) == 1 and has_cjk(term):
            return term in catalogue.characters
        return searcher.doc_frequency("text", term) > 0
    return known


def _request(parsed: ParsedQuery, params, deadline: float) -> Request:
    """What the executor is asked for one parsed query and the checked parameters, with
    what is left of the search's time (every run of one search shares one deadline)."""
    return Request(parsed.query, {f: tuple(v) for f, v in params.filters.items()},
                   parsed.filter, params.sort, (params.page - 1) * params.size, params.size,
                   facet_counts.COUNTED, max(0.0, deadline - time.perf_counter()))


PARSED_CACHE = 512  # parsed queries one snapshot remembers (queries repeat)
