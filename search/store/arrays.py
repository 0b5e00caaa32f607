"""The array layout written beside the Whoosh segments, and its memory-mapped reader.

The build writes, into ``<index>/arrays/``, one ``.npy`` file per array and ``meta.json``
(layout version, document count, total field lengths). The server opens every array
with ``np.load(mmap_mode="r")``: nothing proportional to the corpus is unpickled or
copied at open. ``N`` is the number of documents (Whoosh docnums ``0 … N-1``).

Strings (term dictionaries, facet keys, ids) are *string tables*: ``<name>.off``
(int64, ``n + 1`` UTF-8 byte offsets) and ``<name>.utf8`` (uint8 bytes). Term and key
tables are sorted by their UTF-8 bytes (Whoosh's term order), so a lookup is a binary
search over the mapped bytes.

Per text field ``F`` (``text``, ``text_bigram``), exactly what Whoosh indexed (the
schema's analyzer in index mode, stop words dropped):

=====================  ======  ===================================================
``F.terms.*``          table   the sorted terms; term ``t`` is row ``t``
``F.post_start``       int64   ``T + 1``: postings of term ``t`` are rows
                               ``post_start[t] … post_start[t+1]`` (``df = diff``)
``F.post_doc``         int32   docnum of each posting, ascending within a term
``F.post_tf``          int32   occurrences (Whoosh's weight is ``tf × field_boost``)
``F.pos_start``        int64   ``P + 1``: occurrences of posting ``p`` are rows
                               ``pos_start[p] … pos_start[p+1]``
``F.pos``              int32   word position of each occurrence, ascending
``F.chars``            int32   ``(n, 2)``: start and end character of each occurrence
``F.length_byte``      uint8   ``N``: the field length as Whoosh stores it (its byte
                               quantisation; decode with :data:`BYTE_TO_LENGTH`)
``F.place``            int64   ``docnum << 32 | where`` of each occurrence, in
                               occurrence order (so non-decreasing within a term), where
                               ``where`` is the position (``text``) or the start
                               character (``text_bigram``; :data:`PLACES`): phrases
                               and substrings test membership in a term's slice
``F.post_score``       float64 each posting's BM25 score, as the executor computes it
                               (``search.store.scoring``: a generation's statistics
                               never change, so neither does a posting's score)
``F.fwd_start``        int64   ``N + 1``: document ``d``'s places (positions or start
                               characters, up to its last) are rows
                               ``fwd_start[d] … fwd_start[d+1]`` of ``F.fwd``
``F.fwd``              int32   the forward index: the term row of the occurrence at each
                               place, ``-1`` where none is and ``STACKED - i`` where
                               several terms are (a word and its inner words; never in
                               ``text_bigram``): phrases and substrings check their
                               candidates' other words by one read each
``F.stack_start``      int64   ``S + 1``: the terms of shared place ``i`` (ascending) are
                               rows ``stack_start[i] … stack_start[i+1]`` of
``F.stack_term``       int32   ``F.stack_term``
``F.spelled.*``        table   ``text_bigram`` only: the frequent words whose documents
                               are written out (:mod:`search.store.spelled`), sorted;
``F.spelled_start``    int64   ``W + 1``: word ``w``'s rows ``spelled_start[w] …``
``F.spelled_doc``      int32   the documents whose normalised text spells it, ascending
``F.spelled_tf``       int32   and how often (``str.count``)
``F.paired.*``         table   ``text`` only: the pairs of frequent words whose phrase's
                               documents are written out, ``"a b"``, sorted;
``F.paired_start``     int64   ``Q + 1``: pair ``q``'s rows ``paired_start[q] …``
``F.paired_doc``       int32   the documents where ``a`` stands just before ``b``
                               (an index written before these two tables had none,
                               and is read as it was)
``F.paired_floor``     int64   one value: the least occurrences of a paired word
``F.paired_anywhere``  int64   ``a << 32 | b`` (term rows) of every two paired words
                               standing next to each other somewhere, ascending: two
                               paired words not there are nowhere together (an index
                               written before these two has neither)
=====================  ======  ===================================================

Keyword fields (:data:`KEYWORDS`: the facets, ``unit``, ``cites``, ``symbol``): ``K.keys.*``
(sorted key table) and, single-valued, ``K.ord`` (int32 per doc, ``-1`` for none) or,
multi-valued (:data:`MULTI`), ``K.off`` (int64 ``N + 1``), ``K.val`` (int32 key ordinals,
ascending per doc) and ``K.owner`` (int32, the doc of each value).

Per document: ``year``, ``doc_order``, ``date_rank`` (20161219; 0 unknown),
``norm_length`` (length of the normalised text: substring scoring), all int32; ``live``
(bool); ``ids.*`` (table, in docnum order) with ``ids_sorted`` (int32, the docnums in
id order) for id → docnum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length

from search.store.schema import FACETS

ARRAYS_DIR = "arrays"
META_FILE = "meta.json"
LAYOUT_VERSION = 3  # 2: F.place and F.post_score; 3: F.fwd_start and F.fwd
STACKED = -2  # F.fwd at the first place several terms share (then -3, -4 …)
# What F.place holds per text field: word positions (phrases) or start characters (substrings).
PLACES = {"text": "pos", "text_bigram": "char"}
TEXT_FIELDS: tuple[str, ...] = ("text", "text_bigram")
KEYWORDS: tuple[str, ...] = FACETS + ("unit", "cites", "symbol")
MULTI: frozenset[str] = frozenset({"theme", "cites"})
NUMBERS: tuple[str, ...] = ("year", "doc_order", "date_rank", "norm_length")
DECODED_CAP = 1 << 16  # decoded rows a table remembers
BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def load(directory: Path, name: str) -> np.ndarray:
    """One array of the layout, memory-mapped (an empty one is read: mmap cannot map it)."""
    path = Path(directory) / f"{name}.npy"
    try:
        # A plain ndarray over the map: np.memmap's per-slice bookkeeping costs more
        # than the lookups themselves.
        return np.load(path, mmap_mode="r").view(np.ndarray)
    except ValueError:
        return np.load(path)


class Strings:
    """A string table: ``table[i]`` decodes row ``i``; sorted tables binary-search."""

    def __init__(self, directory: Path, name: str):
        self.offsets = load(directory, f"{name}.off")
        self.data = load(directory, f"{name}.utf8")
        self._bytes = memoryview(self.data)
        self._decoded: dict[int, str] = {}  # rows decoded so far (facet keys repeat)
        self._found: dict[str, int] = {}  # rows looked up so far (query terms repeat)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> bytes:
        """The UTF-8 bytes of row ``i``."""
        return bytes(self._bytes[int(self.offsets[i]):int(self.offsets[i + 1])])

    def __getitem__(self, i: int) -> str:
        i = int(i)
        text = self._decoded.get(i)
        if text is None:
            text = self.raw(i).decode("utf-8")
            if len(self._decoded) < DECODED_CAP:
                self._decoded[i] = text
        return text

    def __iter__(self):
        """Every row, decoded in row order (none of them remembered)."""
        data = self.data.tobytes()
        offsets = self.offsets.tolist()
        for start, end in zip(offsets, offsets[1:]):
            yield data[start:end].decode("utf-8")

    def text(self, lo: int = 0, hi: int | None = None) -> str:
        """Rows ``lo … hi`` joined into one string (rows are whole UTF-8 strings)."""
        hi = len(self) if hi is None else hi
        return bytes(self._bytes[int(self.offsets[lo]):int(self.offsets[hi])]).decode("utf-8")

    def lower_bound(self, key: bytes, order=None) -> int:
        """The first row (or index into ``order``) whose bytes are not below ``key``."""
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.raw(mid if order is None else int(order[mid])) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find(self, text: str, order=None) -> int:
        """The row holding ``text`` (through ``order`` when given), or -1."""
        if order is None:
            row = self._found.get(text)
            if row is None:
                row = self._search(text, None)
                if len(self._found) >= DECODED_CAP:  # bounded: queries come from users
                    self._found.clear()
                self._found[text] = row
            return row
        return self._search(text, order)

    def _search(self, text: str, order) -> int:
        """``find`` by binary search."""
        key = text.encode("utf-8")
        at = self.lower_bound(key, order)
        if at < len(self):
            row = at if order is None else int(order[at])
            if self.raw(row) == key:
                return row
        return -1

    def prefix_rows(self, prefix: str) -> tuple[int, int]:
        """Rows ``lo … hi`` of a sorted table whose strings start with ``prefix``."""
        key = prefix.encode("utf-8")
        # UTF-8 never holds 0xFF: every string starting with key sorts below key + FF.
        return self.lower_bound(key), self.lower_bound(key + b"\xff")


def save_strings(directory: Path, name: str, strings: list[str]) -> None:
    """Write a string table of ``strings``: int64 offsets and the UTF-8 bytes."""
    save_table(directory, name, [s.encode("utf-8") for s in strings])


def save_table(directory: Path, name: str, rows: list[bytes]) -> None:
    """Write a string table of UTF-8 ``rows``: int64 offsets and the bytes."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in rows]) if rows else []
    np.save(Path(directory) / f"{name}.off.npy", offsets)
    np.save(Path(directory) / f"{name}.utf8.npy", np.frombuffer(b"".join(rows), dtype=np.uint8))


