"""Write the array layout of :mod:`search.store.arrays` beside a committed Whoosh index.

The postings come from the schema's own analyzers run as Whoosh runs them (index mode,
positions and characters, stop words dropped), once per paragraph and field, so terms,
positions and lengths are exactly Whoosh's. Tokens are gathered into flat integer
arrays and sorted once with numpy (term, then document, then position).
"""

from __future__ import annotations

import json
from array import array
from itertools import chain, repeat
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh import index as whoosh_index
from whoosh.util.numeric import length_to_byte

from search.analysis import normalize
from search.store.preanalysed import PreAnalysed
from search.store.arrays import (ARRAYS_DIR, KEYWORDS, LAYOUT_VERSION, META_FILE, MULTI,
                                 BYTE_TO_LENGTH, PLACES, STACKED, TEXT_FIELDS, load,
                                 save_strings)
from search.store.spelled import write_tables


def write_arrays(index_dir: Path, paragraphs: Iterable[dict]) -> int:
    """Write the arrays of the committed index in ``index_dir``; return the documents.

    ``paragraphs`` are the field values given to Whoosh, in the order added (docnum
    order). The index is read back only to check that order and its deletions.
    """
    ix = whoosh_index.open_dir(str(index_dir))
    builder = ArrayBuilder(ix.schema)
    ix.close()
    for docnum, fields in enumerate(paragraphs):
        builder.add(docnum, fields)
    return builder.finish(index_dir)


class ArrayBuilder:
    """Gathers the arrays document by document (as the writer adds them), then saves them.

    A text value that is a :class:`PreAnalysed` (the build's worker postings) is read from
    its postings, so the bulk build never analyses a paragraph a second time.
    """

    def __init__(self, schema) -> None:
        self.texts = {name: _Postings(schema[name]) for name in TEXT_FIELDS}
        self.keywords = {name: _Column(schema[name].analyzer) for name in KEYWORDS}
        self.numbers: dict[str, array] = {n: array("i") for n in ("year", "doc_order", "date_rank",
                                                                   "norm_length")}
        self.ids: list[str] = []

    def add(self, docnum: int, fields: dict) -> None:
        """One document's field values; documents come in docnum order."""
        if docnum != len(self.ids):
            raise ValueError(f"document {docnum} added after {len(self.ids)} documents")
        for name, postings in self.texts.items():
            postings.add(docnum, fields.get(name) or "")
        for name, column in self.keywords.items():
            column.add(fields.get(name) or "")
        self.numbers["year"].append(int(fields.get("year") or 0))
        self.numbers["doc_order"].append(int(fields.get("doc_order", docnum)))
        self.numbers["date_rank"].append(date_number(fields.get("date") or "", fields.get("year")))
        text = fields.get("text") or ""
        known = getattr(text, "norm_length", None)  # the build's workers measured it
        self.numbers["norm_length"].append(known if known is not None else len(normalize(text)))
        self.ids.append(fields["id"])

    def finish(self, index_dir: Path) -> int:
        """Save every array beside the committed index in ``index_dir``; return the documents."""
        directory = Path(index_dir) / ARRAYS_DIR
        directory.mkdir(exist_ok=True)
        ids, count = self.ids, len(self.ids)
        live = committed_live(index_dir, ids)
        lengths = self.save(directory)
        for name in self.texts:
            write_derived(directory, name, count, lengths[name])
        np.save(directory / "live.npy", live)
        order = sorted(range(count), key=lambda n: ids[n].encode("utf-8"))
        np.save(directory / "ids_sorted.npy", np.array(order, dtype=np.int32))
        write_tables(directory, count, lengths)
        write_meta(directory, count, lengths)
        return count

    def save(self, directory: Path) -> dict[str, int]:
        """Write the arrays of the documents added so far (all but those derived from the
        whole index: ``F.place`` and ``F.post_score`` (:func:`write_derived`), ``live``,
        ``ids_sorted`` and ``meta.json``) into ``directory``; return each text field's total
        length.

        A build batch saves its part this way; :mod:`search.store.array_merge` joins the
        parts into what one builder of every document would write.
        """
        directory = Path(directory)
        count = len(self.ids)
        lengths = {name: postings.save(directory, name, count) for name, postings in self.texts.items()}
        for name, column in self.keywords.items():
            column.save(directory, name, multi=name in MULTI)
        for name, values in self.numbers.items():
            np.save(directory / f"{name}.npy", np.frombuffer(values, dtype=np.int32))
        save_strings(directory, "ids", self.ids)
        return lengths


