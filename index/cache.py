"""What a build learnt about each file, kept for the next build: parse and segmentation.

Parsing a file and segmenting its paragraphs (jieba, in the pool) are nearly all of a
build's time, and both depend only on the file's bytes, its facts in ``manifest.toml``,
and the code and dictionary that do them. So each build keeps, per file, beside the
generations of the index::

    <index_dir>/cache/<key>.document   the parsed Document, before linking (pickle)
    <index_dir>/cache/<key>.postings   its paragraphs' postings, in paragraph order (marshal)

where ``key`` hashes the file's bytes, its manifest facts, the source of the ``index`` and
``search`` packages with their lexicon files, and the analysis stamp (dictionary
checksum). A later build, or ``concord add`` / ``concord remove``, parses and segments only
the files it has no entry for; linking, lineage and writing still run over the whole corpus,
so the index it publishes is the one a build from nothing would publish. Any change to the
code or dictionary changes every key: nothing stale is ever read back.

Entries are written to a temporary name and renamed, so a killed build leaves whole entries
or ``*.tmp`` litter, which the next build removes with the entries its corpus no longer uses.
An entry that cannot be read is a miss. The cache is an optimisation only: deleting
``cache/`` costs one full build's time, nothing else.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
from functools import lru_cache
from pathlib import Path

from index.model import Document

CACHE_DIR = "cache"
_SOURCES = ("index", "search")  # packages whose code decides what a build writes
_SUFFIXES = {".py", ".toml", ".tsv", ".txt"}


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A hash of the parsing and analysis code and data, and of the dictionary in use."""
    from search.analysis import analysis_stamp

    digest = hashlib.sha256(json.dumps(analysis_stamp(), sort_keys=True).encode())
    root = Path(__file__).resolve().parent.parent
    for package in _SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in _SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def file_key(name: str, data: bytes, facts: dict | None) -> str:
    """The cache key of one file: its name, bytes and manifest facts, and the code stamp."""
    digest = hashlib.sha256(code_stamp().encode())
    digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(json.dumps(facts or {}, sort_keys=True, default=str).encode())
    digest.update(data)
    return digest.hexdigest()[:40]


class AnalysisCache:
    """The per-file entries of one index directory (used under its writer lock)."""

    def __init__(self, index_dir: str | Path, enabled: bool = True) -> None:
        self.directory = Path(index_dir) / CACHE_DIR
        self.enabled = enabled
        self.used: set[str] = set()  # keys this build read or wrote
        self.keys: dict[str, str] = {}  # document name → its key, for this build's documents
        self.parsed_before: set[str] = set()  # keys whose document was read back, not parsed
        self.reused = 0  # paragraphs whose postings came from the cache

    def _path(self, key: str, kind: str) -> Path:
        return self.directory / f"{key}.{kind}"

    def _read(self, key: str, kind: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            return self._path(key, kind).read_bytes()
        except OSError:
            return None

    def _write(self, key: str, kind: str, data: bytes) -> None:
        """Keep an entry; one that cannot be written (a full disk) is left out, never fatal."""
        if not self.enabled:
            return
        target = self._path(key, kind)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)
            return
        self.used.add(key)

    def document(self, key: str) -> Document | None:
        """The parsed document stored under ``key``, or None (missing or unreadable)."""
        data = self._read(key, "document")
        try:
            document = pickle.loads(data) if data is not None else None
        except Exception:  # noqa: BLE001 — a damaged entry is a miss, never a failed build
            document = None
        if not isinstance(document, Document):
            return None
        self.used.add(key)
        self.parsed_before.add(key)
        return document

    def put_document(self, key: str, document: Document) -> None:
        """Keep a freshly parsed (not yet linked) document."""
        self._write(key, "document", pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))

    def postings(self, key: str, paragraphs: int) -> list | None:
        """The postings of the ``paragraphs`` paragraphs of the file under ``key``, or None."""
        data = self._read(key, "postings")
        try:
            found = marshal.loads(data) if data is not None else None
        except (EOFError, ValueError, TypeError):
            found = None
        if not isinstance(found, list) or len(found) != paragraphs:
            return None
        self.used.add(key)
        return found

    def has_postings(self, key: str) -> bool:
        """Whether an entry of postings exists for ``key`` (it may still prove unreadable)."""
        return self.enabled and self._path(key, "postings").is_file()

    def put_postings(self, key: str, postings: list) -> None:
        """Keep the postings of one file's paragraphs (a list of field → postings dicts)."""
        self._write(key, "postings", marshal.dumps(postings))

    def prune(self) -> int:
        """Remove entries this build did not use and temporary litter; return how many."""
        if not self.enabled or not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.iterdir():
            key = path.name.split(".", 1)[0]
            if path.name.endswith(".tmp") or key not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
