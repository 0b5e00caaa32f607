"""What the engine knows of one index besides its postings: stored paragraphs by docnum,
units, the id → docnum map, term frequencies.

Two ways to open one. When the generation has arrays (``search.store.arrays``),
:meth:`Catalogue.open` reads nothing proportional to the corpus: stored paragraphs are read
from Whoosh when shown and the recent ones kept (``search.engine.views``), ids and term
frequencies are binary searches of the mapped tables. Without arrays, or for the Whoosh
reference executor, :meth:`Catalogue.load` reads every stored paragraph at open, as the
reference needs them all. Whatever needs every paragraph (facet key columns, dates and order
as lists, the normalised texts) is made on first use: only the reference executor asks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

from search.analysis import normalize
from search.engine.views import IdMap, StoredDocs, TermFrequencies
from search.facets import COUNTED, Labels, facet_keys
from search.store.array_writer import date_number  # one rule for both executors
from search.store.arrays import Arrays


ALIGNED_CACHE = 4096  # normalised texts kept for highlighting (each a paragraph's length)


@dataclass(eq=False)
class Catalogue:
    """Stored paragraphs (by docnum), units, ids and term frequencies of one index."""

    docs: Sequence[dict]  # a list (load) or read on demand (open)
    by_id: Mapping[str, int]
    units: dict[str, dict]
    # Paragraphs holding each term of the text field (dictionary fallback, "did you mean").
    frequencies: Mapping[str, int] = field(default_factory=dict)
    arrays: Arrays | None = None  # the generation's arrays, when opened over them
    substring_scores: dict = field(default_factory=dict)  # see search.engine.rewrite
    unit_list: list[dict] | None = None  # Engine.units(), built on first use
    all_counts: dict[str, list[dict]] | None = None  # Engine.facet_values(), likewise
    filter_docs: dict[str, set[int]] = field(default_factory=dict)  # by filter query
    # Each text as the analyzer normalises it: the Whoosh reference's substring scores and
    # its average length need them all, highlighting only the shown ones; made on first
    # use (OpenCC over every text is most of an opening otherwise).
    _normalized: list[str] | None = None
    # The shown texts normalised lately, by docnum (bounded: see ALIGNED_CACHE).
    _aligned: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def open(cls, ix, arrays: Arrays, index_dir: Path, units_file: str) -> "Catalogue":
        """The catalogue over ``arrays``, reading stored paragraphs from ``ix`` when asked."""
        return cls(StoredDocs(ix, arrays.doc_count), IdMap(arrays), _units(index_dir, units_file),
                   TermFrequencies(arrays.fields["text"]), arrays)

    @classmethod
    def load(cls, reader, index_dir: Path, units_file: str) -> "Catalogue":
        """Read every stored paragraph and term frequency from ``reader``, and the units."""
        docs: list[dict] = [{} for _ in range(reader.doc_count_all())]
        for docnum, stored in reader.iter_docs():
            docs[docnum] = stored
        by_id = {d["id"]: n for n, d in enumerate(docs) if d}
        frequencies = {term.decode("utf-8") if isinstance(term, bytes) else term:
                       info.doc_frequency() for term, info in reader.iter_field("text")}
        return cls(docs, by_id, _units(index_dir, units_file), frequencies)

    def close(self) -> None:
        """Let go of the reader of stored paragraphs, if one was opened."""
        if isinstance(self.docs, StoredDocs):
            self.docs.close()

    # -- what only the reference executor needs whole ------------------------------------

    @cached_property
    def columns(self) -> dict[str, list[tuple]]:
        """Facet → the keys of each docnum (every stored paragraph read once)."""
        columns: dict[str, list[tuple]] = {f: [] for f in COUNTED}
        for stored in self.docs:
            for facet, column in columns.items():
                column.append(tuple(facet_keys(stored, facet)))
        return columns

    @cached_property
    def date_rank(self) -> Sequence[int]:
        """Each docnum's date as a number (``date_number``)."""
        if self.arrays is not None:
            return self.arrays.numbers["date_rank"]
        return [date_number(d.get("date", ""), d.get("year")) for d in self.docs]

    @cached_property
    def doc_order(self) -> Sequence[int]:
        """Each docnum's place in corpus order."""
        if self.arrays is not None:
            return self.arrays.numbers["doc_order"]
        return [d.get("doc_order", n) for n, d in enumerate(self.docs)]

    @property
    def normalized(self) -> list[str]:
        """Every text as the analyzer normalises it, by docnum."""
        if self._normalized is None:
            self._normalized = [normalize(d.get("text", "")) for d in self.docs]
        return self._normalized

    @cached_property
    def average_length(self) -> float:
        """Mean length of the normalised texts."""
        if self.arrays is not None:
            norm = self.arrays.numbers["norm_length"]
            return float(norm.sum()) / max(len(norm), 1)
        return sum(map(len, self.normalized)) / max(len(self.normalized), 1)

    # -- terms ---------------------------------------------------------------------------

    @cached_property
    def vocabulary(self) -> tuple[str, ...]:
        """The Latin terms of the text field, for "did you mean" (made on first use)."""
        if isinstance(self.frequencies, TermFrequencies):
            return self.frequencies.latin_words()
        return tuple(t for t in self.frequencies if t.isascii() and t.isalpha())

    @cached_property
    def characters(self) -> frozenset[str]:
        """Every character of the text field's terms (is a lone character in the text?).

        The terms are the normalised text cut into words, so every Chinese character of
        every paragraph is in one of them; reading them is far cheaper than every text.
        """
        if isinstance(self.frequencies, TermFrequencies):
            return self.frequencies.characters()
        return frozenset("".join(self.frequencies))

    # -- one paragraph -------------------------------------------------------------------

    def aligned(self, docnum: int) -> str | None:
        """The normalised text when it aligns with the stored one (same length), else None."""
        if docnum in self._aligned:
            return self._aligned[docnum]
        stored = self.docs[docnum].get("text", "")
        text = self.normalized[docnum] if self._normalized is not None else normalize(stored)
        text = text if len(text) == len(stored) else None
        if len(self._aligned) >= ALIGNED_CACHE:  # a page repeats what others showed: bounded
            self._aligned.clear()
        self._aligned[docnum] = text
        return text

    def result(self, docnum: int, labels: Labels) -> dict:
        """The fields of one paragraph as a search result shows them (no snippet)."""
        stored = self.docs[docnum]
        unit = self.units.get(stored["unit"], {})
        verb = stored.get("verb")
        return {
            "id": stored["id"],
            "url": "/p/" + quote(stored["id"], safe="/-._~"),
            "symbol": stored.get("symbol") or None,
            "unit": stored["unit"],
            "unit_title": unit.get("title"),
            "unit_label": unit.get("label"),
            "kind": stored["kind"],
            "number": stored.get("number"),
            "sub": stored.get("sub"),
            "anchor": stored.get("anchor"),
            "lang": stored.get("lang"),
            "verb": labels("verb", verb) if verb else None,
            "verb_lead": stored.get("verb_lead") or None,
            "themes": [labels("theme", key) for key in facet_keys(stored, "theme")],
            "body": labels("body", stored.get("body", "")),
            "session": labels("session", stored.get("session", "")),
            "year": stored.get("year") or None,
            "date": stored.get("date") or None,
            "text": stored["text"],
        }

    def neighbours(self, pid: str) -> tuple[str | None, str | None]:
        """Ids of the paragraphs before and after ``pid`` in its unit."""
        stored = self.docs[self.by_id[pid]]
        ids = self.units.get(stored["unit"], {}).get("paragraphs", [])
        if pid not in ids:
            return None, None
        at = ids.index(pid)
        return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)

    def other_lang(self, pid: str) -> str | None:
        """The same paragraph in the other language's version of the unit, if indexed."""
        unit, _, anchor = pid.rpartition("/")
        twin_unit = unit[: -len(".en")] if unit.endswith(".en") else unit + ".en"
        twin = f"{twin_unit}/{anchor}"
        return twin if twin in self.by_id else None

    def unit_meta(self, uid: str, labels: Labels) -> dict | None:
        """Unit metadata with labelled body and session (no paragraph list)."""
        record = self.units.get(uid)
        if record is None:
            return None
        meta = {k: v for k, v in record.items() if k != "paragraphs"}
        meta["body"] = labels("body", record.get("body") or "")
        meta["session"] = labels("session", record.get("session") or "")
        meta["count"] = len(record.get("paragraphs", []))
        meta["url"] = "/u/" + quote(uid, safe="/-._~")
        return meta



