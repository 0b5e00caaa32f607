"""Wire the stages: read → clean → structure → tag for each file, then write the index."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from index.cache import AnalysisCache, file_key
from index.cap import cap_paragraphs
from index.clean import clean
from index.link import link
from index.model import Document
from index.pool import default_processes, ordered_map
from index.progress import Phases
from index.read import ReadError, display_name, read
from index.structure import structure
from index.tag import citation_targets, tag

MANIFEST = "manifest.toml"
PARSE_SERIAL_BELOW = 32  # files: fewer than this parse faster than a pool starts


class CorpusError(RuntimeError):
    """The corpus folder itself cannot be used (missing, not a folder, unreadable)."""


@dataclass
class Problem:
    """A file that was skipped, and why (the message names the file)."""

    file: str
    message: str


@dataclass
class BuildReport:
    """What a build did: documents and paragraphs indexed, files skipped."""

    documents: int = 0
    units: int = 0
    paragraphs: int = 0
    problems: list[Problem] = field(default_factory=list)
    index_dir: str = ""
    notices: list[str] = field(default_factory=list)  # e.g. a paragraph indexed in pieces
    phases: Phases | None = None  # per-phase counts and timings
    parsed: int = 0  # documents parsed by this build (the others were read from its cache)
    reused: int = 0  # paragraphs whose segmentation came from the cache

    def summary(self) -> str:
        """One line for a log or a terminal."""
        line = (f"indexed {self.paragraphs} paragraphs in {self.units} units from "
                f"{self.documents} documents into {self.index_dir}")
        if self.problems:
            line += f"; skipped {len(self.problems)} file(s): " + "; ".join(p.message for p in self.problems)
        if self.parsed < self.documents or self.reused:
            line += (f" ({self.parsed} document(s) parsed and {self.paragraphs - self.reused} "
                     "paragraph(s) segmented anew; the rest came from the build cache)")
        return line


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """The corpus manifest: facts per file name that the texts do not print; ReadError if broken."""
    path = corpus_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReadError(f"{MANIFEST}: not readable as UTF-8 TOML ({exc})") from exc
    wrong = [name for name, facts in manifest.items() if not isinstance(facts, dict)]
    if wrong:
        raise ReadError(f"{MANIFEST}: entries must be tables of facts ([\"file.txt\"]), "
                        f"not {', '.join(wrong)}")
    return manifest


def _manifest_or_problem(corpus_dir: Path) -> tuple[dict[str, dict], list[Problem]]:
    """The manifest, or none and the problem (the documents still index without its facts)."""
    try:
        return load_manifest(corpus_dir), []
    except ReadError as exc:
        return {}, [Problem(MANIFEST, f"{exc}; indexed without the manifest's facts")]


def parse_file(path: str | Path, manifest: dict | None = None) -> Document:
    """Parse one corpus file into a tagged Document; ReadError when it cannot be used."""
    path = Path(path)
    doc = structure(clean(read(path)), manifest)
    if not any(unit.paragraphs for unit in doc.units):
        raise ReadError(f"{display_name(path)}: no recognisable resolution structure (no paragraphs found)")
    tag(doc)
    doc.notices += cap_paragraphs(doc)
    return doc


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files of a corpus directory, in name order; CorpusError if it is unusable."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} is not a folder")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix == ".txt")


def parse_corpus(corpus_dir: str | Path, phases: Phases | None = None,
                 processes: int | None = None,
                 cache: AnalysisCache | None = None) -> tuple[list[Document], list[Problem]]:
    """Parse every file of a corpus; unusable ones become Problems, the rest still parse.

    A file is skipped when it cannot be read or parsed, when it is a link leading out of
    the corpus folder, or when it repeats ids an earlier file (in name order) already gave.
    Files are parsed on ``processes`` workers (default: every core) and taken in name order.
    With a ``cache`` (index/cache.py), a file parsed by an earlier build is read back from
    it instead, and each document's cache key is recorded in ``cache.keys``.
    """
    corpus_dir, phases = Path(corpus_dir), phases or Phases()
    files = corpus_files(corpus_dir)
    manifest, problems = _manifest_or_problem(corpus_dir)
    documents: list[Document] = []
    owners: dict[str, str] = {}  # paragraph and unit ids → the file that gave them
    with phases.phase("parsing", total=len(files), unit="files") as bar:
        known, keys = _from_cache(files, corpus_dir, manifest, cache)
        todo = [path for path in files if path not in known]
        processes = 1 if len(todo) < PARSE_SERIAL_BELOW else processes or default_processes()
        jobs = ((path, corpus_dir, manifest.get(path.name)) for path in todo)
        fresh = ordered_map(_parse_one, jobs, processes)
        for path in files:
            parsed = known[path] if path in known else next(fresh)
            if path in keys and isinstance(parsed, Document):
                if path not in known:
                    cache.put_document(keys[path], parsed)  # before linking changes it
                cache.keys[parsed.name] = keys[path]
            if isinstance(parsed, Document):
                try:
                    _claim_ids(parsed, owners)
                except ReadError as exc:
                    parsed = Problem(parsed.name, str(exc))
            (problems if isinstance(parsed, Problem) else documents).append(parsed)
            bar.advance()
    with phases.phase("linking", total=len(documents), unit="documents") as bar:
        link_citations(documents)
        bar.advance(len(documents))
    with phases.phase("lineage", total=len(documents), unit="documents") as bar:
        link(documents, manifest)  # lineage (issue 9): the same language across units
        bar.advance(len(documents))
    return documents, problems


def _from_cache(files: list[Path], corpus_dir: Path, manifest: dict,
                cache: AnalysisCache | None) -> tuple[dict[Path, Document | Problem], dict[Path, str]]:
    """The files an earlier build parsed (read back from ``cache``) and every file's key.

    A file that cannot be read here, or a link leaving the corpus, is left to the parse,
    which names the problem.
    """
    known: dict[Path, Document | Problem] = {}
    keys: dict[Path, str] = {}
    if cache is None:
        return known, keys
    for path in files:
        try:
            _inside(path, corpus_dir)
            data = path.read_bytes()
        except (ReadError, OSError):
            continue
        keys[path] = file_key(path.name, data, manifest.get(path.name))
        document = cache.document(keys[path])
        if document is not None:
            known[path] = document
    return known, keys


def _parse_one(job: tuple[Path, Path, dict | None]) -> Document | Problem:
    """Parse one file (in a worker); a file that cannot be used becomes a Problem."""
    path, corpus_dir, facts = job
    try:
        _inside(path, corpus_dir)
        return parse_file(path, facts)
    except ReadError as exc:
        return Problem(display_name(path), str(exc))
    except Exception as exc:  # noqa: BLE001 — one strange file must not stop the others
        name = display_name(path)
        return Problem(name, f"{name}: could not be parsed ({type(exc).__name__}: {exc})")


def _inside(path: Path, corpus_dir: Path) -> None:
    """ReadError unless ``path`` (links followed) lies inside the corpus folder."""
    if not path.resolve().is_relative_to(corpus_dir.resolve()):
        raise ReadError(f"{display_name(path)}: a link to a file outside the corpus folder; "
                        "not followed")


def _claim_ids(doc: Document, owners: dict[str, str]) -> None:
    """Record the ids ``doc`` gives; ReadError if it repeats its own or an earlier file's."""
    ids = [unit.id for unit in doc.units] + [p.id for unit in doc.units for p in unit.paragraphs]
    taken = [i for i in ids if i in owners]
    if taken:
        raise ReadError(f"{doc.name}: {len(taken)} id(s) already indexed from {owners[taken[0]]} "
                        f"(e.g. {taken[0]}); a copy of that file? skipped")
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ReadError(f"{doc.name}: gives id {repeated[0]} more than once; skipped")
    owners.update((i, doc.name) for i in ids)


