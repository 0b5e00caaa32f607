"""search.analysis: segmentation tables, normalization, Whoosh invariants, pickling, stamps."""

from __future__ import annotations

import pickle
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage

from search import analysis
from search.analysis import (
    ConcordTokenizer,
    analysis_stamp,
    bigram_analyzer,
    dictionary_checksum,
    normalize,
    segment,
    text_analyzer,
)
from search.analysis import chinese, dictionary
from search.analysis.latin import stem

CORPUS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt"))


def tokens(analyzer, text, mode="query", **kwargs):
    """(text, pos, startchar, endchar) of every token, copied out of Whoosh's reused Token."""
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode=mode, **kwargs)
    ]


# ---------------------------------------------------------------- segmentation tables

SEGMENTS = [
    # real corpus phrases (000, 001, 003)
    ("请联合国毒品和犯罪问题办公室继续提供技术援助",
     ["请", "联合国毒品和犯罪问题办公室", "继续", "提供", "技术援助"]),
    ("表示严重关切跨国有组织犯罪对发展、和平、稳定与安全以及人权造成有害影响",
     ["表示", "严重关切", "跨国有组织犯罪", "对", "发展", "和平", "稳定", "与", "安全",
      "以及", "人权", "造成", "有害", "影响"]),
    ("联合国囚犯待遇最低限度标准规则（纳尔逊·曼德拉规则）",
     ["联合国囚犯待遇最低限度标准规则", "纳尔逊·曼德拉规则"]),
    ("欢迎经济及社会理事会关于第十三届联合国预防犯罪和刑事司法大会的后续行动",
     ["欢迎", "经济及社会理事会", "关于", "第", "十三", "届", "联合国预防犯罪和刑事司法大会",
      "的", "后续行动"]),
    # Chinese numerals are one token, with or without 第 (jieba alone: 第七/十一届)
    ("第七十一届会议议程项目106", ["第", "七十一", "届", "会议", "议程项目", "106"]),
    ("七十一届", ["七十一", "届"]),
    ("在其第二十届会议续会上", ["在", "其", "第", "二十", "届", "会议", "续会", "上"]),
    ("统一", ["统一"]),
    ("鼓励会员国向联合国毒品和犯罪问题办公室提供预算外资源",
     ["鼓励", "会员国", "向", "联合国毒品和犯罪问题办公室", "提供", "预算外资源"]),
    ("2030年可持续发展议程", ["2030", "年", "可持续发展议程"]),
    ("打击贩运人口和偷运移民", ["打击", "贩运人口", "和", "偷运移民"]),
    ("网络犯罪", ["网络犯罪"]),
    ("法证学", ["法证学"]),
    ("预防犯罪和刑事司法委员会", ["预防犯罪和刑事司法委员会"]),
    # numbers, symbols, footnote markers
    ("第1段", ["第", "1", "段"]),
    ("第 1 段", ["第", "1", "段"]),
    ("重申其1991年12月18日第46/152号决议",
     ["重申", "其", "1991", "年", "12", "月", "18", "日", "第", "46/152", "号", "决议"]),
    ("[根据第三委员会的报告(A/71/485)通过]",
     ["根据", "第三委员会", "的", "报告", "a/71/485", "通过"]),
    ("A/RES/71/209", ["a/res/71/209"]),
    ("71/209", ["71/209"]),
    ("E/CN.15/2011/21", ["e/cn.15/2011/21"]),
    ("增长1.5%", ["增长", "1.5"]),
    ("《联合国反腐败公约》⁵ 及所有", ["联合国反腐败公约", "及", "所有"]),
    ("x² + 1²", ["x", "1"]),
    # English: stop words out, Porter stems in
    ("Trafficking in persons", ["traffick", "person"]),
    ("trafficked", ["traffick"]),
    ("the Commission on Crime Prevention and Criminal Justice",
     ["commiss", "crime", "prevent", "crimin", "justic"]),
    ("follow-up", ["follow", "up"]),
    ("UNODC’s work, the State's duty", ["unodc", "work", "state", "duti"]),
    ("A/RES/71/209's", ["a/res/71/209"]),
    # width folding, traditional → simplified
    ("ＵＮＯＤＣ　２０３０", ["unodc", "2030"]),
    ("國際法", ["国际法"]),
    ("洗錢", ["洗钱"]),
    ("", []),
    ("，。、；《》 ... --- ///", []),
]


@pytest.mark.parametrize(("text", "expected"), SEGMENTS)
def test_segment_table(text, expected):
    assert segment(text) == expected