class PackedIds(Sequence):
    """A unit's paragraph ids, in order, held as one string (read-only).

    A million paragraph ids as a list of strings per unit were 113 MiB of a 1,000,000
    paragraph server's own memory, for what the unit pages and a paragraph's neighbours
    read of one unit at a time; joined, they take a fifth of that.
    """

    __slots__ = ("_joined", "_count")

    def __init__(self, ids: list[str]):
        self._joined, self._count = "\n".join(ids), len(ids)

    def _ids(self) -> list[str]:
        return self._joined.split("\n") if self._count else []

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, at):
        return self._ids()[at]

    def __iter__(self):
        return iter(self._ids())

    def __contains__(self, pid) -> bool:
        return pid in self._ids()

    def index(self, pid, *bounds) -> int:
        return self._ids().index(pid, *bounds)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"PackedIds({self._ids()!r})"


def _packed(record: dict) -> dict:
    """A units.json object as it is decoded, its paragraph ids packed at once (so the
    strings freed are reused by the next record's, not left scattered)."""
    ids = record.get("paragraphs")
    if isinstance(ids, list) and all(isinstance(i, str) for i in ids):
        record["paragraphs"] = PackedIds(ids)
    return record


def _units(index_dir: Path, units_file: str) -> dict[str, dict]:
    """The unit records of ``units_file`` (units.json) by id; none when it is missing."""
    path = Path(index_dir) / units_file
    records = json.loads(path.read_text(encoding="utf-8"), object_hook=_packed) if path.exists() else []
    return {record["id"]: record for record in records}
