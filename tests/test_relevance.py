"""Relevance: the judged query set is well formed, and the engine keeps its measured quality."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent / "relevance" / "evaluate.py"
_SPEC = importlib.util.spec_from_file_location("concord_relevance_evaluate", _PATH)
rel = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = rel  # dataclasses look their module up by name
_SPEC.loader.exec_module(rel)

# Floors on the means, per lang group and overall, from `python tests/relevance/evaluate.py`
# on the real corpus (fixture excluded), rounded down by about 0.02 so that noise does not
# fail the build while a real loss of quality does. Measured 2026-11-29 17:28 UTC with
# judgments 422e516 on the engine of commit 2ad4902:
#   group     n   P@10   R@100  MRR    MAP
#   zh       30  0.843  0.820  1.000  0.811
#   zh-Hant  18  0.794  0.638  1.000  0.629
#   en       34  0.847  0.804  0.978  0.784
#   mixed     6  0.583  0.713  1.000  0.711
#   overall  88  0.817  0.769  0.991  0.757
FLOORS = {
    "core": {"p10": 0.80, "recall": 0.76, "mrr": 0.97},
    "zh": {"p10": 0.82, "recall": 0.80, "mrr": 0.97},
    "zh-Hant": {"p10": 0.77, "recall": 0.61, "mrr": 0.97},
    "en": {"p10": 0.82, "recall": 0.78, "mrr": 0.95},
    "mixed": {"p10": 0.56, "recall": 0.69, "mrr": 0.97},
}
# Floors per class of issue 8 and half (tune is what the engine was tuned on, holdout is not),
# from the same report; "first" is the share of known items found at rank 1.
CLASS_FLOORS = {
    "english/tune": {"p10": 0.69, "recall": 0.85, "mrr": 0.85},
    "english/holdout": {"p10": 0.36, "recall": 0.87, "mrr": 0.97},
    "regional/tune": {"p10": 0.92, "recall": 0.73, "mrr": 0.97},
    "regional/holdout": {"p10": 0.79, "recall": 0.80, "mrr": 0.97},
    "typo/tune": {"p10": 0.97, "recall": 0.97, "mrr": 0.97},
    "typo/holdout": {"p10": 0.93, "recall": 0.97, "mrr": 0.97},
    "reference/tune": {"p10": 0.41, "recall": 0.97, "mrr": 1.0, "first": 1.0},
    "reference/holdout": {"p10": 0.41, "recall": 0.90, "mrr": 1.0, "first": 1.0},
}
# English must work as well as Chinese: each English mean within this of the zh mean
# (measured gaps zh - en: P@10 -0.004, recall 0.016, MRR 0.022).
EN_MARGIN = 0.05


@pytest.fixture(scope="module")
def judgments():
    """The judged query set, loaded and checked."""
    return rel.load_judgments()


@pytest.fixture(scope="module")
def result(real_index):
    """Every judged query run once against the real index."""
    from search.engine import Engine

    engine = Engine(real_index)
    try:
        yield rel.evaluate(engine)
    finally:
        engine.close()


# -- the judged file -------------------------------------------------------------------

def test_judged_set_is_large_and_mixed(judgments):
    core = [j for j in judgments if j.cls == "core"]
    langs = Counter(j.lang for j in core)
    assert len(core) >= 60
    assert set(langs) == {"zh", "zh-Hant", "en", "mixed"}
    assert langs["zh"] >= len(core) / 4 and langs["en"] >= len(core) / 4
    assert langs["zh-Hant"] >= len(core) / 8 and langs["mixed"] >= 3


def test_each_class_has_both_halves_and_forty_new_queries(judgments):
    halves = Counter((j.cls, j.half) for j in judgments if j.cls != "core")
    assert sum(halves.values()) >= 40
    assert {cls for cls, _ in halves} == set(rel.CLASSES[1:])
    # Halves of like size, so that the holdout says something about the tuned half.
    assert all(halves[(cls, half)] >= 6 for cls in rel.CLASSES[1:] for half in rel.HALVES)


def test_every_judged_id_is_a_corpus_paragraph(judgments, corpus_documents):
    known = {p.id for d in corpus_documents for u in d.units for p in u.paragraphs}
    unknown = sorted({pid for j in judgments for pid in j.relevant} - known)
    assert unknown == []


def test_no_empty_judgment_and_concepts_shared_across_languages(judgments):
    assert all(j.relevant and j.q.strip() for j in judgments)
    by_concept = Counter(j.concept for j in judgments if j.cls == "core")
    # Every core concept is asked in at least two ways (zh and en, or a script or mixed variant).
    assert min(by_concept.values()) >= 2


_C = '[concepts.c]\nrelevant=["A/op1"]\n'  # one well-formed concept
_Q = '[[queries]]\nid="a"\nq="x"\nlang="zh"\nconcept="c"\nnote=""\n'  # one well-formed query


@pytest.mark.parametrize("toml, message", [
    (_Q, "unknown concept 'c'"),
    ('[concepts.c]\nrelevant=[]\n', "concept 'c' has no relevant paragraphs"),
    ('[concepts.c]\nrelevant=["A/op1","A/op1"]\n', "concept 'c' lists a paragraph twice"),
    (_C + _Q.replace('"zh"', '"fr"'), "lang 'fr' is not one of"),
    (_C + _Q.replace('note=""\n', ""), "lacks note"),
    (_C + _Q + _Q, "query id 'a' is used twice"),
    (_C + _Q.replace('q="x"', 'q="  "'), "query 'a' has an empty query text"),
    (_C, "holds no queries"),
    (_C + _Q + 'class="typos"\nhalf="tune"\n', "class 'typos' is not one of"),
    (_C + _Q + 'class="typo"\n', "half '' is not one of"),
    (_C + _Q + 'half="tune"\n', "the core class has no halves"),
])
def test_malformed_judgments_are_refused_by_name(tmp_path, toml, message):
    path = tmp_path / "judgments.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        rel.load_judgments(path)


def test_a_well_formed_file_loads_with_its_concept_ids(tmp_path):
    path = tmp_path / "judgments.toml"
    path.write_text(_C + _Q, encoding="utf-8")
    assert rel.load_judgments(path) == [rel.Judged("a", "x", "zh", "c", "", frozenset({"A/op1"}))]


# -- the metrics -----------------------------------------------------------------------

def test_metrics_on_a_ranked_list():
    relevant = frozenset({"a", "c", "x"})
    ranked = ["b", "a", "d", "c"]
    assert rel.precision_at(ranked, relevant) == pytest.approx(0.2)  # 2 of 10 places
    assert rel.precision_at(ranked, relevant, k=2) == pytest.approx(0.5)
    assert rel.recall_at(ranked, relevant) == pytest.approx(2 / 3)
    assert rel.recall_at(ranked, relevant, k=2) == pytest.approx(1 / 3)
    assert rel.reciprocal_rank(ranked, relevant) == pytest.approx(0.5)
    assert rel.average_precision(ranked, relevant) == pytest.approx((1 / 2 + 2 / 4) / 3)


def test_metrics_when_nothing_relevant_is_found():
    relevant = frozenset({"a"})
    for ranked in ([], ["b", "c"]):
        assert rel.precision_at(ranked, relevant) == 0.0
        assert rel.recall_at(ranked, relevant) == 0.0
        assert rel.reciprocal_rank(ranked, relevant) == 0.0
        assert rel.average_precision(ranked, relevant) == 0.0


# -- the engine against the judged set ------------------------------------------------------

def test_every_judged_query_was_scored(result, judgments):
    assert [r["id"] for r in result["queries"]] == [j.id for j in judgments]
    assert set(result["groups"]) == {"zh", "zh-Hant", "en", "mixed"}
    assert result["overall"]["n"] == len(judgments)
    assert set(result["classes"]) == {f"{c}/{h}" for c in rel.CLASSES[1:] for h in rel.HALVES}
    assert sum(g["n"] for g in result["classes"].values()) + result["core"]["n"] == len(judgments)


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_quality_stays_above_its_floor(result, group):
    means = result["core"] if group == "core" else result["groups"][group]
    below = {m: round(means[m], 3) for m, floor in FLOORS[group].items() if means[m] < floor}
    assert below == {}, f"{group} below its floors {FLOORS[group]}"


@pytest.mark.parametrize("name", sorted(CLASS_FLOORS))
def test_each_class_and_half_stays_above_its_floor(result, name):
    means = result["classes"][name]
    below = {m: round(means[m], 3) for m, floor in CLASS_FLOORS[name].items() if means[m] < floor}
    assert below == {}, f"{name} below its floors {CLASS_FLOORS[name]}"


def test_english_works_as_well_as_chinese(result):
    zh, en = result["groups"]["zh"], result["groups"]["en"]
    gaps = {m: round(zh[m] - en[m], 3) for m in ("p10", "recall", "mrr")}
    assert all(gap <= EN_MARGIN for gap in gaps.values()), gaps


# -- the command line ----------------------------------------------------------------------

def test_report_has_a_row_per_query_then_groups_worst_first(result):
    lines = rel.report(result).splitlines()
    rows = lines[1:1 + len(result["queries"])]
    assert sorted(row.split()[0] for row in rows) == sorted(r["id"] for r in result["queries"])
    aps = [float(row.split()[5]) for row in rows]
    assert aps == sorted(aps)
    groups = lines.index("") + 2
    assert [line.split()[0] for line in lines[groups:groups + 5]] == [
        "zh", "zh-Hant", "en", "mixed", "core"]
    classes = [line.split()[0] for line in lines[groups + 7:]]
    assert classes == [*result["classes"], "overall"]
    assert lines[-2].startswith("reference/holdout") and lines[-2].endswith("%")


def test_cli_names_a_directory_without_an_index(tmp_path, capsys):
    assert rel.main(["--index", str(tmp_path)]) == 1
    assert f"no index in {tmp_path}" in capsys.readouterr().err


def test_cli_refuses_a_missing_directory(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        rel.main(["--index", str(tmp_path / "nowhere")])
    assert stopped.value.code == 2
    assert "no index directory at" in capsys.readouterr().err