def committed_live(index_dir: Path, ids: list[str]) -> np.ndarray:
    """The live mask of the committed index in ``index_dir``, checked against ``ids``
    (the documents' ids in the order they were added)."""
    count = len(ids)
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.reader() as reader:
            _check_order(reader, ids)
            live = np.ones(count, dtype=bool)
            if reader.has_deletions():
                live[[n for n in range(count) if reader.is_deleted(n)]] = False
    finally:
        ix.close()
    return live


def write_meta(directory: Path, count: int, lengths: dict[str, int]) -> None:
    """``meta.json``: layout version, documents, total length of each text field."""
    meta = {"layout": LAYOUT_VERSION, "documents": count, "lengths": lengths}
    (Path(directory) / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


PLACE_CHUNK = 1 << 20  # postings per step of write_places: memory stays bounded


def write_places(directory: Path, name: str) -> None:
    """Write ``F.place`` of text field ``name`` from its saved postings (see
    search.store.arrays): each occurrence's docnum and position or start character."""
    part = lambda p: load(directory, f"{name}.{p}")  # noqa: E731
    post_doc, pos_start = part("post_doc"), part("pos_start")
    where = part("pos") if PLACES[name] == "pos" else part("chars")[:, 0]
    total = int(pos_start[-1]) if len(pos_start) else 0
    path = directory / f"{name}.place.npy"
    if total == 0:
        np.save(path, np.empty(0, dtype=np.int64))
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.int64, shape=(total,))
    for lo in range(0, len(post_doc), PLACE_CHUNK):
        hi = min(lo + PLACE_CHUNK, len(post_doc))
        a, b = int(pos_start[lo]), int(pos_start[hi])
        owner = np.repeat(np.asarray(post_doc[lo:hi], dtype=np.int64), np.diff(pos_start[lo:hi + 1]))
        out[a:b] = (owner << 32) | np.asarray(where[a:b], dtype=np.int64)
    out.flush()
    del out


def write_derived(directory: Path, name: str, documents: int, total_length: int) -> None:
    """Write what text field ``name``'s saved postings give once the whole index is known:
    ``F.place`` and ``F.post_score`` (BM25 takes the index's document count and lengths),
    then the forward index ``F.fwd_start`` and ``F.fwd``."""
    write_places(directory, name)
    write_scores(directory, name, documents, total_length)
    write_forward(directory, name, documents)


def write_forward(directory: Path, name: str, documents: int) -> None:
    """Write ``F.fwd_start`` and ``F.fwd`` of text field ``name`` from its place keys: each
    document's places (positions or start characters) in turn, each holding the term row
    of the occurrence there, -1 where there is none and ``STACKED - i`` where several terms
    stand (a word and its inner words), ``i`` the place's row in ``F.stack_start`` and
    ``F.stack_term``. A phrase's or substring's candidates are checked word by word with
    one read each instead of a search in each word's keys."""
    part = lambda p: load(directory, f"{name}.{p}")  # noqa: E731
    place, post_start, pos_start = part("place"), part("post_start"), part("pos_start")
    total = len(place)
    span = np.zeros(documents, dtype=np.int64)  # each document's last place + 1
    for lo in range(0, total, PLACE_CHUNK):
        keys = np.asarray(place[lo:lo + PLACE_CHUNK])
        np.maximum.at(span, keys >> 32, (keys & 0xFFFFFFFF) + 1)
    starts = np.zeros(documents + 1, dtype=np.int64)
    np.cumsum(span, out=starts[1:])
    np.save(directory / f"{name}.fwd_start.npy", starts)
    path = directory / f"{name}.fwd.npy"
    if not starts[-1]:
        np.save(path, np.empty(0, dtype=np.int32))
        np.save(directory / f"{name}.stack_start.npy", np.zeros(1, dtype=np.int64))
        np.save(directory / f"{name}.stack_term.npy", np.empty(0, dtype=np.int32))
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.int32, shape=(int(starts[-1]),))
    out[:] = -1
    first_of_term = np.asarray(pos_start)[np.asarray(post_start)]  # each term's first occurrence

    def occurrences():  # (slot in out, term row) of each occurrence, chunk by chunk
        for lo in range(0, total, PLACE_CHUNK):
            keys = np.asarray(place[lo:lo + PLACE_CHUNK])
            terms = np.searchsorted(first_of_term, np.arange(lo, lo + len(keys)), side="right") - 1
            yield starts[keys >> 32] + (keys & 0xFFFFFFFF), terms.astype(np.int32)

    for slots, terms in occurrences():
        out[slots] = terms
    for slots, terms in occurrences():  # a slot written by two terms: the first one differs
        out[slots[out[slots] != terms]] = STACKED
    # The stack table: the distinct terms of each shared place, by place.
    shared = [(slots[at], terms[at]) for slots, terms in occurrences()
              for at in [out[slots] == STACKED]]
    slots = np.concatenate([s for s, _ in shared]) if shared else np.empty(0, dtype=np.int64)
    terms = np.concatenate([t for _, t in shared]) if shared else np.empty(0, dtype=np.int32)
    order = np.lexsort((terms, slots))
    slots, terms = slots[order], terms[order]
    new_slot = np.ones(len(slots), dtype=bool)
    np.not_equal(slots[1:], slots[:-1], out=new_slot[1:])
    distinct = new_slot.copy()
    distinct[1:] |= terms[1:] != terms[:-1]
    places = np.flatnonzero(new_slot[distinct])  # each place's first row among the distinct
    slots, terms = slots[distinct], terms[distinct]
    out[slots[places]] = STACKED - np.arange(len(places), dtype=np.int32)
    out.flush()
    del out
    np.save(directory / f"{name}.stack_start.npy", np.append(places, len(slots)).astype(np.int64))
    np.save(directory / f"{name}.stack_term.npy", terms)