def link_citations(documents: list[Document]) -> None:
    """Point each paragraph's citations at corpus units where the cited resolution is indexed."""
    targets = citation_targets(documents)
    for doc in documents:
        for unit in doc.units:
            for para in unit.paragraphs:
                para.cite_units = {c: targets[c] for c in para.cites if c in targets and targets[c] != unit.id}


def build(corpus_dir: str | Path, index_dir: str | Path, phases: Phases | None = None,
          allow_empty: bool = False, wait: bool = True, processes: int | None = None,
          use_cache: bool = True, require: str | None = None,
          keep: set[str] = frozenset()) -> BuildReport:
    """Parse the corpus and publish a new generation; skipped files are listed in the report.

    Holds the writer lock from the start (waiting for it, or IndexBusy when not ``wait``);
    EmptyBuild when nothing would be published and not ``allow_empty``. Parsing and
    segmentation run on ``processes`` worker processes (default: every core), and only for
    the files the index's cache (index/cache.py) does not already hold, unless not
    ``use_cache``. With ``require`` (a file name), a build where that file is skipped
    raises Refused and publishes nothing, and likewise if a file of ``keep`` (names the
    live index holds) is skipped (``concord add`` and ``concord remove``).
    """
    from index.publish import writer_lock
    from index.write import EmptyBuild, write_index  # the writer pulls in Whoosh; parsing alone does not

    phases = phases or Phases()
    with writer_lock(index_dir, wait=wait):
        cache = AnalysisCache(index_dir, enabled=use_cache)
        documents, problems = parse_corpus(corpus_dir, phases, processes, cache)
        _check_required(require, keep, problems)
        try:
            written = write_index(documents, Path(index_dir), allow_empty=allow_empty,
                                  phases=phases, processes=processes, cache=cache)
        except EmptyBuild as exc:
            if documents:
                raise
            error = EmptyBuild(f"no usable document in {corpus_dir} ({len(problems)} file(s) "
                               f"skipped): {exc}")
            error.problems = problems
            raise error from None
        cache.prune()
    return BuildReport(
        documents=len(documents),
        units=sum(len(d.units) for d in documents),
        paragraphs=written,
        problems=problems,
        index_dir=str(index_dir),
        notices=[notice for doc in documents for notice in doc.notices],
        phases=phases,
        parsed=len(documents) - len(cache.parsed_before),
        reused=cache.reused,
    )


class Refused(ValueError):
    """A build that would not hold a document it was asked to add; nothing was published."""


def _check_required(name: str | None, keep: set[str], problems: list[Problem]) -> None:
    """Raise Refused when the required file, or one that must stay, is among the skipped ones."""
    for problem in problems:
        if name is not None and problem.file == name:
            raise Refused(f"{problem.message}; nothing was published")
        if problem.file in keep:
            raise Refused(f"{problem.message}; {problem.file} is in the live index, so nothing "
                          "was published")
