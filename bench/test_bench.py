"""Tests of the benchmark's own parts (run on demand: pytest bench/test_bench.py).

Not under tests/, so the suite never pays for them; the baseline test builds a tiny
index from a hand-made document, not the corpus.
"""

from __future__ import annotations

import pytest
from whoosh import query as Q

from bench import report
from bench.mix import MIN_QUERIES, MixError, load_mix
from bench.stats import median, percentile, ratio, summary
from index.model import Document, Paragraph, Unit, Verb


def test_percentile_is_nearest_rank():
    samples = list(range(1, 21))  # 1..20
    assert percentile(samples, 95) == 19
    assert percentile(samples, 50) == 10
    assert percentile(samples, 100) == 20
    assert percentile([7.5], 95) == 7.5


def test_percentile_and_median_refuse_nonsense():
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)
    with pytest.raises(ValueError, match="must be in"):
        percentile([1, 2], 0)
    with pytest.raises(ValueError, match="no samples"):
        median([])


def test_median_and_summary():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert summary([5, 1, 3]) == {"n": 3, "p50": 3, "p95": 5, "min": 1, "max": 5}


def test_ratio_guards_missing_values():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0) is None


def test_the_shipped_mix_is_valid_and_covers_every_category():
    mix = load_mix()
    assert len(mix) >= MIN_QUERIES
    assert {q.category for q in mix} == {
        "simplified", "traditional", "english", "phrase", "filter", "syntax"}
    assert any(q.filters for q in mix)


@pytest.mark.parametrize("body, message", [
    ("[[query]]\nname = 'a'\ncategory = 'nope'\nq = 'x'\n", "category must be one of"),
    ("[[query]]\nname = 'a'\ncategory = 'phrase'\n", "q must be a string"),
    ("[[query]]\nname = 'a'\ncategory = 'filter'\nq = ''\nfilters = {year = ['2016']}\n",
     "unknown filter facet 'year'"),
    ("[[query]]\nname = 'a'\ncategory = 'filter'\nq = ''\nfilters = {kind = []}\n",
     "needs a list of non-empty strings"),
    ("[[query]]\nname = 'a'\ncategory = 'phrase'\nq = 'x'\nextra = 1\n", "unknown keys extra"),
    ("query = 3\n", "expected \\[\\[query\\]\\] tables"),
    ("[[query]\n", "cannot read the query mix"),
])
def test_a_bad_mix_is_refused_with_the_reason(tmp_path, body, message):
    path = tmp_path / "queries.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(MixError, match=message):
        load_mix(path)


def test_a_small_or_duplicated_mix_is_refused(tmp_path):
    one = "[[query]]\nname = 'a'\ncategory = 'phrase'\nq = 'x'\n"
    path = tmp_path / "queries.toml"
    path.write_text(one * 2, encoding="utf-8")
    with pytest.raises(MixError, match="duplicate query names: a"):
        load_mix(path)
    path.write_text(one, encoding="utf-8")
    with pytest.raises(MixError, match=f"1 queries; the mix needs at least {MIN_QUERIES}"):
        load_mix(path)


def test_baseline_filters_or_within_and_across_facets():
    from bench.baseline import filter_query

    assert filter_query(None) is None
    assert filter_query({"kind": ["op"]}) == Q.Term("kind", "op")
    assert filter_query({"kind": ["op"], "session": ["ga-68", "ga-71"]}) == Q.And([
        Q.Term("kind", "op"), Q.Or([Q.Term("session", "ga-68"), Q.Term("session", "ga-71")])])
    with pytest.raises(ValueError, match="unknown filter facet 'year'"):
        filter_query({"year": ["2016"]})


def _tiny_corpus() -> list[Document]:
    """Two paragraphs of one unit: one about money laundering, one about corruption."""
    paras = [
        Paragraph("U/op1", "op", "1", None, "敦促各国打击洗钱活动。", themes=["money_laundering"],
                  verb=Verb("urges", "敦促")),
        Paragraph("U/op2", "op", "2", None, "请各国打击腐败和洗钱。",
                  themes=["corruption", "money_laundering"], verb=Verb("requests", "请")),
        Paragraph("U/pp1", "pp", "1", None, "回顾其以往决议。"),
    ]
    unit = Unit("U", "1", "t", None, "大会", "adopted", paragraphs=paras)
    return [Document("x.txt", "x.txt", session="ga-71", body="ga", units=[unit])]


# jieba.analyse leaves its IDF file unclosed on import (a ResourceWarning in its code).
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name=.*jieba/analyse/idf"
    ":pytest.PytestUnraisableExceptionWarning")
def test_baseline_builds_and_answers_a_results_page(tmp_path):
    from bench.baseline import BaselineSearcher, build_baseline

    assert build_baseline(_tiny_corpus(), tmp_path / "ix") == 3
    searcher = BaselineSearcher(tmp_path / "ix")
    try:
        page = searcher.search("洗钱")
        assert page["total"] == 2
        assert page["facets"]["theme"] == {"money_laundering": 2, "corruption": 1}
        assert page["facets"]["verb"] == {"urges": 1, "requests": 1}
        assert page["facets"]["session"] == {"ga-71": 2}
        assert sorted(r["id"] for r in page["results"]) == ["U/op1", "U/op2"]
        assert all('<b class="match term0">洗钱</b>' in r["snippet"] for r in page["results"])
        browse = searcher.search("", {"kind": ["pp"]})
        assert browse["total"] == 1 and browse["facets"]["verb"] == {}
    finally:
        searcher.close()


