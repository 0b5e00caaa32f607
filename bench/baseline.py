"""The baseline Concord is measured against: the plain Whoosh + jieba tutorial setup.

Deliberately what a typical tutorial builds, without Concord's improvements:
``jieba.analyse.ChineseAnalyzer()`` as is (jieba's own dictionary, no UN user words,
no traditional → simplified folding), one stored text field and the facet fields as
ID/KEYWORD, queries through Whoosh's ``QueryParser``, facet counts through
``sorting.FieldFacet`` and snippets through Whoosh's highlighter. It indexes the same
parsed paragraphs as Concord, so both index the same text.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from whoosh import fields, index, sorting
from whoosh import query as Q
from whoosh.qparser import QueryParser

from index.model import Document

# Counted for every query, like the three facets a results page shows first.
COUNTED_FACETS = ("theme", "verb", "session")
FILTER_FACETS = ("theme", "verb", "session", "body", "kind", "lang")
TOP = 10  # results highlighted per query, as on one Concord page


def chinese_analyzer():
    """jieba's Whoosh analyzer, as the tutorials use it (imported late: it loads jieba)."""
    import jieba
    from jieba.analyse import ChineseAnalyzer

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are noise here
    return ChineseAnalyzer()


def baseline_schema() -> fields.Schema:
    """Paragraph text (stored, jieba-analysed) plus the facet fields."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=chinese_analyzer(), stored=True),
        theme=fields.KEYWORD(commas=True),
        verb=fields.ID(),
        session=fields.ID(),
        body=fields.ID(),
        kind=fields.ID(),
        lang=fields.ID(),
    )


def paragraph_rows(documents: list[Document]):
    """One field dict per paragraph, facet values as Concord's index stores them."""
    for doc in documents:
        for unit in doc.units:
            for para in unit.paragraphs:
                yield {
                    "id": para.id,
                    "text": para.text,
                    "theme": ",".join(para.themes),
                    "verb": para.verb.key if para.verb else "",
                    "session": doc.session or "",
                    "body": unit.body or doc.body or "",
                    "kind": para.kind,
                    "lang": para.lang or doc.lang,
                }


def build_baseline(documents: list[Document], index_dir: str | Path) -> int:
    """Write a fresh baseline index of ``documents`` into ``index_dir``; return its size."""
    index_dir = Path(index_dir)
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer()
    count = 0
    for row in paragraph_rows(documents):
        writer.add_document(**row)
        count += 1
    writer.commit()
    ix.close()
    return count


class BaselineSearcher:
    """One open baseline index; ``search`` does what one results page needs."""

    def __init__(self, index_dir: str | Path):
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)
        self.facets = {name: sorting.FieldFacet(name, allow_overlap=(name == "theme"))
                       for name in COUNTED_FACETS}

    def search(self, q: str, filters: dict[str, list[str]] | None = None) -> dict:
        """Total hits, three facet counts over all hits, highlighted snippets of the top 10."""
        query = self.parser.parse(q) if q.strip() else Q.Every()
        results = self.searcher.search(query, limit=TOP, filter=filter_query(filters),
                                       groupedby=self.facets, maptype=sorting.Count)
        return {
            "total": len(results),
            "facets": {name: _text_keys(results.groups(name)) for name in COUNTED_FACETS},
            # With groupedby, Whoosh scores every hit whatever the limit: take the top 10.
            "results": [{"id": hit["id"], "snippet": hit.highlights("text")}
                        for hit in results[:TOP]],
        }

    def close(self) -> None:
        """Close the searcher and the index."""
        self.searcher.close()
        self.ix.close()


def filter_query(filters: dict[str, list[str]] | None) -> Q.Query | None:
    """OR within a facet, AND across facets: the same semantics as Concord's filters."""
    parts = []
    for facet, values in (filters or {}).items():
        if facet not in FILTER_FACETS:
            raise ValueError(f"unknown filter facet {facet!r}")
        terms = [Q.Term(facet, value) for value in values]
        parts.append(terms[0] if len(terms) == 1 else Q.Or(terms))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _text_keys(counts: dict) -> dict[str, int]:
    """Facet counts keyed by text (Whoosh may hand back bytes); no-value keys dropped."""
    keyed = {}
    for key, n in counts.items():
        if key is None:  # paragraphs without a value for the facet (no theme, no verb)
            continue
        key = key.decode("utf-8") if isinstance(key, bytes) else str(key)
        if key:
            keyed[key] = keyed.get(key, 0) + n
    return keyed