def test_script_variants_give_identical_terms_at_index_and_query_time():
    for mode in ("index", "query"):
        traditional = [t[0] for t in tokens(text_analyzer(), "打擊洗錢和腐敗", mode)]
        simplified = [t[0] for t in tokens(text_analyzer(), "打击洗钱和腐败", mode)]
        assert traditional == simplified == ["打击", "洗钱", "和", "腐败"]


@pytest.mark.parametrize(("text", "expected"), [
    ("國際法", "国际法"),
    ("ＡＢＣ，１２３", "abc,123"),
    ("公约¹²³", "公约¹²³"),  # superscripts stay superscripts: no invented digits
    ("①", "①"),
    ("İstanbul", "İstanbul"),  # lowercasing İ would change the length
    ("ΣΑΣ", "σασ"),  # one character at a time: no final-sigma rewrite
    ("纳尔逊・曼德拉", "纳尔逊·曼德拉"),  # katakana middle dot → U+00B7
    ("\x00\ud800", "\x00\ud800"),  # control characters and lone surrogates pass through
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalize_rejects_non_text():
    with pytest.raises(TypeError, match="needs a str"):
        normalize(b"bytes")


def test_tokenizer_rejects_non_text():
    with pytest.raises(TypeError, match="needs a str"):
        list(text_analyzer()(None))


def test_english_stemming_is_not_applied_to_chinese_symbols_or_numbers():
    assert stem("trafficking") == stem("trafficked") == "traffick"
    assert segment("cases 1990s A/RES/71/209") == ["case", "1990s", "a/res/71/209"]


def test_stop_words_are_marked_not_lost_when_asked():
    kept = [(t.text, t.stopped, t.pos) for t in
            text_analyzer()("the rule of law", positions=True, removestops=False)]
    assert kept == [("the", True, 0), ("rule", False, 1), ("of", True, 2), ("law", False, 3)]
    removed = [(t.text, t.pos) for t in text_analyzer()("the rule of law", positions=True)]
    assert removed == [("rule", 0), ("law", 1)]  # renumbered: positions stay consecutive


def test_keeporiginal_keeps_the_slice_before_normalizing():
    kept = [(t.text, t.original) for t in text_analyzer()("國際法 UNODC", keeporiginal=True)]
    assert kept == [("国际法", "國際法"), ("unodc", "UNODC")]


# ---------------------------------------------------------------- index vs query mode

def test_index_mode_stacks_inner_words_of_a_long_term_on_its_position():
    indexed = tokens(text_analyzer(), "由毒品和犯罪问题办公室提供", "index")
    assert indexed[0] == ("由", 0, 0, 1)
    assert indexed[-1] == ("提供", 2, 11, 13)
    inner = {text for text, pos, _, _ in indexed if pos == 1}
    assert {"毒品和犯罪问题办公室", "毒品", "犯罪", "问题", "办公室"} <= inner
    queried = tokens(text_analyzer(), "由毒品和犯罪问题办公室提供", "query")
    assert queried == [("由", 0, 0, 1), ("毒品和犯罪问题办公室", 1, 1, 11), ("提供", 2, 11, 13)]


def test_symbol_is_indexed_whole_and_by_its_number():
    indexed = tokens(text_analyzer(), "见A/RES/71/209号", "index")
    assert indexed == [("见", 0, 0, 1), ("a/res/71/209", 1, 1, 13), ("71/209", 1, 7, 13),
                       ("号", 2, 13, 14)]
    assert segment("见A/RES/71/209号") == ["见", "a/res/71/209", "号"]


@pytest.mark.parametrize(("symbol", "expected"), [
    ("E/CN.15/2011/21", ["e/cn.15/2011/21", "2011/21"]),
    ("A/C.3/68/L.16", ["a/c.3/68/l.16"]),
    ("70/174", ["70/174"]),
    ("1.5", ["1.5"]),
])
def test_symbol_tails_are_whole_slash_components(symbol, expected):
    assert [t[0] for t in tokens(text_analyzer(), symbol, "index")] == expected


# ---------------------------------------------------------------- Whoosh invariants

def assert_invariants(analyzer, text, mode, start_pos=0, start_char=0):
    """Offsets point into text and normalize to the term; positions are consecutive."""
    previous = start_pos - 1
    for t in analyzer(text, positions=True, chars=True, mode=mode, removestops=False,
                      start_pos=start_pos, start_char=start_char, no_morph=True):
        original = text[t.startchar - start_char : t.endchar - start_char]
        assert normalize(original) == t.text, (original, t.text)
        assert t.text.strip() == t.text and t.text
        step = t.pos - previous
        assert step == (0 if t.stacked else 1), (t.text, t.pos, previous)
        assert mode == "index" or not t.stacked  # queries never carry overlapping pieces
        previous = t.pos


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:3])
def test_invariants_on_the_real_corpus(path):
    text = path.read_text(encoding="utf-8")[:25000]  # hazards show early; stay fast
    assert_invariants(text_analyzer(), text, "index")
    assert_invariants(bigram_analyzer(), text, "query")