def test_report_table_pads_columns_and_marks_missing_numbers():
    text = report.table(["a", "bb"], [["xyz", report.num(None)], ["1", report.num(2.345, 2)]])
    assert text.splitlines() == [
        "| a   | bb   |",
        "|-----|------|",
        "| xyz | –    |",
        "| 1   | 2.35 |",
    ]
    assert report.mib(2048) == "2 MiB"


def _synthetic_results() -> dict:
    """The shape bench/run.py assembles, with round numbers (Concord misses cold start)."""
    from bench.run import ratios, targets

    def warm(p50, total):
        row = {"name": "q1", "times_ms": [p50], "cpu_ms": [p50 / 2], "total": total,
               "error": None, "summary": summary([p50])}
        return {"queries": [row], "maxrss_kb": 102400, "pooled_ms": summary([p50]),
                "pooled_cpu_ms": summary([p50 / 2])}

    def cold(wall):
        median = {"wall_s": wall, "python_start_s": 0.1, "import_s": 0.2, "dictionary_s": 0.3,
                  "first_query_s": 0.4, "cpu_s": 0.9}
        return {"runs": [], "median": median, "maxrss_kb": 51200}

    results = {
        "date": "2026-11-29T16:00:00+00:00", "mix_size": 1, "elapsed_s": 12.0,
        "machine": {"nproc": 2, "python": "3.11.7", "commit": "abc", "loadavg_start": [1.0],
                    "loadavg_end": [2.0]},
        "settings": {"warmup": 3, "repeat": 15, "builds": 3, "cold": 5},
        "builds": {"median_s": {"concord": 4.0, "baseline": 2.0, "baseline_parse": 0.5}},
        "warm": {"concord": warm(5.0, 7), "baseline": warm(20.0, 0)},
        "cold": {"concord": cold(1.5), "baseline": cold(3.0)},
    }
    results["ratios"], results["targets"] = ratios(results), targets(results)
    return results


def test_ratios_and_targets_compare_concord_with_the_baseline():
    results = _synthetic_results()
    assert results["ratios"]["query_p50"] == 0.25
    assert results["ratios"]["build"] == 2.0
    assert results["ratios"]["cold_start"] == 0.5
    assert results["targets"]["query_p50_ms"]["met"] is True
    assert results["targets"]["cold_start_s"] == {"target": 1.0, "value": 1.5, "met": False}


def test_the_report_shows_both_systems_ratios_and_missed_targets():
    lines = report.render(_synthetic_results()).splitlines()
    assert "| query p50, warm (ms)           | 5.00    | 20.00    | 0.250            |" \
           " < 10 ms: met  |" in lines
    assert any(line.startswith("| cold start to first answer (s) | 1.500") and "MISSED" in line
               for line in lines)
    assert any(line.startswith("| q1 ") and line.rstrip().endswith("| 7 / 0      |")
               for line in lines)


def test_run_options_are_bounded_with_clear_errors(capsys):
    from bench.run import parse_args

    args = parse_args(["--repeat", "2", "--cold", "1"])
    assert (args.repeat, args.cold, args.warmup, args.builds) == (2, 1, 3, 3)
    with pytest.raises(SystemExit):
        parse_args(["--repeat", "500"])
    assert "argument --repeat: 500 is not between 1 and 100" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--cold", "x"])
    assert "argument --cold: 'x' is not a whole number" in capsys.readouterr().err


def test_a_generated_corpus_parses_into_exactly_its_paragraphs(tmp_path):
    from bench.generate import FACTS_FILE, generate
    from index.build import parse_corpus

    facts = generate(tmp_path / "a", 700, seed=3)
    documents, problems = parse_corpus(tmp_path / "a")
    assert problems == [] and facts["paragraphs"] == 700
    assert len(documents) == facts["files"] == sum(len(d.units) for d in documents)
    assert sum(len(u.paragraphs) for d in documents for u in d.units) == 700
    ids = [p.id for d in documents for u in d.units for p in u.paragraphs]
    assert len(set(ids)) == 700
    assert all(d.session and d.symbol for d in documents)
    assert any(p.verb for d in documents for u in d.units for p in u.paragraphs)
    generate(tmp_path / "b", 700, seed=3)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    assert (tmp_path / "a" / FACTS_FILE).exists()


def test_the_scale_mix_is_valid():
    from bench.scale import SCALE_MIX

    mix = load_mix(SCALE_MIX)
    assert len(mix) >= 30
    assert any(q.name.startswith("rare-") for q in mix) and any(q.name.startswith("browse-") for q in mix)


def test_tiled_arrays_hold_each_document_once_per_copy(tmp_path):
    from bench.tile import tile
    from index.write import write_index
    from search.engine.arrays import ArrayExecutor
    from search.engine.execution import Request
    from search.query import form as F
    from search.store.arrays import Arrays
    from search.store.generation import current

    write_index(_tiny_corpus(), tmp_path / "ix")
    tile(tmp_path / "ix", tmp_path / "tiled", 3)
    one = ArrayExecutor(Arrays(current(tmp_path / "ix")))
    three = ArrayExecutor(Arrays(tmp_path / "tiled"))
    assert three.arrays.doc_count == 3 * one.arrays.doc_count == 9
    for query in (F.Term("text", "洗钱"), F.Substring("text_bigram", "打击腐败"),
                  F.Phrase("text", ("打击", "腐败")), None):
        small = one.run(Request(query, size=9, facets=("theme", "verb")))
        big = three.run(Request(query, size=9, facets=("theme", "verb")))
        assert big.total == 3 * small.total, query
        assert sorted(big.page) == sorted(d + copy * 3 for d in small.page for copy in range(3))
        assert {f: {k: v * 3 for k, v in counts.items()} for f, counts in small.facets.items()} == \
            {f: dict(counts) for f, counts in big.facets.items()}
