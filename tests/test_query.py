"""The query parser as a table of (input, expected query string), plus its readings.

A small glossary stands in for ``search.lexicon`` so the table tests parsing, not the
glossary's contents; the analyzers are the project's own (the terms the index holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.query import parse
from search.syntax import Token, tokenize


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


def parsed(text):
    return parse(text, lexicon=SmallGlossary())


ML = '(text:洗钱 OR text:"monei launder" OR text:"launder monei")'
CYBER = ('(text:网络犯罪 OR text:"网路 犯罪" OR text:"电脑 犯罪" OR text:cybercrime '
         'OR text:"cyber crime")')
CORRUPTION = "(text:腐败 OR text_bigram:腐败)"
UNTOC = ('(text:公约 OR text:"unit nation convent against transnat organiz crime" '
         'OR text:untoc OR text:"palermo convent")')
NOTHING = "<_NullQuery>"

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
    ("秘书长报告", '(text:"秘书长 报告" OR text_bigram:"秘书 书长 长报 报告")'),
    ("technical assistance",
     '((text:technic AND text:assist) ANDMAYBE text:"technic assist")'),
    ("打击洗钱和腐败", f"((text:打击 OR text_bigram:打击) AND {ML} AND {CORRUPTION})"),
    # syntax: phrases, OR, AND, exclusion
    ('"秘书长报告"', '(text:"秘书长 报告" OR text_bigram:"秘书 书长 长报 报告")'),
    ("“秘书长报告”", '(text:"秘书长 报告" OR text_bigram:"秘书 书长 长报 报告")'),
    ("洗钱 OR 腐败", f"({ML} OR {CORRUPTION})"),
    ("money laundering OR cybercrime", f"({ML} OR {CYBER})"),
    ("洗钱 AND 腐败", f"({ML} AND {CORRUPTION})"),
    ("洗钱 -腐败", f"({ML} ANDNOT {CORRUPTION})"),
    ("-腐败", f"(None:* ANDNOT {CORRUPTION})"),
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
    ("A/RES/71/209", "text:a/res/71/209"),
    ("71/209", "text:71/209"),
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
     '((text:img AND text:"onerror alert" AND text:1) ANDMAYBE text:"img onerror alert 1")'),
    ("<script>alert(1)</script>", '((text:"script alert" AND text:1 AND text:script) '
                                  'ANDMAYBE text:"script alert 1 script")'),
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize("text, expected", TABLE, ids=[repr(row[0]) for row in TABLE])
def test_parse_table(text, expected):
    assert parsed(text).describe() == expected


@pytest.mark.parametrize("text, en, zh", [
    ("洗钱", "searching 洗钱 OR money laundering", "搜索 洗钱 或 money laundering"),
    ("money laundering", "searching money laundering OR 洗钱", "搜索 money laundering 或 洗钱"),
    ("洗钱 腐败", "searching (洗钱 OR money laundering) AND 腐败",
     "搜索 (洗钱 或 money laundering) 且 腐败"),
    ("-腐败", "browsing all paragraphs, excluding 腐败", "浏览全部段落，排除 腐败"),
    ("", "browsing all paragraphs", "浏览全部段落"),
    ("theme:cybercrime 腐败", "searching 腐败, where theme:cybercrime", "搜索 腐败，限于 theme:cybercrime"),
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
    words = " ".join(f"w{i}" for i in range(32))
    assert result.describe().count("text:w") == 32
    assert result.describe().endswith(f'text:w31) ANDMAYBE text:"{words}")')


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