def test_chinese_words_join_back_to_the_text():
    text = "".join(path.read_text(encoding="utf-8")[:20000] for path in CORPUS)
    runs = re.findall(r"[\u4e00-\u9fff]+", normalize(text))
    words = [term.replace("\u00b7", "") for term in segment(text)
             if re.fullmatch(r"[\u4e00-\u9fff\u00b7]+", term)]
    assert len(runs) > 1000
    assert "".join(words) == "".join(runs)  # nothing lost, nothing doubled, in order


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30))
def test_random_chinese_words_join_back(text):
    assert "".join(segment(text)) == normalize(text)


def test_concurrent_first_use_loads_the_dictionary_once_and_segments_alike():
    texts = ["请联合国毒品和犯罪问题办公室继续提供技术援助", "打击贩运人口和偷运移民",
             "加强国际合作", "预防犯罪和刑事司法委员会第二十届会议"] * 4
    expected = [segment(t) for t in texts]
    chinese.reset_shared_tokenizer()
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(segment, texts)) == expected


def test_importing_jieba_leaves_pkg_resources_importable():
    jieba = dictionary.import_jieba()
    with jieba.Tokenizer().get_dict_file() as dict_file:  # jieba still finds its files
        assert dict_file.read(3)
    assert sys.modules.get("pkg_resources", "not imported") is not None


def test_lone_surrogates_and_controls_do_not_break_tokenizing():
    assert segment("\ud800联合国\x00ab\udfff") == ["联合国", "ab"]


def test_invariants_honour_start_pos_and_start_char():
    text = "預防犯罪 UNODC 第1段"
    assert_invariants(text_analyzer(), text, "index", start_pos=7, start_char=100)
    first = next(iter(text_analyzer()(text, positions=True, chars=True, start_pos=7,
                                      start_char=100)))
    assert (first.text, first.pos, first.startchar) == ("预防犯罪", 7, 100)


def test_tokenize_false_yields_the_whole_normalized_value():
    assert [t.text for t in text_analyzer()("A/RES 國", tokenize=False)] == ["a/res 国"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
def test_random_unicode_never_crashes_and_keeps_invariants(text):
    for analyzer in (text_analyzer(), bigram_analyzer()):
        for mode in ("index", "query"):
            assert_invariants(analyzer, text, mode)


_MIXED = st.text(alphabet=st.sampled_from(list("联合国犯罪洗錢國際法贩运人口野生动植物·ab/1. ²")),
                 max_size=40)


@settings(max_examples=150, deadline=None)
@given(_MIXED)
def test_random_chinese_mixes_keep_invariants(text):
    assert_invariants(text_analyzer(), text, "index")
    assert_invariants(text_analyzer(), text, "query")


# ---------------------------------------------------------------- bigram recall field

def test_bigrams_are_consecutive_and_single_characters_survive():
    assert tokens(bigram_analyzer(), "野生动物 罪 UN") == [
        ("野生", 0, 0, 2), ("生动", 1, 1, 3), ("动物", 2, 2, 4), ("罪", 3, 5, 6), ("un", 4, 7, 9)]


def _search(ix, fieldname, analyzer, text):
    """Ids of the documents matching any query term of text in fieldname, best first."""
    terms = [query.Term(fieldname, t.text) for t in analyzer(text, mode="query")]
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(query.Or(terms), limit=None)]


def test_bigram_field_finds_reordered_and_interrupted_words():
    schema = fields.Schema(id=fields.ID(stored=True),
                           text=fields.TEXT(analyzer=text_analyzer()),
                           bigram=fields.TEXT(analyzer=bigram_analyzer()))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for doc_id, text in [("wild", "打击野生动植物非法贩运"), ("persons", "打击贩运人口行为"),
                             ("other", "加强国际合作")]:
            writer.add_document(id=doc_id, text=text, bigram=text)
    # The word field cannot match these: jieba reads them as other words.
    assert _search(ix, "text", text_analyzer(), "人口贩运") == []
    assert _search(ix, "bigram", bigram_analyzer(), "野生动物")[0] == "wild"
    assert _search(ix, "bigram", bigram_analyzer(), "人口贩运")[0] == "persons"
    assert "other" not in _search(ix, "bigram", bigram_analyzer(), "人口贩运")


