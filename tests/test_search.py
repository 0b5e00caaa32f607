"""The engine on the real index: cross-script and cross-language recall, filters, facet
counts, browse order, highlighting, paragraphs and units, and refusals of bad input.

Expectations are computed independently from the parsed corpus (``corpus_documents``).
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from index.write import write_index
from search.store.generation import current
from index.model import Document, Paragraph, Unit
from search.analysis import normalize
from search.engine.catalogue import Catalogue
from search.engine import Engine, QueryError
from search.lexicon import match_chinese
from search.query import parse
from search.engine.reference import to_whoosh
from search.engine.rewrite import joined_bigrams, limit_prefixes
from search.engine.whoosh_executor import WhooshExecutor
from search.query import form as F
from search.query.syntax import CLOSE_QUOTES, OPEN_QUOTES


@pytest.fixture(scope="module")
def engine(real_index):
    engine = Engine(real_index)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def paragraphs(corpus_documents) -> list[Paragraph]:
    """Every paragraph of the corpus in document order."""
    return [p for doc in corpus_documents for unit in doc.units for p in unit.paragraphs]


def all_ids(engine, q="", filters=None, sort="relevance") -> list[str]:
    """Ids of every hit, over all pages."""
    ids, page = [], 1
    while True:
        found = engine.search(q, filters, page=page, size=100, sort=sort)
        ids += [r["id"] for r in found["results"]]
        if page * 100 >= found["total"]:
            assert len(ids) == found["total"]
            return ids
        page += 1


def containing(paragraphs, text: str) -> list[Paragraph]:
    return [p for p in paragraphs if text in normalize(p.text)]


# -- recall across scripts and languages ------------------------------------------------

def test_script_and_language_variants_find_the_same_paragraphs(engine, paragraphs):
    simplified = all_ids(engine, "洗钱")
    assert all_ids(engine, "洗錢") == simplified
    assert all_ids(engine, "money laundering") == simplified
    assert {p.id for p in containing(paragraphs, "洗钱")} <= set(simplified)
    assert {p.id for p in paragraphs if "money_laundering" in p.themes} <= set(simplified)
    assert len(simplified) >= 30


def test_taiwan_wording_finds_mainland_paragraphs(engine, paragraphs):
    mainland = {p.id for p in containing(paragraphs, "网络犯罪")}
    assert len(mainland) >= 5
    assert mainland <= set(all_ids(engine, "網路犯罪"))


def money_laundering():
    """The glossary's money-laundering concept (its forms vary with the glossary)."""
    return match_chinese("洗钱")[0][2]


def test_expansion_is_reported(engine):
    term = money_laundering()
    found = engine.search("洗钱")
    assert term.en in found["expanded"] and "洗钱" not in found["expanded"]
    assert found["reading"]["en"].startswith(f"searching 洗钱 OR {term.en}")
    assert found["reading"]["zh"].startswith(f"搜索 洗钱 或 {term.en}")


# -- exact phrases, filters and facet counts ------------------------------------------------

def test_exact_phrase_finds_exactly_the_paragraphs_holding_it(engine, paragraphs):
    expected = containing(paragraphs, "秘书长")
    assert sorted(all_ids(engine, '"秘书长"')) == sorted(p.id for p in expected)


def test_facet_counts_follow_the_query(engine, paragraphs):
    expected = containing(paragraphs, "秘书长")
    facets = engine.search('"秘书长"')["facets"]
    themes = Counter(t for p in expected for t in p.themes)
    verbs = Counter(p.verb.key for p in expected if p.verb)
    kinds = Counter(p.kind for p in expected)
    assert {f["key"]: f["count"] for f in facets["theme"]} == themes
    assert {f["key"]: f["count"] for f in facets["verb"]} == verbs
    assert {f["key"]: f["count"] for f in facets["kind"]} == kinds
    counts = [f["count"] for f in facets["theme"]]
    assert counts == sorted(counts, reverse=True)


def test_filters_are_or_within_a_facet_and_across_facets(engine, paragraphs):
    filters = {"verb": ["requests", "invites"], "kind": ["op"]}
    expected = [p for p in containing(paragraphs, "秘书长")
                if p.kind == "op" and p.verb and p.verb.key in ("requests", "invites")]
    found = engine.search('"秘书长"', filters, size=100)
    assert sorted(r["id"] for r in found["results"]) == sorted(p.id for p in expected)
    counts = Counter(p.verb.key for p in expected)
    selected_but_absent = {key: 0 for key in filters["verb"] if key not in counts}
    assert {f["key"]: f["count"] for f in found["facets"]["verb"]} == {
        **counts, **selected_but_absent}


