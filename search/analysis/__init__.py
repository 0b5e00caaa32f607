"""Text analysis: the one place where text becomes terms, for the indexer and queries alike.

    text_analyzer()   word-level terms for the main `text` field (Chinese words via jieba
                      and our UN dictionary, English stemmed words, numbers, symbols)
    bigram_analyzer() recall field: Chinese character bigrams, the same Latin terms
    normalize(text)   the normalizers alone: width fold, traditional → simplified, lowercase
    segment(text)     the query-side term texts of text_analyzer()
    analysis_stamp()  what the index records, so a mismatch says "rebuild"
    warm_up()         load the dictionary now (servers call it at start)

Modes: with ``mode="index"`` a long dictionary term (联合国毒品和犯罪问题办公室) also yields
the dictionary words inside it, and a symbol (A/RES/71/209) its number (71/209), stacked
on the same position; every other mode yields exactly one token per word, so a query
never carries overlapping pieces. Positions are consecutive word positions; startchar and
endchar point into the original text, and ``normalize(text[start:end])`` is the term
(before English stemming).

The Chinese dictionary (jieba's plus search/lexicon/userdict.txt plus the glossary terms)
is cached under $CONCORD_CACHE_DIR, else var/cache in a checkout or ~/.cache/concord when
installed: built once (~2 s), then a fresh process loads only the parts it meets (~0.2 s
to the first query).
"""

from __future__ import annotations

from whoosh.analysis import Analyzer

from search.analysis.dictionary import ANALYZER_VERSION, dictionary_checksum
from search.analysis.normalizers import normalize
from search.analysis.tokenizer import (
    ConcordTokenizer,
    EnglishStemFilter,
    EnglishStopFilter,
)

__all__ = [
    "ANALYZER_VERSION",
    "ConcordTokenizer",
    "EnglishStemFilter",
    "EnglishStopFilter",
    "analysis_stamp",
    "bigram_analyzer",
    "dictionary_checksum",
    "normalize",
    "segment",
    "text_analyzer",
    "warm_up",
]


def text_analyzer() -> Analyzer:
    """Word-level analyzer for the main `text` field (Chinese and English mixed)."""
    return ConcordTokenizer("words") | EnglishStopFilter() | EnglishStemFilter()


def bigram_analyzer() -> Analyzer:
    """Recall analyzer: Chinese character bigrams, Latin terms as in text_analyzer()."""
    return ConcordTokenizer("bigrams") | EnglishStopFilter() | EnglishStemFilter()


_QUERY_ANALYZER = text_analyzer()


def segment(text: str) -> list[str]:
    """Term texts of text_analyzer() over text, as a query sees them (stop words removed)."""
    return [token.text for token in _QUERY_ANALYZER(text, mode="query")]


def analysis_stamp() -> dict:
    """The analyzer version and dictionary checksum, as the indexer stores them."""
    return {"analyzer_version": ANALYZER_VERSION, "dictionary_checksum": dictionary_checksum()}


def warm_up() -> None:
    """Load the Chinese dictionary (cache) now rather than on the first query."""
    segment("联合国毒品和犯罪问题办公室")
