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
from dataclasses import asdict
from pathlib import Path

from whoosh import index as whoosh_index

from index import publish
from index.cache import AnalysisCache
from index.lineage_file import write_links
from index.model import Document, Paragraph, Unit
from index.progress import Phases
from search.store.schema import SCHEMA_VERSION, STAMP_FILE, UNITS_FILE, build_schema


class EmptyBuild(ValueError):
    """A build that would publish no paragraphs, or fewer documents than it was given."""


def write_index(documents: list[Document], index_dir: Path, allow_empty: bool = False,
                wait: bool = True, phases: Phases | None = None, processes: int | None = None,
                cache: AnalysisCache | None = None, batch: int | None = None) -> int:
    """Publish the index of ``documents`` as ``index_dir``'s new generation; return its paragraphs.

    Refuses (EmptyBuild) to publish an index with no paragraphs unless ``allow_empty``;
    waits for another build's lock, or raises IndexBusy when not ``wait``. Segmentation
    and writing run on ``processes`` workers (default: every core), one batch of about
    ``batch`` paragraphs at a time (see :func:`_write_segments`); ``phases`` reports progress.
    With a ``cache`` (index/cache.py), a document it holds postings for is not segmented
    again, and the postings of the others are kept in it.
    """
    index_dir, phases = Path(index_dir), phases or Phases()
    with publish.writer_lock(index_dir, wait=wait):
        staging = publish.new_generation(index_dir)
        try:
            count, units, arrays = _write_segments(documents, staging, phases, processes, cache,
                                                   batch)
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


BATCH_MIN, BATCH_MAX = 2_000, 20_000  # paragraphs per batch (one segment, one array part)


def _write_segments(documents: list[Document], directory: Path, phases: Phases,
                    processes: int | None = None, cache: AnalysisCache | None = None,
                    batch: int | None = None) -> tuple[int, list[dict], "ArrayParts"]:
    """Write every paragraph into a new index in ``directory``; (count, unit records, parts).

    The corpus is cut into batches of whole documents of about ``batch`` paragraphs (by
    default a quarter of each worker's share, within BATCH_MIN … BATCH_MAX), in docnum
    order; each worker writes a batch's segment and array part (index/batch.py). The
    table of contents then lists the segments in batch order, unmerged; the parts'
    ``finish`` joins the arrays once the segments are committed.
    """
    from index.batch import write_batch
    from index.pool import default_processes, ordered_map
    from index.segment import SERIAL_BELOW

    whoosh_index.create_in(str(directory), build_schema()).close()
    units = [unit_record(doc, unit) for doc in documents for unit in doc.units]
    total = sum(len(unit["paragraphs"]) for unit in units)
    workers = processes or default_processes()
    if total < SERIAL_BELOW:
        workers = 1  # a pool costs more than it saves
    size = batch or min(BATCH_MAX, max(BATCH_MIN, -(-total // (4 * workers))))
    written = []
    with phases.phase("segmentation", total=total, unit="paragraphs") as bar:
        tasks = _batches(documents, directory, size, cache)
        for result in ordered_map(write_batch, tasks, workers, fresh=True, ahead=workers + 1):
            written.append(result)
            if cache is not None:
                cache.reused += result.reused
                cache.used |= result.used
            phases.workers.add(result.cpu, result.peak_rss_kib)
            bar.advance(result.paragraphs)
    with phases.phase("writing", total=total, unit="paragraphs") as bar:
        _commit_segments(directory, [w.segment for w in written if w.segment is not None])
        bar.advance(total)
    return total, units, ArrayParts([w.part for w in written])


class ArrayParts:
    """The array parts of a build's batches; ``finish`` joins them beside the segments."""

    def __init__(self, parts: list[Path]) -> None:
        self.parts = parts

    def finish(self, index_dir: Path) -> int:
        """Write the arrays of the committed index in ``index_dir``; remove the parts."""
        from index.batch import PARTS_DIR
        from search.store.array_merge import merge_parts

        count = merge_parts(self.parts, index_dir)
        shutil.rmtree(Path(index_dir) / PARTS_DIR, ignore_errors=True)
        return count


def _commit_segments(directory: Path, segments: list) -> None:
    """Publish ``segments`` (in docnum order) as the staging index's next generation, as
    they are: no merge, no optimize. Files of no listed segment are removed."""
    from whoosh.index import TOC, clean_files

    ix = whoosh_index.open_dir(str(directory))
    toc = ix._read_toc()
    generation = toc.generation + 1
    TOC(toc.schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)
    ix.close()
    # The writers' temporary folder (unused by the compact pool, shared by the batches).
    shutil.rmtree(directory / f"{ix.indexname}.tmp", ignore_errors=True)


def _batches(documents: list[Document], staging: Path, size: int,
             cache: AnalysisCache | None) -> Iterator["Batch"]:
    """The batches of whole documents, about ``size`` paragraphs each, in docnum order."""
    from index.batch import Batch

    keys = cache.keys if cache is not None and cache.enabled else {}
    cache_dir = cache.directory.parent if keys else None
    rows = _rows(documents)
    batch = Batch(0, staging, [], [], cache_dir)
    for doc in documents:
        count = sum(len(unit.paragraphs) for unit in doc.units)
        batch.rows.extend(next(rows) for _ in range(count))
        key = keys.get(doc.name)
        batch.documents.append((doc.name, count, key))
        if key is not None and cache.has_postings(key):
            batch.cached |= {doc.name}
        if len(batch.rows) >= size:
            yield batch
            batch = Batch(batch.number + 1, staging, [], [], cache_dir)
    if batch.rows or batch.number == 0:
        yield batch


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