def test_theme_filter_browses_in_document_order(engine, paragraphs):
    expected = [p.id for p in paragraphs if "cybercrime" in p.themes]
    assert all_ids(engine, "", {"theme": ["cybercrime"]}) == expected


def test_filters_typed_in_the_query_and_given_apart_agree(engine):
    assert all_ids(engine, "theme:cybercrime kind:op") == all_ids(
        engine, "", {"theme": ["cybercrime"], "kind": ["op"]})


def test_unknown_facet_value_matches_nothing(engine):
    found = engine.search("", {"theme": ["no_such_theme"]})
    assert (found["total"], found["results"]) == (0, [])
    assert found["facets"]["theme"] == [
        {"key": "no_such_theme", "zh": "no_such_theme", "en": "no_such_theme", "count": 0}]


def test_browse_counts_every_paragraph(engine, corpus_documents, paragraphs):
    found = engine.search("")
    assert found["total"] == len(paragraphs)
    sessions = Counter(doc.session for doc in corpus_documents for unit in doc.units
                       for _ in unit.paragraphs)
    assert {f["key"]: f["count"] for f in found["facets"]["session"]} == sessions


# -- order ------------------------------------------------------------------------------

def test_browse_order_is_document_order(engine, paragraphs):
    assert all_ids(engine, "") == [p.id for p in paragraphs]


def test_sort_by_date_puts_the_newest_first(engine, corpus_documents):
    found = engine.search("", sort="date", size=5)
    newest = max(corpus_documents, key=lambda d: d.date or "")
    assert [r["id"] for r in found["results"]] == [
        p.id for p in newest.units[0].paragraphs[:5]]


def test_newest_sorts_an_undated_draft_by_its_session_year(engine):
    """A/C.3/68/L.18 prints no date: it sorts after 68/193 of 18 December 2013, before 2011."""
    order = list(dict.fromkeys(pid.rpartition("/")[0] for pid in all_ids(engine, "", sort="date")))
    assert order.index("A-RES-68-193") < order.index("A-C.3-68-L.18") < order.index("CCPCJ-RES-20-1")
    assert order[0] == "A-RES-80-229"


def test_paragraphs_are_counted_by_unit(engine, corpus_documents):
    units = {f["key"]: f["count"] for f in engine.search("")["facets"]["unit"]}
    expected = {u.id: len(u.paragraphs) for d in corpus_documents for u in d.units}
    assert units == expected and units["A-RES-71-209"] == 107
    narrowed = engine.search("", {"unit": ["A-RES-71-209"], "kind": ["op"]})["facets"]["unit"]
    assert [(f["key"], f["count"]) for f in narrowed] == [("A-RES-71-209", narrowed[0]["count"])]
    assert engine.facet_values("unit")[0]["key"] == "A-RES-80-229"  # 157 paragraphs, the most


QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES)


def test_near_duplicates_are_both_returned_newest_first(engine, doc_by_file):
    draft = {normalize(p.text): p.id for p in doc_by_file["004"].units[0].paragraphs}
    pairs = [(p.id, draft[normalize(p.text)]) for p in doc_by_file["002"].units[0].paragraphs
             if p.kind == "op" and normalize(p.text) in draft and not QUOTES & set(p.text)]
    assert len(pairs) >= 10
    adopted, drafted = pairs[0]
    phrase = engine.paragraph(adopted)["text"][:30]
    ids = all_ids(engine, f'"{phrase}"')
    assert ids.index(adopted) < ids.index(drafted)


# -- highlighting -----------------------------------------------------------------------------

MARK = re.compile(r"<mark>(.*?)</mark>")


@pytest.mark.parametrize("q", ["洗钱", "洗錢", "money laundering"])
def test_marks_wrap_exactly_a_form_of_the_concept(engine, q):
    term = money_laundering()
    forms = {normalize(form) for form in (term.zh, *term.zh_variants)}
    for result in engine.search(q, size=20)["results"]:
        marks = MARK.findall(result["snippet"])
        assert marks and {normalize(mark) for mark in marks} <= forms
        plain = unescape(MARK.sub(r"\1", result["snippet"])).strip("…")
        assert plain in result["text"]


