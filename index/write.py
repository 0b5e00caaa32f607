"""Write parsed documents into a new generation of a Whoosh index and publish it.

Under the writer lock, the index is built into a fresh generation beside the live one and
published only once complete (``index/publish.py`` describes the layout), so a failed or
killed build leaves the live index untouched. Beside the segments it writes ``units.json``
(what the unit view needs) and ``stamp.json`` (analysis stamp and corpus summary, compared
by the engine at open time).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

from whoosh import index as whoosh_index

from index import publish
from index.cache import AnalysisCache
from index.lineage_file import write_links
from index.model import Document, Paragraph, Unit
from index.progress import Phases
from search.store.array_writer import ArrayBuilder
from search.store.preanalysed import PreAnalysed
from search.store.schema import SCHEMA_VERSION, STAMP_FILE, UNITS_FILE, build_schema


class EmptyBuild(ValueError):
    """A build that would publish no paragraphs, or fewer documents than it was given."""


def write_index(documents: list[Document], index_dir: Path, allow_empty: bool = False,
                wait: bool = True, phases: Phases | None = None, processes: int | None = None,
                cache: AnalysisCache | None = None) -> int:
    """Publish the index of ``documents`` as ``index_dir``'s new generation; return its paragraphs.

    Refuses (EmptyBuild) to publish an index with no paragraphs unless ``allow_empty``;
    waits for another build's lock, or raises IndexBusy when not ``wait``. Segmentation
    runs on ``processes`` workers (default: every core); ``phases`` reports progress.
    With a ``cache`` (index/cache.py), a document it holds postings for is not segmented
    again, and the postings of the others are kept in it.
    """
    index_dir, phases = Path(index_dir), phases or Phases()
    with publish.writer_lock(index_dir, wait=wait):
        staging = publish.new_generation(index_dir)
        try:
            count, units, arrays = _write_segments(documents, staging, phases, processes, cache)
            _refuse_short(documents, units, count, allow_empty)
            with phases.phase("arrays", total=count, unit="paragraphs") as bar:
                # Beside the committed segments (search.store.arrays), published with them.
                arrays.finish(staging)
                bar.advance(count)
            _write_json(staging / UNITS_FILE, units)
            with phases.phase("lineage", total=len(documents), unit="documents") as bar:
                write_links(documents, staging)  # issue 9: links.json, see index.lineage_file
                bar.advance(len(documents))
            _write_json(staging / STAMP_FILE, corpus_stamp(documents, count))
            with phases.phase("commit", total=1, unit="generations") as bar:
                publish.publish(index_dir, staging)
                bar.advance()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return count


def _refuse_short(documents: list[Document], units: list[dict], count: int, allow_empty: bool) -> None:
    """Raise EmptyBuild when the index would hold nothing, or lose a document it was given."""
    if allow_empty:
        return
    if count == 0:
        raise EmptyBuild("refusing to publish an index with no paragraphs; the live index is "
                         "unchanged (--allow-empty publishes it anyway)")
    written = {unit["document"]["name"] for unit in units if unit["paragraphs"]}
    missing = [doc.name for doc in documents if doc.name not in written]
    if missing:
        raise EmptyBuild(f"refusing to publish: {len(missing)} of {len(documents)} usable "
                         f"document(s) gave no paragraphs ({', '.join(missing)}); the live "
                         "index is unchanged (--allow-empty publishes it anyway)")


def corpus_stamp(documents: list[Document], paragraphs: int) -> dict:
    """The stamp stored with an index: analysis stamp, schema version, corpus summary."""
    from search.analysis import analysis_stamp

    return {
        "analysis": analysis_stamp(),
        "schema": SCHEMA_VERSION,
        "corpus": {
            "documents": len(documents),
            "units": sum(len(doc.units) for doc in documents),
            "paragraphs": paragraphs,
            "files": [doc.name for doc in documents],
        },
    }


def _write_segments(documents: list[Document], directory: Path, phases: Phases,
                    processes: int | None = None,
                    cache: AnalysisCache | None = None) -> tuple[int, list[dict], ArrayBuilder]:
    """Add every paragraph to a new index in ``directory``; (count, unit records, arrays).

    The array builder gets the same worker postings as Whoosh, document by document; its
    ``finish`` saves them once the segment is committed.
    """
    from index.postings import install
    from index.segment import TEXT_FIELDS

    schema = build_schema()
    ix = whoosh_index.create_in(str(directory), schema)
    arrays = ArrayBuilder(schema)
    # One segment, fed by the analysing workers: no sub-writers, nothing to merge after,
    # and postings kept compactly in memory instead of pickled runs on disk.
    writer = ix.writer()
    install(writer)
    units = [unit_record(doc, unit) for doc in documents for unit in doc.units]
    total = sum(len(unit["paragraphs"]) for unit in units)
    try:
        with phases.phase("segmentation", total=total, unit="paragraphs") as bar, \
                closing(_postings(documents, processes, cache)) as analysed:
            for row, postings in zip(_rows(documents), analysed, strict=True):
                for name in TEXT_FIELDS:
                    row[name] = PreAnalysed(row[name], postings[name], postings["tokens"][name],
                                            postings["norm_length"])
                arrays.add(row["doc_order"], row)
                writer.add_document(**row)
                bar.advance()
        with phases.phase("writing", total=total, unit="paragraphs") as bar:
            writer.commit(merge=False)  # a fresh index: no older segments to merge or optimize
            bar.advance(total)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        ix.close()
        raise
    ix.close()
    return total, units, arrays


def _postings(documents: list[Document], processes: int | None,
              cache: AnalysisCache | None) -> Iterator[dict]:
    """Every paragraph's postings in order: from ``cache`` where it has them, else analysed.

    Only the documents without an entry go to the pool (index/segment.py); their postings
    are then kept in the cache, one entry per document. An entry that turns out unreadable
    is analysed again on the spot.
    """
    from index.segment import analyse, analyse_all

    def paragraphs(doc: Document) -> list[Paragraph]:
        return [para for unit in doc.units for para in unit.paragraphs]

    keys = cache.keys if cache is not None else {}
    stored = {doc.name for doc in documents if doc.name in keys and cache.has_postings(keys[doc.name])}
    todo = [doc for doc in documents if doc.name not in stored]
    total = sum(len(paragraphs(doc)) for doc in todo)
    texts = (para.text for doc in todo for para in paragraphs(doc))
    with closing(analyse_all(texts, processes, total=total)) as fresh:
        for doc in documents:
            paras = paragraphs(doc)
            if doc.name in stored:
                found = cache.postings(keys[doc.name], len(paras))
                if found is None:
                    found = [analyse(para.text) for para in paras]
                    cache.put_postings(keys[doc.name], found)
                else:
                    cache.reused += len(paras)
            else:
                found = [next(fresh) for _ in paras]
                if doc.name in keys:
                    cache.put_postings(keys[doc.name], found)
            yield from found


def _rows(documents: list[Document]):
    """The field values of every paragraph in order; ValueError on a duplicate id."""
    seen: set[str] = set()
    count = 0
    for doc in documents:
        for unit in doc.units:
            for para in unit.paragraphs:
                if para.id in seen:
                    raise ValueError(f"duplicate paragraph id {para.id!r} in {doc.name}")
                seen.add(para.id)
                yield paragraph_fields(doc, unit, para, count)
                count += 1


def iter_paragraph_fields(documents: list[Document]):
    """The field values of every paragraph, in the order they were added (docnum order)."""
    count = 0
    for doc in documents:
        for unit in doc.units:
            for para in unit.paragraphs:
                yield paragraph_fields(doc, unit, para, count)
                count += 1


def paragraph_fields(doc: Document, unit: Unit, para: Paragraph, doc_order: int) -> dict:
    """The field values of one paragraph as the schema expects them."""
    date = unit.date or doc.date or ""
    return {
        "id": para.id,
        "unit": unit.id,
        "symbol": unit.symbol or doc.symbol or "",
        "kind": para.kind,
        "number": para.number,
        "sub": para.sub,
        "anchor": para.anchor,
        "lang": para.lang or doc.lang,
        "session": doc.session or "",
        "body": unit.body or doc.body or "",
        "verb": para.verb.key if para.verb else "",
        "verb_lead": para.verb.lead if para.verb else "",
        "theme": ",".join(para.themes),
        "change": para.change or "",  # lineage (issue 9): against the previous version
        "year": _year(doc, date),
        "date": date,
        "doc_order": doc_order,
        "order": para.order,
        "footnotes": [asdict(note) for note in para.footnotes],
        "cites": ",".join(para.cites),
        "cite_units": dict(para.cite_units),
        "text": para.text,
        "text_bigram": para.text,
    }


def unit_record(doc: Document, unit: Unit) -> dict:
    """Unit metadata for the unit view, with its paragraph ids in order."""
    return {
        "id": unit.id,
        "label": unit.label,
        "title": unit.title,
        "symbol": unit.symbol,  # its own; the document's is under "document"
        "acting_body": unit.acting_body,
        "status": unit.status,
        "body": unit.body or doc.body,
        "session": doc.session,
        "date": unit.date or doc.date,
        "year": _year(doc, unit.date or doc.date or ""),
        "kind": unit.kind,
        "lang": doc.lang,
        "document": {"name": doc.name, "symbol": doc.symbol, "title": doc.title,
                     "status": doc.status, "agenda_item": doc.agenda_item},
        "paragraphs": [para.id for para in unit.paragraphs],
    }


def _year(doc: Document, date: str) -> int:
    """The year of a paragraph: the document's, else the date's, else 0 (unknown)."""
    if doc.year:
        return int(doc.year)
    if len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return 0


def _write_json(path: Path, data) -> None:
    """Write ``data`` as UTF-8 JSON (kept readable: the files are small)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
