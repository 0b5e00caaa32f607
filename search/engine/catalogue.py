"""What the engine keeps in memory: stored paragraphs by docnum, units, id lookups.

The corpus is a few thousand paragraphs, so reading every stored field once at open
time makes facet counts, sorting and paragraph look-ups plain list operations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from search.analysis import normalize
from search.facets import Labels, facet_keys
from search.store.array_writer import date_number  # one rule for both executors
from search.store.schema import FACETS


@dataclass
class Catalogue:
    """Stored paragraphs (by docnum), facet keys, units and id maps of one index."""

    docs: list[dict]
    columns: dict[str, list[tuple]]  # facet → keys of each docnum
    by_id: dict[str, int]
    units: dict[str, dict]
    date_rank: list[int]
    doc_order: list[int]
    vocabulary: tuple[str, ...]  # Latin terms of the text field, for "did you mean"
    substring_scores: dict = field(default_factory=dict)  # see search.engine.rewrite
    unit_list: list[dict] | None = None  # Engine.units(), built on first use
    all_counts: dict[str, list[dict]] | None = None  # Engine.facet_values(), likewise
    filter_docs: dict[str, set[int]] = field(default_factory=dict)  # by filter query
    # Paragraphs holding each term of the text field (dictionary fallback, "did you mean").
    frequencies: dict[str, int] = field(default_factory=dict)
    # Each text as the analyzer normalises it: the Whoosh reference's substring scores and
    # the lone-character check need them all, highlighting only the shown ones; made on
    # first use (OpenCC over every text is most of an opening otherwise).
    _normalized: list[str] | None = None

    @property
    def normalized(self) -> list[str]:
        """Every text as the analyzer normalises it, by docnum."""
        if self._normalized is None:
            self._normalized = [normalize(d.get("text", "")) for d in self.docs]
        return self._normalized

    def aligned(self, docnum: int) -> str | None:
        """The normalised text when it aligns with the stored one (same length), else None."""
        stored = self.docs[docnum].get("text", "")
        text = self.normalized[docnum] if self._normalized is not None else normalize(stored)
        return text if len(text) == len(stored) else None

    @property
    def characters(self) -> frozenset[str]:
        """Every character of the text field's terms (is a lone character in the text?).

        The terms are the normalised text cut into words, so every Chinese character of
        every paragraph is in one of them; reading them is far cheaper than every text.
        """
        if not hasattr(self, "_characters"):
            self._characters = frozenset("".join(self.frequencies))
        return self._characters

    @property
    def average_length(self) -> float:
        """Mean length of the normalised texts."""
        if not hasattr(self, "_average"):
            self._average = sum(map(len, self.normalized)) / max(len(self.normalized), 1)
        return self._average

    @classmethod
    def load(cls, reader, index_dir: Path, units_file: str) -> "Catalogue":
        """Read every stored paragraph from ``reader`` and the unit records."""
        size = reader.doc_count_all()
        docs: list[dict] = [{} for _ in range(size)]
        for docnum, stored in reader.iter_docs():
            docs[docnum] = stored
        columns = {f: [tuple(facet_keys(d, f)) for d in docs] for f in FACETS + ("unit",)}
        by_id = {d["id"]: n for n, d in enumerate(docs) if d}
        path = Path(index_dir) / units_file
        records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        units = {record["id"]: record for record in records}
        date_rank = [date_number(d.get("date", ""), d.get("year")) for d in docs]
        vocabulary = tuple(term for term in reader.field_terms("text")
                           if isinstance(term, str) and term.isascii() and term.isalpha())
        doc_order = [d.get("doc_order", n) for n, d in enumerate(docs)]
        frequencies = {term.decode("utf-8") if isinstance(term, bytes) else term:
                       info.doc_frequency() for term, info in reader.iter_field("text")}
        return cls(docs, columns, by_id, units, date_rank, doc_order, vocabulary,
                   frequencies=frequencies)

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
            "themes": [labels("theme", key) for key in self.columns["theme"][docnum]],
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