def test_marks_of_an_exact_phrase(engine):
    for result in engine.search('"秘书长"', size=50)["results"]:
        assert set(MARK.findall(result["snippet"])) == {"秘书长"}


def small_document(*paragraphs: tuple[str, str, str]) -> Document:
    """A one-unit document from (anchor, kind, text) triples."""
    return Document(path="t.txt", name="t.txt", symbol="A/RES/1/1", session="ga-1", year=2001,
                    units=[Unit(id="A-RES-1-1", label="1/1", title="t", symbol="A/RES/1/1",
                                acting_body="大会", status="adopted",
                                paragraphs=[Paragraph(id=f"A-RES-1-1/{anchor}", kind=kind,
                                                      number=anchor[2:], sub=None, text=text,
                                                      order=n)
                                            for n, (anchor, kind, text) in enumerate(paragraphs)])])


@pytest.fixture
def small_engine(tmp_path):
    """An engine over a handful of hand-written paragraphs."""
    write_index([small_document(
        ("pp1", "pp", "敦促各国打击洗钱活动"),
        ("op1", "op", '<script>alert("x")</script> 敦促各国打击洗钱 & 腐败'),
        ("op2", "op", "敦促各国打击洗钱活动"),
        ("op3", "op", "贩运人口问题和人口贩运"),
        ("op4", "op", "洗钱，打击"),
    )], tmp_path / "ix")
    engine = Engine(tmp_path / "ix")
    yield engine
    engine.close()


def test_snippet_escapes_markup_around_marks(small_engine):
    snippet = small_engine.search("腐败")["results"][0]["snippet"]
    assert snippet == ("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 敦促各国打击洗钱 "
                       "&amp; <mark>腐败</mark>")
    by_script = small_engine.search("script")["results"][0]["snippet"]
    assert by_script.startswith("&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/")


def test_overlapping_matches_mark_the_longer_text_once(small_engine):
    result = small_engine.search('"人口贩运"')["results"][0]
    assert result["snippet"] == "贩运人口问题和<mark>人口贩运</mark>"


def test_the_whole_query_as_a_phrase_ranks_first(small_engine):
    ids = [r["id"] for r in small_engine.search("打击 洗钱")["results"]]
    assert sorted(ids) == ["A-RES-1-1/op1", "A-RES-1-1/op2", "A-RES-1-1/op4", "A-RES-1-1/pp1"]
    assert ids[-1] == "A-RES-1-1/op4"  # the short text has the words, but apart


def test_operative_paragraph_ranks_above_the_same_preambular_text(small_engine):
    ids = [r["id"] for r in small_engine.search('"洗钱活动"')["results"]]
    assert ids == ["A-RES-1-1/op2", "A-RES-1-1/pp1"]


# -- paragraphs and units -----------------------------------------------------------------------

def test_paragraph_has_neighbours_unit_and_no_twin(engine, doc_by_file):
    unit = doc_by_file["000"].units[0]
    ids = [p.id for p in unit.paragraphs]
    first, second, last = (engine.paragraph(ids[0]), engine.paragraph(ids[1]),
                           engine.paragraph(ids[-1]))
    assert (second["prev"], second["next"]) == (ids[0], ids[2])
    assert first["prev"] is None and last["next"] is None
    assert second["unit"]["id"] == unit.id and second["unit"]["symbol"] == "A/RES/71/209"
    assert second["unit"]["session"]["key"] == "ga-71"
    assert second["other_lang"] is None
    assert second["text"] == unit.paragraphs[1].text
    assert second["url"] == "/p/" + ids[1]


def test_paragraph_keeps_footnotes_and_citations(engine, paragraphs):
    noted = next(p for p in paragraphs if p.footnotes)
    cited = next(p for p in paragraphs if p.cites)
    assert engine.paragraph(noted.id)["footnotes"] == [
        {"number": f.number, "text": f.text} for f in noted.footnotes]
    assert engine.paragraph(cited.id)["cites"] == cited.cites
    linked = next(p for p in paragraphs if p.cite_units)
    assert engine.paragraph(linked.id)["cite_units"] == linked.cite_units