@dataclass
class TextField:
    """The postings of one text field (see the module docstring)."""

    terms: Strings
    post_start: np.ndarray
    post_doc: np.ndarray
    post_tf: np.ndarray
    pos_start: np.ndarray
    pos: np.ndarray
    chars: np.ndarray
    length_byte: np.ndarray
    total_length: int
    place: np.ndarray  # see F.place
    post_score: np.ndarray  # see F.post_score
    fwd_start: np.ndarray  # see F.fwd_start
    fwd: np.ndarray  # see F.fwd
    stack_start: np.ndarray  # see F.stack_start
    stack_term: np.ndarray  # see F.stack_term
    spelled: "Tabled | None" = None  # text_bigram's spelled table (search.store.spelled)
    paired: "Tabled | None" = None  # text's paired table (search.store.spelled)

    def places(self, row: int) -> np.ndarray:
        """The ``place`` keys of term ``row``'s occurrences, ascending."""
        lo, hi = self.post_start[row], self.post_start[row + 1]
        return self.place[self.pos_start[lo]:self.pos_start[hi]]

    def occurrence_count(self, row: int) -> int:
        """Occurrences of term ``row`` in all documents."""
        return int(self.pos_start[self.post_start[row + 1]] - self.pos_start[self.post_start[row]])

    def term(self, text: str) -> int:
        """The term's row, or -1."""
        return self.terms.find(text)

    def df(self, row: int) -> int:
        """Documents holding term ``row``."""
        return int(self.post_start[row + 1] - self.post_start[row])

    def postings(self, row: int) -> tuple[slice, np.ndarray, np.ndarray]:
        """(posting rows, docnums, term frequencies) of term ``row``."""
        rows = slice(int(self.post_start[row]), int(self.post_start[row + 1]))
        return rows, self.post_doc[rows], self.post_tf[rows]