def test_phrase_query_over_the_text_field_uses_word_positions():
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=text_analyzer()))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(id="a", text="请会员国向毒品和犯罪问题办公室提供技术援助")
        writer.add_document(id="b", text="技术援助由会员国提供")
    with ix.searcher() as searcher:
        phrase = query.Phrase("text", segment("提供技术援助"))
        assert [hit["id"] for hit in searcher.search(phrase)] == ["a"]
        inner = query.Term("text", "办公室")  # a word inside a long term still matches
        assert [hit["id"] for hit in searcher.search(inner)] == ["a"]


# ---------------------------------------------------------------- pickling and stamps

def test_analyzers_pickle_without_jieba_and_work_after_unpickling():
    for make in (text_analyzer, bigram_analyzer):
        analyzer = make()
        before = tokens(analyzer, "联合国毒品和犯罪问题办公室 A/RES/71/209", "index")
        data = pickle.dumps(analyzer)
        assert b"FREQ" not in data and b"jieba" not in data
        restored = pickle.loads(data)
        assert restored == analyzer
        assert tokens(restored, "联合国毒品和犯罪问题办公室 A/RES/71/209", "index") == before


def test_schema_with_the_analyzers_round_trips_through_an_index():
    schema = fields.Schema(text=fields.TEXT(analyzer=text_analyzer()),
                           bigram=fields.TEXT(analyzer=bigram_analyzer()))
    storage = RamStorage()
    storage.create_index(schema)
    assert storage.open_index().schema == schema


def test_stamp_and_checksum_are_stable():
    stamp = analysis_stamp()
    assert stamp == analysis_stamp()
    assert stamp == {"analyzer_version": analysis.ANALYZER_VERSION,
                     "dictionary_checksum": dictionary_checksum()}
    assert len(stamp["dictionary_checksum"]) == 64


def test_userdict_is_clean():
    words = dictionary.read_userdict()
    assert len(words) >= 250
    assert "联合国毒品和犯罪问题办公室" in words and "纳尔逊·曼德拉规则" in words


def test_userdict_errors_name_the_line(tmp_path):
    bad = tmp_path / "userdict.txt"
    bad.write_text("# comment\n贩运人口 3000\nUNODC 100\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"userdict.txt:3: 'UNODC' is not a Chinese word"):
        dictionary.read_userdict(bad)
    bad.write_text("贩运人口 many\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"userdict.txt:1: expected 'word freq"):
        dictionary.read_userdict(bad)


def test_lexicon_terms_are_part_of_the_word_list():
    from search.lexicon import chinese_terms

    words = dictionary.word_list()
    usable = [normalize(t) for t in chinese_terms() if dictionary._usable(normalize(t))]
    assert usable and all(term in words for term in usable)


def test_a_dictionary_change_changes_checksum_and_rebuilds_a_damaged_cache(tmp_path,
                                                                           monkeypatch):
    before = dictionary_checksum()
    assert segment("蛮荒巡逻队") != ["蛮荒巡逻队"]
    extended = tmp_path / "userdict.txt"
    extended.write_text(dictionary.USERDICT_PATH.read_text(encoding="utf-8") + "蛮荒巡逻队 900\n",
                        encoding="utf-8")
    monkeypatch.setattr(dictionary, "USERDICT_PATH", extended)
    monkeypatch.setenv("CONCORD_CACHE_DIR", str(tmp_path / "cache"))
    chinese.reset_shared_tokenizer()
    try:
        after = dictionary_checksum()
        assert after != before
        damaged = tmp_path / "cache" / f"zh-prefix-{after[:20]}.bin"
        damaged.parent.mkdir()
        damaged.write_bytes(b"not a cache")
        assert dictionary.PrefixStore.from_file(damaged, after) is None
        assert segment("蛮荒巡逻队") == ["蛮荒巡逻队"]  # rebuilt from the new word list
        assert dictionary.PrefixStore.from_file(damaged, after).total > 0
        damaged.write_bytes(damaged.read_bytes()[:-1000])  # truncated: refused, not half-read
        assert dictionary.PrefixStore.from_file(damaged, after) is None
        assert dictionary.PrefixStore.from_file(damaged, before) is None  # other word list
    finally:
        monkeypatch.undo()
        chinese.reset_shared_tokenizer()
    assert dictionary_checksum() == before


def test_tokenizer_rejects_unknown_chinese_mode():
    with pytest.raises(ValueError, match="'words' or 'bigrams'"):
        ConcordTokenizer("characters")
