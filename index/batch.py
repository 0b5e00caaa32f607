"""One batch of a build: analyse its paragraphs, write its Whoosh segment and its array part.

A build cuts the corpus into batches of whole documents, in docnum order, and hands each
to a worker process (index/write.py). The worker does everything a batch needs on its own
core: segmentation (or the postings the build cache kept for a document), Whoosh's
``add_document`` and commit of the batch's segment into the staging generation's storage,
and the batch's arrays (search/store/array_writer.py) as a *part* beside it. Nothing of the
batch comes back to the parent but the segment's description, so the parent stays small
and the serial part of a build is the last step: one table of contents naming every
segment (no merge) and the join of the parts (search/store/array_merge.py).

Workers write into one storage without its lock, as Whoosh's own multi-process writer
does: each segment has its own random name, and only the parent writes the table of
contents. Docnums are global once the table lists the segments in batch order.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from index.cache import AnalysisCache
from index.postings import install
from index.segment import TEXT_FIELDS, analyse
from search.store.array_writer import ArrayBuilder
from search.store.array_merge import write_part_meta
from search.store.preanalysed import PreAnalysed

PARTS_DIR = "parts"  # in the staging generation, removed once the arrays are joined


@dataclass
class Batch:
    """What a worker needs for one batch: its rows and, per document, where postings are."""

    number: int
    staging: Path
    rows: list[dict]  # the paragraphs' field values (index/write.py paragraph_fields)
    documents: list[tuple[str, int, str | None]]  # (name, paragraphs, cache key or None)
    cache_dir: Path | None = None  # the index directory whose cache/ to read and fill
    cached: frozenset[str] = frozenset()  # documents the cache holds postings for


@dataclass
class Written:
    """What a worker hands back: the batch's segment (None if empty) and its array part."""

    number: int
    paragraphs: int
    segment: object | None
    part: Path
    reused: int = 0  # paragraphs whose postings came from the cache
    used: set[str] = field(default_factory=set)  # cache keys read or written
    cpu: float = 0.0  # CPU seconds the batch took
    peak_rss_kib: int = 0  # the writing process's peak resident memory so far


def write_batch(batch: Batch) -> Written:
    """Analyse ``batch``, write its segment into the staging storage and its array part."""
    began = time.process_time()
    postings, reused, used = _postings(batch)
    part = Path(batch.staging) / PARTS_DIR / f"{batch.number:06d}"
    part.mkdir(parents=True)
    ix = FileStorage(str(batch.staging)).open_index()
    writer = SegmentWriter(ix, _lk=False)  # the parent holds the build's lock
    install(writer)
    arrays = ArrayBuilder(ix.schema)
    try:
        for docnum, (row, found) in enumerate(zip(batch.rows, postings, strict=True)):
            for name in TEXT_FIELDS:
                row[name] = PreAnalysed(row[name], found[name], found["tokens"][name],
                                        found["norm_length"])
            arrays.add(docnum, row)
            writer.add_document(**row)
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
    except BaseException:
        writer._close_segment()
        raise
    finally:
        ix.close()
    write_part_meta(part, len(batch.rows), arrays.save(part))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Written(batch.number, len(batch.rows), segment, part, reused, used,
                   time.process_time() - began, peak)


def _postings(batch: Batch) -> tuple[list[dict], int, set[str]]:
    """Every paragraph's postings in order: from the cache where it holds them, else analysed
    (and then kept in the cache when the document has a key). An entry that proves
    unreadable is analysed again."""
    cache = AnalysisCache(batch.cache_dir) if batch.cache_dir is not None else None
    found, reused, start = [], 0, 0
    for name, count, key in batch.documents:
        texts = [row["text"] for row in batch.rows[start:start + count]]
        start += count
        stored = cache.postings(key, count) if cache and key and name in batch.cached else None
        if stored is not None:
            reused += count
        else:
            stored = [analyse(text) for text in texts]
            if cache and key:
                cache.put_postings(key, stored)
        found.extend(stored)
    return found, reused, cache.used if cache else set()
