"""The dictionary fallback: a word the glossary lacks still reaches the other language.

An English word (or short phrase) outside the glossary is read as the Chinese headwords
whose CC-CEDICT glosses match its lemma ("protection" → 保护); a Chinese word outside the
glossary as the English glosses of its headword (for English documents). Only headwords the
index holds are kept (``frequency(term)`` says how many paragraphs hold a text term), so
parsing stays pure: the engine passes the index's frequencies in. The glossary comes first:
these alternatives weigh less than the word and than a glossary concept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from search.query.sources import has_cjk

FALLBACK_BOOST = 0.6  # below the typed word and the glossary concepts (boost 1)
MAX_HEADWORDS = 3  # a word read as more Chinese words than this is too vague to help
MAX_PHRASE = 3  # English words in one dictionary phrase ("death penalty")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Fallback:
    """Dictionary look-ups bound to one index's term frequencies."""

    frequency: Callable[[str], int]
    segment: Callable[[str], list[str]]
    source: Callable[[], object] | None = None  # the dictionary (default: CC-CEDICT)

    def dictionary(self):
        """The dictionary, loaded on first use."""
        if self.source is not None:
            return self.source()
        from search.lexicon.cedict import dictionary

        return dictionary()

    def chinese(self, english: str) -> list[str]:
        """Chinese headwords for an English word or phrase that the index holds, best first."""
        if not all(_LATIN_WORD.fullmatch(w) for w in english.split()):
            return []
        found = []
        for head in self.dictionary().chinese(english):
            if len(head) < 2:
                continue  # one character (海, 兵) means too many things to search for
            terms = self.segment(head)
            if terms and all(self.frequency(t) for t in terms):
                found.append(head)
            if len(found) == MAX_HEADWORDS:
                break
        return found

    def english(self, chinese: str) -> list[str]:
        """English glosses of a Chinese word whose terms the index holds (English texts)."""
        if not has_cjk(chinese):
            return []
        found = []
        for gloss in self.dictionary().english(chinese.strip()):
            terms = self.segment(gloss)
            if terms and all(self.frequency(t) for t in terms):
                found.append(gloss)
            if len(found) == MAX_HEADWORDS:
                break
        return found

    def phrases(self, words: list[str]) -> list[tuple[int, int, list[str]]]:
        """(start, end, headwords) over ``words``: the longest dictionary phrase first.

        Words the dictionary does not know get no span; a span covers 1–MAX_PHRASE words.
        """
        spans, i = [], 0
        while i < len(words):
            for length in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                heads = self.chinese(" ".join(words[i:i + length]))
                if heads and (length > 1 or not _is_stop(words[i])):
                    spans.append((i, i + length, heads))
                    i += length
                    break
            else:
                i += 1
        return spans


def _is_stop(word: str) -> bool:
    """English function words are not translated (of → 的 would match every paragraph)."""
    return word.lower() in {"of", "the", "a", "an", "and", "or", "in", "on", "for", "to",
                            "by", "with", "at", "from", "as", "is", "be", "its", "their"}
