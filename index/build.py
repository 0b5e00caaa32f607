"""Wire the stages: read → clean → structure → tag for each file, then write the index."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.clean import clean
from index.link import link
from index.model import Document
from index.read import ReadError, read
from index.structure import structure
from index.tag import citation_targets, tag

MANIFEST = "manifest.toml"


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

    def summary(self) -> str:
        """One line for a log or a terminal."""
        line = (f"indexed {self.paragraphs} paragraphs in {self.units} units from "
                f"{self.documents} documents into {self.index_dir}")
        if self.problems:
            line += f"; skipped {len(self.problems)} file(s): " + "; ".join(p.message for p in self.problems)
        return line


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """The corpus manifest: facts per file name that the texts do not print."""
    path = corpus_dir / MANIFEST
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def parse_file(path: str | Path, manifest: dict | None = None) -> Document:
    """Parse one corpus file into a tagged Document; ReadError when it cannot be used."""
    path = Path(path)
    doc = structure(clean(read(path)), manifest)
    if not any(unit.paragraphs for unit in doc.units):
        raise ReadError(f"{path.name}: no recognisable resolution structure (no paragraphs found)")
    return tag(doc)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files of a corpus directory, in name order; CorpusError if it is unusable."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} is not a folder")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix == ".txt")


def parse_corpus(corpus_dir: str | Path, progress: Callable[[Iterable], Iterable] = iter) -> tuple[list[Document], list[Problem]]:
    """Parse every file of a corpus; unreadable ones become Problems, the rest still parse."""
    corpus_dir = Path(corpus_dir)
    manifest = load_manifest(corpus_dir)
    documents: list[Document] = []
    problems: list[Problem] = []
    for path in progress(corpus_files(corpus_dir)):
        try:
            documents.append(parse_file(path, manifest.get(path.name)))
        except ReadError as exc:
            problems.append(Problem(path.name, str(exc)))
    link_citations(documents)
    link(documents, manifest)  # lineage (issue 9): the same language across units
    return documents, problems


def link_citations(documents: list[Document]) -> None:
    """Point each paragraph's citations at corpus units where the cited resolution is indexed."""
    targets = citation_targets(documents)
    for doc in documents:
        for unit in doc.units:
            for para in unit.paragraphs:
                para.cite_units = {c: targets[c] for c in para.cites if c in targets and targets[c] != unit.id}


def build(corpus_dir: str | Path, index_dir: str | Path, progress: Callable[[Iterable], Iterable] = iter,
          allow_empty: bool = False, wait: bool = True) -> BuildReport:
    """Parse the corpus and publish a new generation; skipped files are listed in the report.

    Holds the writer lock from the start (waiting for it, or IndexBusy when not ``wait``);
    EmptyBuild when nothing would be published and not ``allow_empty``.
    """
    from index.publish import writer_lock
    from index.write import EmptyBuild, write_index  # the writer pulls in Whoosh; parsing alone does not

    with writer_lock(index_dir, wait=wait):
        documents, problems = parse_corpus(corpus_dir, progress)
        try:
            written = write_index(documents, Path(index_dir), allow_empty=allow_empty)
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
    )
