"""The engine on our query form answers the fixed mix as the engine it replaced did.

tests/equality/golden.json holds, for the bench mix and every judged query (by relevance
and by date), the total, the first 100 ids in order, the facet counts and the messages of
the engine before the query form (see tests/equality/record.py).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "equality"
GOLDEN = json.loads((HERE / "golden.json").read_text(encoding="utf-8"))
_SPEC = importlib.util.spec_from_file_location("concord_equality_record", HERE / "record.py")
record = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = record
_SPEC.loader.exec_module(record)


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
    assert record.answer(engine, old) == {k: old[k] for k in ("total", "ids", "facets", "messages")}