@dataclass
class Keyword:
    """One keyword column: its sorted keys and each document's key ordinals."""

    keys: Strings
    ord: np.ndarray | None = None  # single-valued
    off: np.ndarray | None = None  # multi-valued
    val: np.ndarray | None = None
    owner: np.ndarray | None = None

    @property
    def multi(self) -> bool:
        """True for a multi-valued column (theme, cites)."""
        return self.ord is None

    @cached_property
    def names(self) -> list[str]:
        """The keys decoded, by ordinal (decoded once: facet counts name them per search)."""
        return [self.keys[i] for i in range(len(self.keys))]

    def docs_with(self, ordinals: np.ndarray) -> np.ndarray:
        """Ascending docnums holding any of ``ordinals``."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        if len(ordinals) == 1:  # one key (a term, most filters): its slice of the inverted column
            by_key, starts = self._inverted
            return by_key[starts[ordinals[0]]:starts[ordinals[0] + 1]]
        # A look-up table by ordinal, one slot more: a document without a key (-1) reads it.
        wanted = np.zeros(len(self.keys) + 1, dtype=bool)
        wanted[np.asarray(ordinals, dtype=np.int64)] = True
        if self.ord is not None:
            return np.flatnonzero(wanted[self.ord]).astype(np.int32)
        owners = self.owner[wanted[self.val]]  # ascending: owner is, and so is any subset
        return owners[run_starts(owners)].astype(np.int32)


    @cached_property
    def _inverted(self) -> tuple[np.ndarray, np.ndarray]:
        """(docnums ordered by key, then docnum; where each key's run starts), made on
        first use: one stable sort of the column, a few bytes per document."""
        values = self.ord if self.ord is not None else self.val
        owners = np.arange(len(values), dtype=np.int32) if self.ord is not None else self.owner
        order = np.argsort(values, kind="stable")
        keyed = values[order]
        starts = np.searchsorted(keyed, np.arange(len(self.keys) + 1)).astype(np.int64)
        return owners[order].astype(np.int32), starts


    @cached_property
    def runs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """For a single-valued column: (the first docnum of each run of documents sharing a
        key, that key's ordinal or -1), made on first use; None for a multi-valued one. A
        resolution's paragraphs are consecutive documents, so its keys (the resolution
        itself, its session) come in runs far fewer than the documents."""
        if self.ord is None:
            return None
        starts = run_starts(np.asarray(self.ord))
        return starts, self.ord[starts]

    @cached_property
    def combinations(self) -> "Combinations | None":
        """For a multi-valued column of at most 63 keys: each document's combination of keys
        and the keys each combination holds (:class:`Combinations`), made on first use; None
        otherwise. A few thousand combinations stand for a million documents."""
        if self.ord is not None or len(self.keys) > 63:
            return None
        bits = np.zeros(len(self.off) - 1, dtype=np.uint64)
        np.bitwise_or.at(bits, self.owner, np.left_shift(np.uint64(1), self.val.astype(np.uint64)))
        found, combination = np.unique(bits, return_inverse=True)
        holds = (found[:, None] >> np.arange(len(self.keys), dtype=np.uint64)) & np.uint64(1)
        combos, keys = np.nonzero(holds)
        return Combinations(combination.astype(np.int32).reshape(-1), combos, keys, len(found),
                            len(self.keys))


@dataclass(frozen=True, eq=False)  # arrays: compared and hashed by identity
class Combinations:
    """Each document's combination of keys (``of``), and the keys each combination holds as
    pairs (``combo[i]`` holds ``key[i]``), ``size`` combinations of ``keys`` keys.

    Counting keys over documents is a ``bincount`` of their combinations, then one of the
    pairs weighted by those counts. Not a matrix product: numpy's BLAS would run it on
    threads that then spin, a whole core per query, waiting for the next one.
    """

    of: np.ndarray
    combo: np.ndarray
    key: np.ndarray
    size: int
    keys: int

    def __len__(self) -> int:
        return self.size

    @cached_property
    def _start(self) -> np.ndarray:
        """Where each combination's pairs start (the pairs are ordered by combination)."""
        return np.searchsorted(self.combo, np.arange(self.size + 1))

    def counts(self, docs: np.ndarray) -> np.ndarray:
        """How many of ``docs`` hold each key, by ordinal (int64)."""
        if len(docs) * FEW_DOCUMENTS < len(self.key):  # a few: their combinations' keys
            held = self.of[docs]
            keys = self.key[ranges(self._start[held], self._start[held + 1])]
            return np.bincount(keys, minlength=self.keys).astype(np.int64)
        per = np.bincount(self.of[docs], minlength=self.size)
        # Float weights add integers far below 2**53: exact.
        return np.rint(np.bincount(self.key, weights=per[self.combo], minlength=self.keys)).astype(np.int64)


def run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal neighbouring ``values`` starts (none for an empty array)."""
    new = np.empty(len(values), dtype=bool)
    new[:1] = True
    np.not_equal(values[1:], values[:-1], out=new[1:])
    return np.flatnonzero(new)


def ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, e)`` for each pair, vectorised."""
    counts = (ends - starts).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts.astype(np.int64) - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


FEW_DOCUMENTS = 4  # fewer documents than a quarter of the pairs: counted through their own keys
JOINT_KEYS = 256  # a single-valued facet of at most this many keys is counted jointly
JOINT_COMBINATIONS = 4096  # combinations always worth it (their product is small)


class Joint:
    """Single-valued facets counted together, through each document's combination of keys.

    The facets of a results page (verb, session, body, kind, lang …) have a few dozen keys
    each, and a collection holds a few thousand of their combinations: one gather and one
    ``bincount`` of the documents' combinations, then one over which keys each combination
    holds, count them all (instead of a gather and a ``bincount`` per facet).
    """

    def __init__(self, columns: dict[str, "Keyword"], size: int):
        code, radix, radices = np.zeros(size, dtype=np.int64), 1, {}
        for name, column in columns.items():
            radices[name] = radix
            code += (column.ord.astype(np.int64) + 1) * radix  # 0: no key
            radix *= len(column.keys) + 1
        found, combination = np.unique(code, return_inverse=True)
        combos, keys, self.slices, at = [], [], {}, 0
        for name, column in columns.items():
            ordinal = (found // radices[name]) % (len(column.keys) + 1) - 1
            held = np.flatnonzero(ordinal >= 0)
            combos.append(held)
            keys.append(at + ordinal[held])
            self.slices[name] = slice(at, at + len(column.keys))
            at += len(column.keys)
        combos = np.concatenate(combos) if combos else np.empty(0, dtype=np.intp)
        keys = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
        order = np.argsort(combos, kind="stable")  # the pairs by combination
        self.combined = Combinations(combination.astype(np.int32).reshape(-1), combos[order],
                                     keys[order], len(found), at)

    def __len__(self) -> int:
        """The combinations the documents hold."""
        return len(self.combined)

    def counts(self, docs: np.ndarray) -> dict[str, np.ndarray]:
        """Facet → how many of ``docs`` hold each of its keys, by ordinal."""
        total = self.combined.counts(docs)
        return {name: total[where] for name, where in self.slices.items()}


class Arrays:
    """Every array of one index directory, memory-mapped (see the module docstring)."""

    def __init__(self, index_dir: Path):
        directory = Path(index_dir) / ARRAYS_DIR
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("layout") != LAYOUT_VERSION:
            raise ValueError(f"array layout {meta.get('layout')!r}, expected {LAYOUT_VERSION}")
        self.directory = directory
        self.doc_count: int = meta["documents"]
        self.fields = {name: self._text_field(name, meta["lengths"][name]) for name in TEXT_FIELDS}
        self.keywords = {name: self._keyword(name) for name in KEYWORDS}
        self.numbers = {name: load(directory, name) for name in NUMBERS}
        self.live = load(directory, "live")
        self.ids = Strings(directory, "ids")
        self.ids_sorted = load(directory, "ids_sorted")
        self._joints: dict[tuple[str, ...], Joint | None] = {}

    def _text_field(self, name: str, total: int) -> TextField:
        return text_field(self.directory, name, total)

    def _keyword(self, name: str) -> Keyword:
        keys = Strings(self.directory, f"{name}.keys")
        if name in MULTI:
            return Keyword(keys, off=load(self.directory, f"{name}.off"),
                           val=load(self.directory, f"{name}.val"),
                           owner=load(self.directory, f"{name}.owner"))
        return Keyword(keys, ord=load(self.directory, f"{name}.ord"))

    def joint(self, facets: tuple[str, ...]) -> Joint | None:
        """A :class:`Joint` of those of ``facets`` single-valued with few keys (made on
        first use, kept), or None when fewer than two are or their combinations are too
        many to gain anything."""
        found = self._joints.get(facets, False)
        if found is False:
            columns = {f: self.keywords[f] for f in facets
                       if not self.keywords[f].multi and len(self.keywords[f].keys) <= JOINT_KEYS}
            radix = 1
            for column in columns.values():
                radix *= len(column.keys) + 1
            found = Joint(columns, self.doc_count) if len(columns) > 1 and radix < 1 << 62 else None
            if found is not None and len(found) > max(self.doc_count // 4, JOINT_COMBINATIONS):
                found = None  # nearly one combination per document: per facet is cheaper
            self._joints[facets] = found
        return found

    def docnum(self, pid: str) -> int | None:
        """The docnum of paragraph ``pid``, or None."""
        row = self.ids.find(pid, self.ids_sorted)
        return None if row < 0 else row

    def field_length(self, name: str) -> np.ndarray:
        """Each document's length in text field ``name``, as Whoosh scores it."""
        return BYTE_TO_LENGTH[self.fields[name].length_byte]


def text_field(directory: Path, name: str, total: int) -> TextField:
    """Text field ``name`` of the arrays in ``directory`` (``total``: its length in all
    documents), with its spelled and paired tables when the directory holds them."""
    d = Path(directory)
    parts = ("post_start", "post_doc", "post_tf", "pos_start", "pos", "chars", "length_byte")
    tables = {kind: Tabled(d, f"{name}.{kind}") for kind in ("spelled", "paired")
              if (d / f"{name}.{kind}_start.npy").exists()}
    return TextField(Strings(d, f"{name}.terms"), *(load(d, f"{name}.{part}") for part in parts),
                     total_length=total, **tables,
                     **{p: load(d, f"{name}.{p}") for p in
                        ("place", "post_score", "fwd_start", "fwd", "stack_start", "stack_term")})


class Tabled:
    """Answers written at build time for a few costly keys, memory-mapped (the spelled and
    paired tables of :mod:`search.store.spelled`): each key's documents, ascending, and
    (spelled) how often each holds it."""

    def __init__(self, directory: Path, stem: str):
        self.keys = Strings(directory, stem)
        self.start = load(directory, f"{stem}_start")
        self.doc = load(directory, f"{stem}_doc")
        self.tf = _optional(directory, f"{stem}_tf")
        # The paired table's floor and pairs found anywhere (written since 2026-12-06).
        floor = _optional(directory, f"{stem}_floor")
        self.floor = None if floor is None else int(floor[0])
        self.anywhere = _optional(directory, f"{stem}_anywhere")

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, key: str) -> tuple[np.ndarray, np.ndarray | None] | None:
        """(docs, occurrences or None) of ``key`` when the table holds it, else None."""
        row = self.keys.find(key)
        if row < 0:
            return None
        rows = slice(int(self.start[row]), int(self.start[row + 1]))
        return self.doc[rows], None if self.tf is None else self.tf[rows]


def _optional(directory: Path, name: str) -> np.ndarray | None:
    """Array ``name`` of the layout when ``directory`` holds it (a later addition), else None."""
    return load(directory, name) if (Path(directory) / f"{name}.npy").exists() else None


def save_tabled(directory: Path, stem: str, keys: list[str], docs: list[np.ndarray],
                tf: list[np.ndarray] | None = None) -> None:
    """Write a table :class:`Tabled` reads: ``keys`` (sorted by their UTF-8 bytes), each
    one's documents and, when given, how often each holds it."""
    directory = Path(directory)
    start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=start[1:])
    none = [np.empty(0, dtype=np.int32)]
    save_strings(directory, stem, keys)
    np.save(directory / f"{stem}_start.npy", start)
    np.save(directory / f"{stem}_doc.npy", np.concatenate(docs + none).astype(np.int32))
    if tf is not None:
        np.save(directory / f"{stem}_tf.npy", np.concatenate(tf + none).astype(np.int32))


def has_arrays(index_dir: Path) -> bool:
    """True when ``index_dir`` holds an array layout."""
    return (Path(index_dir) / ARRAYS_DIR / META_FILE).exists()
