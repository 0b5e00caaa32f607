"""Shared fixtures: the real corpus, parsed once, and built once into a real index on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shipped corpus directory."""
    return CORPUS


@pytest.fixture(scope="session")
def corpus_documents(corpus_dir):
    """Every document of the real corpus, parsed and tagged."""
    from index.build import parse_corpus

    documents, problems = parse_corpus(corpus_dir)
    assert problems == []
    return documents


@pytest.fixture(scope="session")
def doc_by_file(corpus_documents):
    """Parsed documents by their number prefix: "000" … "004"."""
    return {d.name[:3]: d for d in corpus_documents}


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, corpus_dir) -> Path:
    """The real corpus built into a fresh index directory (once per test session)."""
    from index.build import build

    index_dir = tmp_path_factory.mktemp("real") / "index"
    report = build(corpus_dir, index_dir)
    assert report.problems == [] and report.paragraphs > 700
    return index_dir


@pytest.fixture(scope="module")
def app(real_index):
    """One app per test module over the session's real index."""
    from web.app import create_app

    return create_app({"INDEX_DIR": str(real_index), "TESTING": True})


@pytest.fixture
def client(app):
    """A fresh test client (no cookies carried between tests)."""
    return app.test_client()