def write_scores(directory: Path, name: str, documents: int, total_length: int) -> None:
    """Write ``F.post_score`` of text field ``name``: each posting's BM25 score, from its
    saved postings, through the function the executor scores with (search.store.scoring)."""
    from search.store.scoring import FIELD_BOOSTS, bm25, idf, length_term, mean_length

    part = lambda p: load(directory, f"{name}.{p}")  # noqa: E731
    post_start, post_doc, post_tf = part("post_start"), part("post_doc"), part("post_tf")
    path = directory / f"{name}.post_score.npy"
    if not len(post_doc):
        np.save(path, np.empty(0, dtype=np.float64))
        return
    lengths = length_term(BYTE_TO_LENGTH[part("length_byte")], mean_length(total_length, documents))
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(len(post_doc),))
    df = np.diff(post_start)
    # Each term's idf by math.log, as at query time, then one per posting: a product of two
    # arrays is the same float as a Python float times an array, element by element.
    idfs = np.array([idf(documents, n) for n in df.tolist()], dtype=np.float64)
    term_of = np.repeat(np.arange(len(df)), df)
    for lo in range(0, len(post_doc), PLACE_CHUNK):
        hi = min(lo + PLACE_CHUNK, len(post_doc))
        out[lo:hi] = bm25(idfs[term_of[lo:hi]], np.asarray(post_tf[lo:hi]), FIELD_BOOSTS[name],
                          lengths[np.asarray(post_doc[lo:hi])])
    out.flush()
    del out


def date_number(date: str, year: int | None = None) -> int:
    """An ISO date as a sortable number (20161219); the year's start (20130000) when only the
    year (of the session) is known, so an undated draft sorts with its year; 0 when neither."""
    digits = "".join(ch for ch in (date or "")[:10] if ch.isdigit())
    if len(digits) == 8:
        return int(digits)
    return int(year) * 10_000 if isinstance(year, int) and 0 < year < 10_000 else 0