def test_unknown_paragraph_and_nearest_ids(engine):
    assert engine.paragraph("A-RES-71-209/op999") is None
    near = engine.nearest_ids("A-RES-71-209/op999")
    assert near and all(i.startswith("A-RES-71-209/") for i in near)


def test_unit_lists_its_paragraphs_in_order(engine, doc_by_file):
    unit = doc_by_file["001"].units[0]
    found = engine.unit(unit.id)
    assert [p["id"] for p in found["paragraphs"]] == [p.id for p in unit.paragraphs]
    assert (found["label"], found["status"], found["count"]) == (
        unit.label, unit.status, len(unit.paragraphs))
    assert engine.unit("no-such-unit") is None
    assert [u["id"] for u in engine.units()][:2] == ["A-RES-71-209", unit.id]


def test_facet_values_list_every_session(engine, corpus_documents):
    keys = {v["key"] for v in engine.facet_values("session")}
    assert keys == {d.session for d in corpus_documents}
    with pytest.raises(QueryError) as error:
        engine.facet_values("colour")
    assert error.value.param == "facet"


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, param", [
    ({"q": "洗" * 501}, "q"),
    ({"page": 0}, "page"),
    ({"page": 1001}, "page"),
    ({"page": "two"}, "page"),
    ({"size": 0}, "size"),
    ({"size": 101}, "size"),
    ({"size": True}, "size"),
    ({"sort": "foo"}, "sort"),
    ({"filters": {"colour": ["red"]}}, "colour"),
    ({"filters": {"theme": [f"t{i}" for i in range(21)]}}, "theme"),
    ({"filters": {"theme": ["t" * 101]}}, "theme"),
    ({"filters": {"theme": [3]}}, "theme"),
    ({"filters": ["theme"]}, "filters"),
])
def test_bad_parameters_raise_query_error_naming_them(engine, kwargs, param):
    with pytest.raises(QueryError) as error:
        engine.search(**kwargs)
    assert error.value.param == param


@pytest.mark.parametrize("q", ["AND", '"', "*", "a*", "-", "A/RES/71/209",
                               '"><img onerror=alert(1)>', "洗钱 OR", "OR OR OR",
                               "(((", "year:abcd", "theme:", "\x00\u202e", "𠀀" * 10,
                               "\ud800洗钱\udfff",
                               "噪" * 250 + "noise " * 40])
def test_awkward_queries_give_results_or_nothing_and_never_raise(engine, q):
    found = engine.search(q)
    assert len(found["results"]) == min(found["total"], 10)
    assert set(found["reading"]) == {"zh", "en"}


def test_symbol_query_finds_its_resolution(engine):
    ids = all_ids(engine, "71/209")
    assert ids, "a paragraph citing or being 71/209"


def test_page_beyond_the_end_is_empty(engine):
    found = engine.search("洗钱", page=50)
    assert found["results"] == [] and found["total"] > 0


def test_did_you_mean(engine):
    assert engine.search("洗钱")["suggestion"] is None
    assert engine.search("money launderng")["suggestion"] == "money laundering"


def test_corrections_are_checked_by_the_arrays_not_by_a_whoosh_search(real_index, monkeypatch):
    # A Whoosh search per candidate took hundreds of milliseconds at 100,000 paragraphs.
    from search.engine import suggest as suggest_module

    def no_whoosh(searcher, candidate):
        raise AssertionError(f"a Whoosh search for {candidate!r}")

    monkeypatch.setattr(suggest_module, "_finds", no_whoosh)
    fresh = Engine(real_index)
    try:
        assert fresh.search("money launderng")["suggestion"] == "money laundering"
        assert fresh.search("洗线活动")["suggestion"] == "洗钱活动"
        assert fresh.search("zzqqxx")["suggestion"] is None
    finally:
        fresh.close()


def test_threads_share_one_engine(real_index):
    engine = Engine(real_index)
    queries = ["洗钱", "腐败", "", "网络犯罪", '"秘书长"', "technical assistance"] * 3
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            parallel = list(pool.map(lambda q: all_ids(engine, q), queries))
        assert parallel == [all_ids(engine, q) for q in queries]
    finally:
        engine.close()


@pytest.mark.parametrize("q", ['"秘书长"', "联合国毒品和犯罪问题办公室", "贩运人口", "加强国际合作",
                               "洗钱 -腐败", "網路犯罪"])
