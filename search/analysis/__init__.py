"""Text analysis: the one place where text becomes terms, for the indexer and queries alike.

    text_analyzer()   word-level terms for the main `text` field (Chinese words via jieba
                      and our UN dictionary, English stemmed words, numbers, symbols)
    bigram_analyzer() recall field: Chinese character bigrams, the same Latin terms
    normalize(text)   the normalizers alone: width fold, traditional → simplified, lowercase
    segment(text)     the query-side term texts of text_analyzer()
    analysis_stamp()  what the index records, so a mismatch says "rebuild"
    warm_up()         load the dictionary now (servers call it at start)
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
