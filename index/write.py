"""Write parsed documents into a Whoosh index, atomically.

The index is built in a fresh directory beside the target and swapped in only once
complete, so a failed build leaves the previous index untouched. Beside the segments
it writes ``units.json`` (what the unit view needs) and ``stamp.json`` (analysis stamp
and corpus summary, compared by the engine at open time).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from whoosh import index as whoosh_index

from index.lineage_file import write_links
from index.model import Document, Paragraph, Unit
from search.store.schema import SCHEMA_VERSION, STAMP_FILE, UNITS_FILE, build_schema


def write_index(documents: list[Document], index_dir: Path) -> int:
    """Build the index of ``documents`` into ``index_dir``; return the paragraphs written."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.new-", dir=index_dir.parent))
    try:
        count, units = _write_segments(documents, staging)
        _write_json(staging / UNITS_FILE, units)
        write_links(documents, staging)  # lineage (issue 9): links.json, see index.lineage_file
        _write_json(staging / STAMP_FILE, corpus_stamp(documents, count))
        _swap_in(staging, index_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


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


def _write_segments(documents: list[Document], directory: Path) -> tuple[int, list[dict]]:
    """Add every paragraph to a new index in ``directory``; return (count, unit records)."""
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = ix.writer()
    count = 0
    units: list[dict] = []
    seen: set[str] = set()
    try:
        for doc in documents:
            for unit in doc.units:
                units.append(unit_record(doc, unit))
                for para in unit.paragraphs:
                    if para.id in seen:
                        raise ValueError(f"duplicate paragraph id {para.id!r} in {doc.name}")
                    seen.add(para.id)
                    writer.add_document(**paragraph_fields(doc, unit, para, count))
                    count += 1
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit(optimize=True)
    ix.close()
    return count, units


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


def _swap_in(staging: Path, index_dir: Path) -> None:
    """Replace ``index_dir`` by ``staging``; on failure restore the previous index."""
    if not index_dir.exists():
        os.replace(staging, index_dir)
        return
    # Two renames: POSIX cannot atomically replace a non-empty directory. A reader that
    # opens in the gap sees no index (IndexMissing) rather than a half-written one.
    retired = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.old-", dir=index_dir.parent))
    retired.rmdir()
    os.replace(index_dir, retired)
    try:
        os.replace(staging, index_dir)
    except BaseException:
        os.replace(retired, index_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