def test_substring_resolution_matches_what_bigram_phrases_match(real_index, q):
    live = current(real_index)
    ix = whoosh_index.open_dir(str(live))
    with ix.searcher() as searcher:
        catalogue = Catalogue.load(searcher.reader(), live, "units.json")
        node = parse(q).query
        assert any(isinstance(n, F.Substring) for n in node.walk())
        executor = WhooshExecutor(searcher, catalogue)
        resolved, query = executor.compile(node), to_whoosh(node)
        assert str(resolved) != str(query)
        assert set(searcher.docs_for_query(resolved)) == set(searcher.docs_for_query(query))
    ix.close()


@pytest.mark.parametrize("words, joined", [
    (["洗钱", "钱活", "活动"], "洗钱活动"), (["洗钱"], "洗钱"), (["洗钱", "活动"], None),
    (["ab", "bc"], "abc"), (["money"], None), ([], None)])
def test_joined_bigrams(words, joined):
    assert joined_bigrams(words) == joined


def test_prefix_finds_words_that_start_with_it(engine):
    results = engine.search("犯罪*", size=50)["results"]
    assert results and all("犯罪" in normalize(r["text"]) for r in results)


def test_prefix_expansion_is_capped_at_the_most_frequent_terms(real_index):
    ix = whoosh_index.open_dir(str(current(real_index)))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        expanded = limit_prefixes(F.Prefix("text", "犯"), reader, cap=3)
        every = [t for t in reader.field_terms("text") if str(t).startswith("犯")]
        frequency = {t: reader.doc_frequency("text", t) for t in every}
        assert len(every) > 3
        assert isinstance(expanded, F.AnyOf) and len(expanded.items) == 3
        kept = [q.text for q in expanded.items]
        assert min(frequency[t] for t in kept) >= max(
            f for t, f in frequency.items() if t not in kept)
        assert limit_prefixes(F.Prefix("text", "zzzz"), reader) == F.Nothing()
    ix.close()


QUERY_TEXT = st.text(alphabet=st.sampled_from(list('洗钱錢腐败网络犯罪的 "-*:()ORAND/71209abc<>&')),
                     max_size=40) | st.text(max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERY_TEXT)
def test_random_queries_never_crash_and_marks_stay_inside_the_text(engine, q):
    found = engine.search(q)
    assert len(found["results"]) == min(found["total"], 10)
    for result in found["results"]:
        plain = unescape(MARK.sub(r"\1", result["snippet"])).strip("…")
        assert plain in result["text"]


def test_a_word_found_nowhere_is_said_missing_on_every_hit(engine):
    found = engine.search("qqzx 70/174")
    assert (found["total"], found["full"], found["partial"]) == (1, 0, 1)
    assert all("70/174" in r["text"] for r in found["results"])
    assert all(r["missing"] == [{"en": "qqzx", "zh": "qqzx"}]
               for r in found["results"])
    assert found["suggestion"] is None


def test_nothing_found_with_every_word_required_loosens_the_query_and_says_so(engine):
    found = engine.search("qqzx AND 70/174")
    assert found["total"] == 1 and all("70/174" in r["text"] for r in found["results"])
    assert found["reading"]["en"].endswith("left out (in no paragraph): qqzx")


def test_concepts_are_never_loosened(engine):
    found = engine.search("技术援助 非洲")
    assert found["full"] == 0 and found["total"] == found["partial"] > 10
    assert found["messages"] == [] and all(len(r["missing"]) == 1 for r in found["results"])
    assert engine.search("技术援助 AND 非洲")["total"] == 0


def test_a_word_found_nowhere_is_read_as_the_concept_it_names(engine):
    found = engine.search("Doha 宣言", size=100)
    assert found["full"] >= 1 and found["reading"]["en"].startswith("searching (Doha → ")
    full = found["results"][:found["full"]]
    assert all("多哈" in r["text"] and not r["missing"] for r in full)
    assert all(len(r["missing"]) == 1 for r in found["results"][found["full"]:])


