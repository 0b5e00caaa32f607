"""Wire the stages: read → clean → structure → tag for each file, then write the index."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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

    def summary(self) -> str:
        """One line for a log or a terminal."""
        line = (f"indexed {self.paragraphs} paragraphs in {self.units} units from "
                f"{self.documents} documents into {self.index_dir}")
        if self.problems:
            line += f"; skipped {len(self.problems)} file(s): " + "; ".join(p.message for p in self.problems)
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
                 processes: int | None = None) -> tuple[list[Document], list[Problem]]:
    """Parse every file of a corpus; unusable ones become Problems, the rest still parse.

    A file is skipped when it cannot be read or parsed, when it is a link leading out of
    the corpus folder, or when it repeats ids an earlier file (in name order) already gave.
    Files are parsed on ``processes`` workers (default: every core) and taken in name order.
    """
    corpus_dir, phases = Path(corpus_dir), phases or Phases()
    files = corpus_files(corpus_dir)
    manifest, problems = _manifest_or_problem(corpus_dir)
    documents: list[Document] = []
    owners: dict[str, str] = {}  # paragraph and unit ids → the file that gave them
    processes = 1 if len(files) < PARSE_SERIAL_BELOW else processes or default_processes()
    with phases.phase("parsing", total=len(files), unit="files") as bar:
        jobs = ((path, corpus_dir, manifest.get(path.name)) for path in files)
        for parsed in ordered_map(_parse_one, jobs, processes):
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
          allow_empty: bool = False, wait: bool = True, processes: int | None = None) -> BuildReport:
    """Parse the corpus and publish a new generation; skipped files are listed in the report.

    Holds the writer lock from the start (waiting for it, or IndexBusy when not ``wait``);
    EmptyBuild when nothing would be published and not ``allow_empty``. Parsing and
    segmentation run on ``processes`` worker processes (default: every core).
    """
    from index.publish import writer_lock
    from index.write import EmptyBuild, write_index  # the writer pulls in Whoosh; parsing alone does not

    phases = phases or Phases()
    with writer_lock(index_dir, wait=wait):
        documents, problems = parse_corpus(corpus_dir, phases, processes)
        try:
            written = write_index(documents, Path(index_dir), allow_empty=allow_empty,
                                  phases=phases, processes=processes)
        except EmptyBuild as exc:
            if documents:
                raise
            error = EmptyBuild(f"no usable document in {corpus_dir} ({len(problems)} file(s) "
                               f"skipped): {exc}")
            error.problems = problems
            raise error from None
    return BuildReport(
        documents=len(documents),
        units=sum(len(d.units) for d in documents),
        paragraphs=written,
        problems=problems,
        index_dir=str(index_dir),
        notices=[notice for doc in documents for notice in doc.notices],
        phases=phases,
    )
