"""The query parser as a table of (input, expected query string), plus its readings.

A small glossary stands in for ``search.lexicon`` so the table tests parsing, not the
glossary's contents; the analyzers are the project's own (the terms the index holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import bigram_analyzer, segment
from search.store.spelled import bigrams_of
from search.facets import facet_label
from search.query.build import parse
from search.query.relax import partial_concept, relax
from search.query.syntax import Token, tokenize


@dataclass(frozen=True)
class Term:
    id: str
    en: str
    zh: str
    en_variants: tuple = ()
    zh_variants: tuple = ()


TERMS = [
    Term("money_laundering", "money laundering", "洗钱", ("laundering of money",), ("洗錢",)),
    Term("cybercrime", "cybercrime", "网络犯罪", ("cyber crime",), ("網路犯罪", "电脑犯罪")),
    Term("untoc", "United Nations Convention against Transnational Organized Crime", "公约",
         ("UNTOC", "Palermo Convention")),
]


class SmallGlossary:
    """Every occurrence of every form, case-insensitive (the parser picks longest first)."""

    def _find(self, text, forms):
        found, low = [], text.lower()
        for term in TERMS:
            for form in forms(term):
                at = low.find(form.lower())
                while at >= 0:
                    found.append((at, at + len(form), term))
                    at = low.find(form.lower(), at + 1)
        return found

    def match_english(self, text):
        return self._find(text, lambda t: [t.en, *t.en_variants])

    def match_chinese(self, text):
        return self._find(text, lambda t: [t.zh, *t.zh_variants])

    def glossary(self):
        return TERMS


def parsed(text):
    return parse(text, lexicon=SmallGlossary())


def T(text: str) -> str:
    """The word-field query of ``text`` as the analyzer splits it (term or phrase)."""
    return _render("text", segment(text))


def B(text: str) -> str:
    """The bigram-field query of ``text``: a substring when its bigrams overlap (Chinese)."""
    bigrams = [t.text for t in bigram_analyzer()(text, mode="query")]
    joined = bigrams[0] + "".join(b[1] for b in bigrams[1:]) if bigrams else ""
    if len(bigrams) > 1 and bigrams == bigrams_of(joined):
        return f"text_bigram:~{joined}~"
    return _render("text_bigram", bigrams)


def boosted(alternatives: str, boost: str = "^2") -> str:
    """Each of the OR-ed alternatives of ``alternatives`` with ``boost`` (the phrase boost)."""
    return " OR ".join(part + boost for part in alternatives.split(" OR "))


def F(text: str) -> str:
    """Both: how a Chinese form is searched."""
    return f"{T(text)} OR {B(text)}"


def _render(fieldname: str, terms: list[str]) -> str:
    return f"{fieldname}:{terms[0]}" if len(terms) == 1 else f'{fieldname}:"{" ".join(terms)}"'


# Segmentation belongs to the analyzer (tested in test_analysis.py); the table pins the
# structure the parser builds around it, so T/B/F render the analyzer's words.
ML = f"({F('洗钱')} OR {T('money laundering')} OR {T('laundering of money')})"
CYBER = (f"({F('网络犯罪')} OR {F('網路犯罪')} OR {F('电脑犯罪')} OR text:cybercrime "
         f"OR {T('cyber crime')})")
CORRUPTION = f"({F('腐败')})"
UNTOC = (f"({F('公约')} OR {T('United Nations Convention against Transnational Organized Crime')}"
         f" OR text:untoc OR {T('Palermo Convention')})")
NOTHING = "<nothing>"

TABLE = [
    # concepts: script variants, case and language all read the same
    ("洗钱", ML),
    ("洗錢", ML),
    ("money laundering", ML),
    ("Money Laundering", ML),
    ("網路犯罪", CYBER),
    ("UNTOC", UNTOC),
    ("United Nations Convention against Transnational Organized Crime", UNTOC),
    # plain words: Chinese as a phrase OR bigrams; English words all required + phrase boost
    ("腐败", CORRUPTION),
    ("加强国际合作", f"({F('加强国际合作')})"),
    ("technical assistance",
     '(ATLEAST1(text:technic , text:assist) ANDMAYBE text:"technic assist"^2)'),
    ("打击洗钱和腐败",
     f"(ATLEAST2(({F('打击')}) , {ML} , {CORRUPTION}) ANDMAYBE ({boosted(F('打击洗钱和腐败'))}))"),
    # several concepts: at least half of them (search.query.concepts), all of them first
    ("洗钱 腐败", f"(ATLEAST1({ML} , {CORRUPTION}) ANDMAYBE ({boosted(F('洗钱腐败'))}))"),
    ("洗钱 腐败 网络犯罪 -公约", f"(ATLEAST2({ML} , {CORRUPTION} , {CYBER}) ANDNOT {UNTOC})"),
    # ... but a quoted phrase or a typed AND asks for every clause
    ('洗钱 "秘书长报告"', f"({ML} AND ({F('秘书长报告')}))"),
    # syntax: phrases, OR, AND, exclusion
    ('"秘书长报告"', f"({F('秘书长报告')})"),
    ("“秘书长报告”", f"({F('秘书长报告')})"),
    ("洗钱 OR 腐败", f"({ML} OR {CORRUPTION})"),
    ("money laundering OR cybercrime", f"({ML} OR {CYBER})"),
    ("洗钱 AND 腐败", f"({ML} AND {CORRUPTION})"),
    ("洗钱 洗錢 money laundering", ML),
    ("洗钱 -腐败", f"({ML} ANDNOT {CORRUPTION})"),
    ("-腐败", f"(<every> ANDNOT {CORRUPTION})"),
    # field filters
    ("theme:cybercrime", "FILTER theme:cybercrime"),
    ("verb:urges 洗钱", f"{ML} FILTER verb:urges"),
    ("session:GA-71 kind:operative", "FILTER (session:ga-71 AND kind:op)"),
    ("year:2016", "FILTER year:[2016 TO 2016]"),
    ("unit:A-RES-71-209", "FILTER unit:A-RES-71-209"),
    ("foo:bar", 'text:"foo bar"'),
    # prefixes
    ("traff*", "text:traff*"),
    ("a*", NOTHING),
    ("洗*", NOTHING),
    # symbols stay whole
    # a resolution number finds the resolution itself and the paragraphs citing it
    ("A/RES/71/209", "(text:a/res/71/209 OR unit:A-RES-71-209^1.5 OR unit:A-RES-71-209.en^1.5 OR cites:71/209^0.5)"),
    ("71/209", "(text:71/209 OR unit:A-RES-71-209^1.5 OR unit:A-RES-71-209.en^1.5 OR cites:71/209^0.5)"),
    # one Chinese word also matches when all but one of its bigrams occur (野生动植物)
    ("野生动物", "(text:野生动物 OR text_bigram:~野生动物~ OR ((text_bigram:野生 AND text_bigram:生动) OR (text_bigram:野生 AND text_bigram:动物) OR (text_bigram:生动 AND text_bigram:动物))^0.25)"),
    ("\"野生动物\"", "(text:野生动物 OR text_bigram:~野生动物~)"),
    # bad input: escaped, never an exception
    ("AND", NOTHING),
    ("OR", NOTHING),
    ("洗钱 OR", ML),
    ('"', NOTHING),
    ('"洗钱', ML),
    ("*", NOTHING),
    ("-", NOTHING),
    ("(洗钱)", ML),
    ("year:20x6", NOTHING),
    ('"><img onerror=alert(1)>',
     '(ATLEAST2(text:img , text:"onerror alert" , text:1) ANDMAYBE text:"img onerror alert 1"^2)'),
    ("<script>alert(1)</script>", '(ATLEAST2(text:"script alert" , text:1 , text:script) '
                                  'ANDMAYBE text:"script alert 1 script"^2)'),
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize("text, expected", TABLE, ids=[repr(row[0]) for row in TABLE])
def test_parse_table(text, expected):
    assert parsed(text).describe() == expected


CYBER_LABEL = facet_label("theme", "cybercrime")
OP_LABEL = facet_label("kind", "op")


@pytest.mark.parametrize("text, en, zh", [
    ("洗钱", "searching 洗钱 OR money laundering", "搜索 洗钱 或 money laundering"),
    ("money laundering", "searching money laundering OR 洗钱", "搜索 money laundering 或 洗钱"),
    ("洗钱 AND 腐败", "searching (洗钱 OR money laundering) AND 腐败",
     "搜索 (洗钱 或 money laundering) 且 腐败"),
    ("洗钱 腐败", "searching (洗钱 OR money laundering) AND 腐败; paragraphs with all of them "
     "first, then those with at least 1 of 2", "搜索 (洗钱 或 money laundering) 且 腐败；"
     "先列出全部包含的段落，再列出至少包含其中 1 项的段落"),
    ("-腐败", "browsing all paragraphs, excluding 腐败", "浏览全部段落，排除 腐败"),
    ("", "browsing all paragraphs", "浏览全部段落"),
    ("theme:cybercrime 腐败", f"searching 腐败, where theme = {CYBER_LABEL['en']}",
     f"搜索 腐败，限于 主题：{CYBER_LABEL['zh']}"),
    ("year:2016 kind:op", "browsing all paragraphs, where year = 2016 and kind = "
     f"{OP_LABEL['en']}", f"浏览全部段落，限于 年份：2016、段落：{OP_LABEL['zh']}"),
    ("*", "nothing searchable in the query", "查询中没有可搜索的词"),
])
def test_reading_in_both_languages(text, en, zh):
    assert parsed(text).reading == {"en": en, "zh": zh}


def test_expanded_lists_the_forms_not_typed():
    assert parsed("洗钱").expanded == ["money laundering", "laundering of money"]
    assert parsed("money laundering").expanded == ["洗钱", "laundering of money"]
    assert parsed("網路犯罪").expanded == ["网络犯罪", "电脑犯罪", "cybercrime", "cyber crime"]
    assert parsed("腐败").expanded == []


def test_browse_and_messages():
    assert parsed("").browse and parsed("-腐败").browse and parsed("theme:x").browse
    assert not parsed("腐败").browse and not parsed("*").browse
    assert parsed("a*").messages == ["“a*”: a prefix needs at least 2 letters",
                                     "nothing searchable in the query"]
    assert parsed("year:20x6").messages == ["“year:20x6”: a year is four digits",
                                            "nothing searchable in the query"]
    assert parsed("洗钱").messages == []


def test_plain_words_are_kept_for_suggestions():
    assert parsed('launderng "x y" -z theme:a OR').words == ["launderng"]


def test_too_many_words_are_cut_and_said():
    result = parsed(" ".join(f"w{i}" for i in range(40)))
    assert result.messages == ["only the first 32 words were searched"]
    assert result.describe().count("text:w") == 32
    assert result.describe().endswith("text:w30 AND text:w31)")  # and no phrase boost


@pytest.mark.parametrize("text, tokens", [
    ('a "b c" -d -"e f" OR g:h theme:x x*', [
        Token("word", "a"), Token("phrase", "b c"), Token("word", "d", True),
        Token("phrase", "e f", True), Token("or", "OR"), Token("word", "g:h"),
        Token("filter", "x", field="theme"), Token("prefix", "x")]),
    ('"unclosed', [Token("word", "unclosed")]),
    ("「洗钱」（腐败）", [Token("phrase", "洗钱"), Token("word", "腐败")]),
    ("-theme:drugs", [Token("filter", "drugs", True, "theme")]),
])
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses(text):
    result = parsed(text)
    assert isinstance(result.describe(), str)
    assert set(result.reading) == {"zh", "en"}


def test_loose_chinese_is_weighed_below_the_word_itself():
    from search.query.build import LOOSE_BOOST
    from search.query.form import AnyOf

    loose = [q for q in parsed("野生动物").query.items if isinstance(q, AnyOf)]
    assert [q.boost for q in loose] == [LOOSE_BOOST] and LOOSE_BOOST < 1


def test_relax_keeps_a_word_found_nowhere_where_hits_may_lack_it():
    # Each hit of 70/174 will say it lacks "resolution": nothing to loosen.
    assert relax(parsed("resolution 70/174"), known=lambda term: term != "resolut") is None


def test_relax_drops_words_found_nowhere_where_every_word_is_required():
    loose = relax(parsed("resolution AND 70/174"), known=lambda term: term != "resolut")
    assert loose.describe() == "(text:70/174 OR unit:A-RES-70-174^1.5 OR unit:A-RES-70-174.en^1.5 OR cites:70/174^0.5)"
    assert loose.reading == {
        "en": "searching 70/174; left out (in no paragraph): resolution",
        "zh": "搜索 70/174；已略去（无段落包含）：resolution"}
    assert loose.messages == ["no paragraph contains resolution; searched without"]


def test_relax_lets_the_terms_of_a_word_appear_apart():
    terms = segment("加强国际合作")
    loose = relax(parsed("加强国际合作 腐败"), known=lambda term: True)
    assert len(terms) > 1
    assert loose.describe() == f"ATLEAST1(({' AND '.join(f'text:{t}' for t in terms)}) , {CORRUPTION})"
    assert loose.reading["en"].endswith("; the words of 加强国际合作 anywhere in the paragraph")


def test_relax_keeps_lone_chinese_characters_only_when_nothing_else_is_left():
    loose = relax(parsed("第70/174号决议"), known=lambda term: True)
    assert "text:第" not in loose.describe() and "text:70/174" in loose.describe()


@pytest.mark.parametrize("text, known", [
    ("腐败", True),  # nothing to loosen
    ('"加强国际合作"', True),  # a quoted phrase stays exact
    ("洗钱", False),  # a concept stays as it is
    ("xyzzy", False),  # dropping every word leaves nothing
    ("", True),
])
def test_relax_gives_up_when_it_cannot_help(text, known):
    assert relax(parsed(text), known=lambda term: known) is None


def test_a_word_found_nowhere_may_name_part_of_a_concept():
    item = partial_concept("Palermo", lexicon=SmallGlossary())
    assert item.shown == "Palermo → 公约 OR United Nations Convention against Transnational Organized Crime"
    assert str(item.query) == UNTOC[:-1] + " OR text:palermo)"
    assert "Palermo Convention" in item.expanded


@pytest.mark.parametrize("word", ["xyzzy", "洗钱", "of", "money laundering"])
def test_no_partial_concept_for_unknown_short_or_non_latin_words(word):
    assert partial_concept(word, lexicon=SmallGlossary()) is None


def test_relax_reads_a_word_found_nowhere_as_the_concept_it_names():
    widen = lambda word: partial_concept(word, lexicon=SmallGlossary())  # noqa: E731
    loose = relax(parsed("Palermo 腐败"), known=lambda term: term != "palermo", widen=widen)
    assert loose.describe() == f"ATLEAST1({UNTOC[:-1]} OR text:palermo) , {CORRUPTION})"
    assert loose.concepts == [("Palermo", "Palermo"), ("腐败", "腐败")]


@dataclass(frozen=True)
class Theme:
    key: str


class GlossaryWithThemes(SmallGlossary):
    def themes(self):
        return [Theme("money_laundering"), Theme("prisons")]


def test_a_concept_that_is_a_theme_also_matches_the_theme():
    result = parse("洗钱", lexicon=GlossaryWithThemes())
    assert result.describe() == ML[:-1] + " OR theme:money_laundering^0.3)"
    assert result.expanded[-1] == "theme:money_laundering"
    assert parse("網路犯罪", lexicon=GlossaryWithThemes()).describe() == CYBER