def test_a_facet_limit_labels_only_the_first_values_and_the_selected_ones(engine):
    chosen = {"session": ["ga-80"], "unit": ["A-RES-80-229"]}
    whole = engine.search("", chosen)
    limited = engine.search("", chosen, facet_limit=1)
    assert limited["facet_sizes"] == whole["facet_sizes"]
    assert whole["facet_sizes"]["theme"] > 1 and whole["facet_sizes"]["verb"] > 1
    assert sum(map(len, limited["facets"].values())) < sum(map(len, whole["facets"].values()))
    for name, values in whole["facets"].items():
        keep = values[:1] + [v for v in values[1:] if v["key"] in chosen.get(name, [])]
        assert limited["facets"][name] == keep
    assert limited["total"] == whole["total"] and limited["results"] == whole["results"]


def test_the_answer_has_the_api_shape(engine):
    found = engine.search("洗钱", {"kind": ["op"]}, page=2, size=5, sort="relevance")
    assert set(found) == {"query", "incomplete", "total", "full", "partial", "page", "size", "sort",
                          "took_ms", "expanded", "reading", "read_as", "messages", "notes",
                          "suggestion", "results", "facets", "facet_sizes"}
    assert found["facet_sizes"] == {name: len(values) for name, values in found["facets"].items()}
    assert (found["query"], found["page"], found["size"], found["sort"]) == ("洗钱", 2, 5,
                                                                            "relevance")
    assert isinstance(found["took_ms"], float) and len(found["results"]) == 5
    assert set(found["facets"]) == {"theme", "verb", "session", "body", "kind", "lang", "unit",
                                    "change"}
    result = found["results"][0]
    assert {"id", "url", "symbol", "unit", "unit_title", "kind", "number", "lang", "verb",
            "themes", "body", "session", "year", "text", "snippet", "missing"} <= set(result)
    assert result["kind"] == "op" and set(result["body"]) == {"key", "zh", "en"}
    assert all(set(t) == {"key", "zh", "en"} for t in result["themes"])
    assert all(set(v) == {"key", "zh", "en", "count"} for v in found["facets"]["verb"])


def test_pages_partition_the_hits(engine):
    whole = engine.search("腐败", size=100)
    pages = [engine.search("腐败", page=n, size=7)["results"] for n in (1, 2, 3)]
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in whole["results"][:21]]


def _dated(unit, document) -> str:
    """A unit's date, or its session's year when undated (as "newest" sorts it)."""
    return unit.date or document.date or (f"{document.year}-00-00" if document.year else "")


def test_sort_by_date_with_words_keeps_only_matches_newest_first(engine, corpus_documents):
    dates = {p.id: _dated(u, d) for d in corpus_documents for u in d.units for p in u.paragraphs}
    ids = all_ids(engine, "腐败", sort="date")
    assert sorted(ids) == sorted(all_ids(engine, "腐败"))
    assert [dates[i] for i in ids] == sorted((dates[i] for i in ids), reverse=True)


def test_a_word_the_text_spells_otherwise_is_still_found(engine, paragraphs):
    """国际刑警 (not in the glossary) also finds 国际刑事警察组织, after the literal spelling."""
    wanted = {p.id for p in containing(paragraphs, "国际刑事警察组织")}
    exact = {p.id for p in containing(paragraphs, "国际刑警")}
    found = all_ids(engine, "国际刑警")
    assert len(wanted) >= 5 and exact and wanted <= set(found)
    assert set(found[: len(exact)]) == exact  # the literal spelling ranks first


def test_a_resolution_number_finds_the_resolution_and_its_citations(engine, corpus_documents):
    unit = [p.id for d in corpus_documents for u in d.units if u.id == "A-RES-71-209" for p in u.paragraphs]
    citing = {p.id for d in corpus_documents for u in d.units for p in u.paragraphs if "71/209" in p.cites}
    for q in ("A/RES/71/209", "a/res/71/209", "71/209"):
        found = all_ids(engine, q)
        assert set(found) == set(unit) | citing, q
    assert set(all_ids(engine, "A/RES/71/209")[:10]) <= set(unit)  # the resolution before its citations


@pytest.mark.parametrize("q, filters", [("洗钱", {"theme": ["no-such-theme"]}),
                                        ("洗钱 year:1900", None), ("", {"verb": ["nothing"]}),
                                        ("洗钱", {"session": ["ga-71"], "kind": ["nothing"]})])
def test_a_filter_matching_nothing_gives_no_hits(engine, q, filters):
    found = engine.search(q, filters, sort="relevance")
    assert found["total"] == 0 and found["results"] == []
    assert engine.search(q, filters, sort="date")["total"] == 0


