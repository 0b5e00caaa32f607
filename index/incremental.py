"""Add one document to the index, or take one out, without parsing and segmenting the rest.

The index mirrors the corpus folder, so both change the folder and publish a new
generation from it, under the writer lock:

- ``add(FILE)`` copies FILE into the corpus folder and builds. Every other file is read
  back from the build cache (index/cache.py): only FILE is parsed and segmented. Linking,
  lineage and writing run over the whole corpus, so citations into and out of FILE and its
  place in the lineage are exactly those a full build gives. If FILE cannot be used, or
  would push an indexed file out (repeating its ids), nothing is published and the copy is
  removed again.
- ``remove(DOCUMENT)`` moves the document's file (named by file name, stem, document
  symbol, or the id or symbol of one of its units) into ``<corpus>/removed/``, keeping it,
  and builds from the rest, all of them from the cache. A build that would publish nothing
  (the last document) is refused unless ``allow_empty``, and the file is moved back.

What stays proportional to the corpus is the writing: the Whoosh segments (one per batch,
written on every core) and the arrays are written whole for each generation
(bench/README.md has the times).
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

from index.build import BuildReport, CorpusError, Refused, build
from index.progress import Phases
from index.publish import writer_lock
from search.store.schema import STAMP_FILE, UNITS_FILE

REMOVED = "removed"  # the corpus subfolder that keeps removed files (never indexed)


def add(file: str | Path, corpus_dir: str | Path, index_dir: str | Path,
        phases: Phases | None = None, wait: bool = True, processes: int | None = None) -> BuildReport:
    """Copy ``file`` into the corpus folder and publish the index with it; Refused if unusable."""
    source, corpus_dir = Path(file), Path(corpus_dir)
    if not source.is_file():
        raise CorpusError(f"{source}: no such file")
    if source.suffix != ".txt":
        raise Refused(f"{source.name}: corpus documents are .txt files; not added")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    target = corpus_dir / source.name
    with writer_lock(index_dir, wait=wait):
        copied = _place(source, target)
        before = set(indexed_files(index_dir))
        try:
            return build(corpus_dir, index_dir, phases=phases, wait=wait, processes=processes,
                         require=source.name, keep=before - {source.name})
        except BaseException:
            if copied:
                target.unlink(missing_ok=True)
            raise


def _place(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` atomically; False when it is already there, Refused if clashing."""
    if target.exists():
        if source.resolve() == target.resolve() or target.read_bytes() == source.read_bytes():
            return False
        raise Refused(f"{target.name}: a different file of that name is already in the corpus "
                      f"folder; remove it first (concord remove {target.name}) or rename the new one")
    partial = target.with_name(f".{target.name}.{os.getpid()}.adding")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return True


def remove(document: str, corpus_dir: str | Path, index_dir: str | Path, phases: Phases | None = None,
           wait: bool = True, processes: int | None = None, allow_empty: bool = False) -> tuple[BuildReport, Path | None]:
    """Move ``document``'s file out of the corpus and publish the index without it.

    Returns the report and where the file went (None when it had already left the folder).
    Refused when no indexed document answers to ``document``.
    """
    corpus_dir = Path(corpus_dir)
    with writer_lock(index_dir, wait=wait):
        name = resolve_document(document, index_dir)
        source = corpus_dir / name
        kept = _keep(source, corpus_dir / REMOVED) if source.exists() else None
        try:
            report = build(corpus_dir, index_dir, phases=phases, wait=wait, processes=processes,
                           allow_empty=allow_empty, keep=set(indexed_files(index_dir)) - {name})
        except BaseException:
            if kept is not None:
                os.replace(kept, source)
            raise
    return report, kept


def _keep(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` under a name not yet taken there; return the new path."""
    folder.mkdir(exist_ok=True)
    target, n = folder / source.name, 1
    while target.exists():
        n += 1
        target = folder / f"{source.stem}.{n}{source.suffix}"
    os.replace(source, target)
    return target


def indexed_files(index_dir: str | Path) -> list[str]:
    """The file names of the documents the live generation holds (none when there is none)."""
    from search.store.generation import IndexMissing, current

    try:
        stamp = json.loads((current(index_dir) / STAMP_FILE).read_text(encoding="utf-8"))
    except (IndexMissing, OSError, ValueError):
        return []
    return list(stamp.get("corpus", {}).get("files", []))


def resolve_document(document: str, index_dir: str | Path) -> str:
    """The file name of the indexed document ``document`` names; Refused with near names if none.

    Accepted: the file name (``001.txt``), its stem (``001``), the document's symbol
    (``A/RES/71/209``), or the id or symbol of one of its units (``A-RES-71-209``).
    """
    from search.store.generation import current

    files = indexed_files(index_dir)
    names: dict[str, str] = {}
    for name in files:
        names[name.casefold()] = names[Path(name).stem.casefold()] = name
    records = json.loads((current(index_dir) / UNITS_FILE).read_text(encoding="utf-8")) if files else []
    for unit in records:
        name = unit["document"]["name"]
        for label in (unit["document"].get("symbol"), unit.get("symbol"), unit["id"]):
            if label:
                names.setdefault(label.casefold(), name)
    wanted = document.strip().casefold()
    if wanted in names:
        return names[wanted]
    near = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(sorted({names[k] for k in near}))}?" if near else ""
    raise Refused(f"{document}: no indexed document has this file name, symbol or unit id{hint}")