def _check_order(reader, ids: list[str]) -> None:
    """Fail unless Whoosh numbered the documents in the order they were given."""
    if reader.doc_count_all() != len(ids):
        raise ValueError(f"index holds {reader.doc_count_all()} documents, arrays {len(ids)}")
    for docnum in sorted({0, len(ids) // 3, len(ids) // 2, len(ids) - 1}) if ids else ():
        stored = reader.stored_fields(docnum).get("id")
        if stored != ids[docnum]:
            raise ValueError(f"docnum {docnum} is {stored!r} in the index, {ids[docnum]!r} here")


class _Postings:
    """Tokens of one text field, gathered flat, then sorted into postings."""

    def __init__(self, field):
        self.analyzer = field.analyzer
        self.decode = field.format.decode_characters
        self.term_ids: dict[str, int] = {}
        self.cols = {k: array("i") for k in ("term", "doc", "pos", "start", "end")}
        self.lengths = array("i")

    def add(self, docnum: int, text: str) -> None:
        """Analyse one document's value as Whoosh's Characters format does."""
        ids, cols = self.term_ids, self.cols
        if isinstance(text, PreAnalysed):
            self._add_postings(docnum, text.postings, text.tokens)
            return
        length = 0
        for token in self.analyzer(text, positions=True, chars=True, boosts=True, mode="index"):
            if token.stopped:
                continue
            cols["term"].append(ids.setdefault(token.text, len(ids)))
            cols["doc"].append(docnum)
            cols["pos"].append(token.pos)
            cols["start"].append(token.startchar)
            cols["end"].append(token.endchar)
            length += 1
        self.lengths.append(length)

    def _add_postings(self, docnum: int, postings, tokens=None) -> None:
        """One document's precomputed Whoosh postings: (term, freq, weight, encoded chars).

        With ``tokens`` (int32 bytes of positions, starts and ends in posting order, from
        the build's workers), nothing is decoded: a few C-level appends per document.
        """
        ids, cols, length = self.term_ids, self.cols, 0
        if tokens is not None:
            terms = [ids.setdefault(t.decode("utf-8"), len(ids)) for t, _f, _w, _v in postings]
            freqs = [freq for _t, freq, _w, _v in postings]
            cols["term"].extend(chain.from_iterable(map(repeat, terms, freqs)))
            length = sum(freqs)
            cols["doc"].extend(repeat(docnum, length))
            for name, column in zip(("pos", "start", "end"), tokens):
                cols[name].frombytes(column)
            self.lengths.append(length)
            return
        for tbytes, freq, _weight, value in postings:
            term = ids.setdefault(tbytes.decode("utf-8"), len(ids))
            for pos, start, end in self.decode(value):
                cols["term"].append(term)
                cols["doc"].append(docnum)
                cols["pos"].append(pos)
                cols["start"].append(start)
                cols["end"].append(end)
            length += freq
        self.lengths.append(length)

    def save(self, directory: Path, name: str, count: int) -> int:
        """Write this field's arrays; return its total length (Whoosh's field_length)."""
        terms = sorted(self.term_ids, key=lambda t: t.encode("utf-8"))
        rank = np.empty(len(terms), dtype=np.int64)
        rank[[self.term_ids[t] for t in terms]] = np.arange(len(terms))
        col = {k: np.frombuffer(v, dtype=np.int32) for k, v in self.cols.items()}
        term = rank[col["term"]] if len(terms) else col["term"].astype(np.int64)
        order = np.lexsort((col["pos"], col["doc"], term))  # stable: token order kept
        term, doc = term[order], col["doc"][order]
        new_posting = np.ones(len(order), dtype=bool)
        new_posting[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
        first = np.flatnonzero(new_posting)
        pos_start = np.append(first, len(order)).astype(np.int64)
        post_term = term[first]
        post_start = np.searchsorted(post_term, np.arange(len(terms) + 1)).astype(np.int64)
        lengths = np.frombuffer(self.lengths, dtype=np.int32)
        arrays = {
            "post_start": post_start,
            "post_doc": doc[first].astype(np.int32),
            "post_tf": np.diff(pos_start).astype(np.int32),
            "pos_start": pos_start,
            "pos": col["pos"][order],
            "chars": np.stack([col["start"][order], col["end"][order]], axis=1).astype(np.int32),
            "length_byte": np.array([length_to_byte(n) for n in lengths], dtype=np.uint8),
        }
        for part, values in arrays.items():
            np.save(directory / f"{name}.{part}.npy", values)
        save_strings(directory, f"{name}.terms", terms)
        return int(lengths.sum())


class _Column:
    """The keys of one keyword field per document."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.per_doc: list[tuple[str, ...]] = []

    def add(self, value: str) -> None:
        """One document's keys, as the field's analyzer splits them (empty ones dropped)."""
        keys = {t.text for t in self.analyzer(value)} if value else set()
        self.per_doc.append(tuple(sorted(k for k in keys if k)))

    def save(self, directory: Path, name: str, multi: bool) -> None:
        """Write the key table and the ordinal column(s)."""
        keys = sorted({k for ks in self.per_doc for k in ks}, key=lambda k: k.encode("utf-8"))
        ordinal = {k: i for i, k in enumerate(keys)}
        save_strings(directory, f"{name}.keys", keys)
        if not multi:
            ords = [ordinal[ks[0]] if ks else -1 for ks in self.per_doc]
            np.save(directory / f"{name}.ord.npy", np.array(ords, dtype=np.int32))
            return
        counts = np.array([len(ks) for ks in self.per_doc], dtype=np.int64)
        flat = np.array([o for ks in self.per_doc for o in sorted(ordinal[k] for k in ks)],
                        dtype=np.int32)
        np.save(directory / f"{name}.off.npy", np.concatenate([[0], np.cumsum(counts)]))
        np.save(directory / f"{name}.val.npy", flat)
        owner = np.repeat(np.arange(len(self.per_doc), dtype=np.int32), counts)
        np.save(directory / f"{name}.owner.npy", owner)