# -- ranking that fills the page: every concept first, then most of them -----------------

def _all_hits(engine, q, **kw):
    found = engine.search(q, size=100, **kw)
    assert found["total"] <= 100  # one request holds them all
    return found


@pytest.mark.parametrize("q, total, full, first", [
    ("人口贩运数据收集", 84, 1, "A-RES-80-229/op73"),
    ("儿童司法保护措施", 22, 0, "A-RES-80-229/op23"),
    ("victims of trafficking protection", 77, 5, "A-RES-80-229/pp63"),
])
def test_several_concepts_fill_the_page_full_matches_first(engine, q, total, full, first):
    found = _all_hits(engine, q)
    assert (found["total"], found["full"], found["partial"]) == (total, full, total - full)
    results = found["results"]
    assert results[0]["id"] == first and len(results) == total
    assert all(not r["missing"] for r in results[:full])
    assert all(r["missing"] for r in results[full:])
    # most concepts first: the number lacking never decreases down the list
    lacking = [len(r["missing"]) for r in results]
    assert lacking == sorted(lacking)
    assert "at least" in found["reading"]["en"] and "至少" in found["reading"]["zh"]


def test_a_partial_hit_lacking_a_common_concept_ranks_above_one_lacking_a_rare_one(engine):
    found = _all_hits(engine, "人口贩运数据收集")
    trafficking = engine.search("人口贩运")["total"]
    collection = engine.search("数据收集")["total"]
    assert collection < trafficking  # data collection is the rarer concept
    lacks = [r["missing"][0]["zh"] for r in found["results"] if r["missing"]]
    assert lacks == sorted(lacks, key=lambda name: name != "人口贩运")
    assert lacks.count("人口贩运") == collection - 1 and lacks.count("数据收集") == trafficking - 1


def test_missing_concepts_are_named_in_both_languages(engine):
    found = _all_hits(engine, "人口贩运数据收集")
    assert {"en": "trafficking in persons", "zh": "人口贩运"} in found["results"][1]["missing"]
    english = _all_hits(engine, "trafficking in persons data collection")
    assert english["total"] == 84 and english["full"] == 1
    assert english["results"][-1]["missing"] in (
        [{"en": "trafficking in persons", "zh": "贩运人口"}],
        [{"en": "data collection", "zh": "数据收集"}])


def test_exclusions_and_quoted_phrases_stay_strict(engine):
    excluded = _all_hits(engine, "人口贩运数据收集 -统计")
    assert excluded["partial"] > 0 and excluded["total"] < 84
    assert all("统计" not in normalize(r["text"]) for r in excluded["results"])
    quoted = _all_hits(engine, '"数据" 人口贩运')
    assert (quoted["total"], quoted["partial"]) == (6, 0)
    assert all("数据" in normalize(r["text"]) for r in quoted["results"])
    assert _all_hits(engine, "数据 人口贩运")["partial"] > 0


def test_partial_pages_partition_the_hits_and_sorts_keep_the_total(engine):
    whole = _all_hits(engine, "人口贩运数据收集")
    pages = [engine.search("人口贩运数据收集", page=n, size=10)["results"] for n in range(1, 10)]
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in whole["results"]]
    by_date = _all_hits(engine, "人口贩运数据收集", sort="date")
    assert (by_date["total"], by_date["full"]) == (84, 1)
    assert {r["id"] for r in by_date["results"]} == {r["id"] for r in whole["results"]}
    assert sum(v["count"] for v in whole["facets"]["kind"]) == 84


def test_a_typo_among_concepts_is_corrected_though_partial_hits_exist(engine):
    assert engine.search("launderng AND corruption")["suggestion"] == "laundering AND corruption"
    found = engine.search("launderng corruption")
    assert found["suggestion"] == "laundering corruption"
    assert (found["total"], found["full"]) == (124, 23)  # the corrected query's
    assert found["reading"]["en"].endswith("no paragraph has launderng)")


def test_words_found_nowhere_are_left_out_only_when_too_few_concepts_are_left(engine):
    found = engine.search("qqzx zzqx 腐败")  # 2 of 3 needed, only 腐败 is anywhere
    assert found["total"] == found["full"] == engine.search("腐败")["total"] == 89
    assert found["reading"]["en"].endswith("left out (in no paragraph): qqzx, zzqx")
