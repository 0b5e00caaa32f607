"""Chinese "did you mean": a typed word the text never spells, corrected by sound and shape.

An input method picks whole words by their pinyin, so a Chinese typo is mostly a homophone
(网洛犯罪 for 网络犯罪) or a near one (洗线 for 洗钱), one character off. Candidates are the
words of the index (with how many paragraphs hold each) and the glossary's Chinese forms,
filed by length under each one-character wildcard (网*犯罪), so a look-up touches only the
words one character away. They rank by how close the changed characters sound (same pinyin,
then same syllable but tone, then one letter off), then glossary forms, then frequency.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

MIN_LENGTH, MAX_LENGTH = 2, 8  # a one-character word has no typo to fix; long runs are text
WILDCARD = "*"
MAX_TRIES = 6  # corrections searched for one word


@dataclass(frozen=True)
class Candidate:
    """A known word and how much it is worth proposing."""

    word: str
    frequency: int
    glossary: bool


def syllables(word: str) -> list[str]:
    """The toneless pinyin of each character (the character itself when it has none)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(word, style=Style.NORMAL, errors=lambda chars: list(chars))


def sound_distance(a: str, b: str) -> int:
    """0 for the same syllable, 1 for one letter off (xian/qian, lun/luo), else 3."""
    if a == b:
        return 0
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1:
        return 1
    if abs(len(a) - len(b)) == 1 and (a.startswith(b) or b.startswith(a) or
                                      a.endswith(b) or b.endswith(a)):
        return 1
    return 3


class ChineseSpeller:
    """Corrections of one character over a vocabulary of known Chinese words."""

    def __init__(self, words: Iterable[Candidate]):
        self._by_pattern: dict[str, list[Candidate]] = defaultdict(list)
        self._known: dict[str, Candidate] = {}
        for candidate in words:
            if not MIN_LENGTH <= len(candidate.word) <= MAX_LENGTH:
                continue
            if candidate.word in self._known:
                continue
            self._known[candidate.word] = candidate
            for pattern in _patterns(candidate.word):
                self._by_pattern[pattern].append(candidate)

    def __contains__(self, word: str) -> bool:
        return word in self._known

    def correct(self, word: str) -> str | None:
        """The best known word one character from ``word``; None when none is close."""
        if not MIN_LENGTH <= len(word) <= MAX_LENGTH or word in self._known:
            return None
        typed = syllables(word)
        best: tuple[float, str] | None = None
        for pattern in _patterns(word):
            at = pattern.index(WILDCARD)
            for candidate in self._by_pattern.get(pattern, ()):
                sound = sound_distance(typed[at], syllables(candidate.word[at])[0])
                if sound > 1 and len(word) < 4:
                    continue  # in a short word a change of sound is another word
                score = (-sound * 10 + (5 if candidate.glossary else 0)
                         + math.log1p(candidate.frequency))
                if best is None or score > best[0]:
                    best = (score, candidate.word)
        return best[1] if best else None


def _patterns(word: str) -> list[str]:
    """The word with each character in turn replaced by the wildcard."""
    return [word[:i] + WILDCARD + word[i + 1:] for i in range(len(word))]


def speller_for(frequencies: dict[str, int], glossary_forms: Iterable[str]) -> ChineseSpeller:
    """A speller over the index's Chinese words and the glossary's Chinese forms."""
    from search.query.sources import all_cjk

    glossary = {form for form in glossary_forms if all_cjk(form)}
    words = [Candidate(w, n, w in glossary) for w, n in frequencies.items() if all_cjk(w)]
    words += [Candidate(w, frequencies.get(w, 0), True) for w in glossary]
    # Glossary forms first, so that a word both in the index and the glossary is marked so.
    words.sort(key=lambda c: not c.glossary)
    return ChineseSpeller(words)


def correct_chinese(speller: ChineseSpeller, word: str, finds) -> str | None:
    """``word`` with its one misspelt piece corrected, when the text never spells it.

    ``finds(text)`` tells whether a text has hits. The whole word is tried first, then its
    pieces of four to two characters (打击网洛犯罪: 网洛犯罪 → 网络犯罪).
    """
    from search.analysis import normalize

    word = normalize(word).strip()
    if not word or finds(word):
        return None
    tries = MAX_TRIES
    for size in range(min(len(word), MAX_LENGTH), MIN_LENGTH - 1, -1):
        for start in range(len(word) - size + 1):
            piece = word[start:start + size]
            better = speller.correct(piece)
            if better is not None:
                candidate = word[:start] + better + word[start + size:]
                if finds(candidate):
                    return candidate
                tries -= 1
                if not tries:
                    return None  # a run of noise: stop before it costs seconds
    return None
