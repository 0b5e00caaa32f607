"""The engine on our query form answers the fixed mix as the engine it replaced did.

tests/equality/golden.json holds, for the bench mix and every judged query (by relevance
and by date), the total, the first 100 ids in order, the facet counts and the messages of
the engine before the query form (see tests/equality/record.py), which required every
concept. Where no hit lacks a concept the answer is the same in every respect; where
some do, the hits holding every concept are the old answer, in the old order, and the
old engine's "left out (in no paragraph)" hits are now the same hits, each saying what
it lacks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.equality import record

HERE = Path(__file__).resolve().parent / "equality"
GOLDEN = json.loads((HERE / "golden.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine(real_index):
    from search.engine import Engine

    engine = Engine(real_index)
    yield engine
    engine.close()


def test_the_golden_file_covers_the_whole_mix():
    names = {f"{q['name']}|{q['sort']}" for q in record.mix()}
    assert names == set(GOLDEN) and len(names) > 200


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_same_answer_as_before(engine, key):
    old = GOLDEN[key]
    found = engine.search(old["q"], old["filters"], page=1, size=record.SIZE, sort=old["sort"])
    if not found["partial"]:
        assert record.answer(engine, old) == {k: old[k] for k in ("total", "ids", "facets", "messages")}
        return
    ids = [r["id"] for r in found["results"]]
    full = [r["id"] for r in found["results"] if not r["missing"]]
    if old["messages"]:  # the old engine left a word out; now every hit says it lacks it
        assert found["full"] == 0 and found["total"] == old["total"] and ids == old["ids"]
        assert all(len(r["missing"]) == 1 for r in found["results"])
        return
    assert found["full"] == old["total"] and found["messages"] == []
    if old["sort"] == "relevance":
        assert ids[:found["full"]] == full == old["ids"][:len(full)]
    else:  # by date, partial hits stand among full ones (execution.py, step 4)
        assert full == old["ids"][:len(full)]


def test_the_mix_holds_partial_answers(engine):
    partial = [key for key, old in GOLDEN.items()
               if engine.search(old["q"], old["filters"], sort=old["sort"])["partial"]]
    assert len(partial) == 30


@pytest.fixture(scope="module")
def reference(real_index):
    from search.engine import Engine

    engine = Engine(real_index, executor="whoosh")
    yield engine
    engine.close()


def _page(answer: dict) -> dict:
    """An answer without its timing (the one field two executors may differ in)."""
    return {k: v for k, v in answer.items() if k != "took_ms"}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_the_arrays_answer_as_the_whoosh_reference(engine, reference, key):
    """The served engine (arrays) and the reference give the same page, byte for byte."""
    old = GOLDEN[key]
    assert engine._state().arrays is not None, "the real index was built with its arrays"
    for page in (1, 2):
        ours = engine.search(old["q"], old["filters"], page=page, size=10, sort=old["sort"])
        theirs = reference.search(old["q"], old["filters"], page=page, size=10, sort=old["sort"])
        assert _page(ours) == _page(theirs)


def test_an_unknown_executor_is_refused(real_index):
    from search.engine import Engine

    with pytest.raises(ValueError, match="executor must be one of arrays, whoosh"):
        Engine(real_index, executor="tantivy")
