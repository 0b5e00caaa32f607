"""The English-Chinese glossary of UN terms (glossary.tsv) and its longest-first matchers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from search.lexicon.folding import _ZH_SKIP, HERE, _require_str, chinese_key, fold_chinese

TERM_TYPES = frozenset({"convention", "protocol", "declaration", "standard", "body", "office",
                        "programme", "crime", "concept", "document", "event", "fund", "other"})
GLOSSARY_COLUMNS = ("id", "type", "en", "zh", "en_variants", "zh_variants", "source")
_EN_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['’][A-Za-z]+)?")
_END = ""  # trie key of "a term ends here"; never a character of a key


@dataclass(frozen=True)
class Term:
    """One glossary entry: a UN term in English and Chinese with its variants."""

    id: str
    type: str
    en: str
    zh: str
    en_variants: tuple[str, ...]
    zh_variants: tuple[str, ...]
    source: tuple[str, ...]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


@lru_cache(maxsize=1)
def _glossary() -> tuple[Term, ...]:
    lines = (HERE / "glossary.tsv").read_text(encoding="utf-8").splitlines()
    if tuple(lines[0].split("\t")) != GLOSSARY_COLUMNS:
        raise ValueError(f"glossary.tsv: header must be the columns {GLOSSARY_COLUMNS}")
    terms = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(GLOSSARY_COLUMNS):
            raise ValueError(f"glossary.tsv:{lineno}: expected 7 tab-separated columns, "
                             f"got {len(cells)}")
        tid, ttype, en, zh, en_vars, zh_vars, source = (c.strip() for c in cells)
        if ttype not in TERM_TYPES or not (tid and en and zh):
            raise ValueError(f"glossary.tsv:{lineno}: bad entry {tid!r} (type {ttype!r})")
        terms.append(Term(tid, ttype, en, zh, _split(en_vars), _split(zh_vars), _split(source)))
    from search.lexicon.regional import with_regional_forms  # Taiwan and Hong Kong wording

    return with_regional_forms(tuple(terms))


def glossary() -> list[Term]:
    """Every glossary entry, in file order."""
    return list(_glossary())


def chinese_terms() -> list[str]:
    """Every Chinese term and variant, folded to simplified, in glossary order."""
    found = [chinese_key(form) for t in _glossary() for form in (t.zh, *t.zh_variants)]
    return list(dict.fromkeys(f for f in found if f))


@lru_cache(maxsize=1)
def _chinese_trie() -> dict:
    trie: dict = {}
    for term in _glossary():
        for form in (term.zh, *term.zh_variants):
            node = trie
            for ch in chinese_key(form):
                node = node.setdefault(ch, {})
            node.setdefault(_END, term)  # the first entry listing a form owns it
    return trie


def _longest_first(found: list[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Keep the longest matches that do not overlap a longer one; return in text order."""
    chosen: list[tuple[int, int, Term]] = []
    for start, end, term in sorted(set(found), key=lambda m: (m[0] - m[1], m[0], m[2].id)):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, term))
    return sorted(chosen, key=lambda m: m[0])


def _scan_chinese(folded: str, trie: dict) -> list[tuple[int, int, Term]]:
    found = []
    for start, first in enumerate(folded):
        if first in _ZH_SKIP or first not in trie:
            continue
        node, best = trie, None
        for pos in range(start, len(folded)):
            ch = folded[pos]
            if ch in _ZH_SKIP:
                continue
            node = node.get(ch)
            if node is None:
                break
            if _END in node:
                best = (pos + 1, node[_END])
        if best:
            found.append((start, best[0], best[1]))
    return found


def match_chinese(text: str) -> list[tuple[int, int, Term]]:
    """Glossary terms in Chinese text (any script), longest first, non-overlapping.

    Offsets refer to ``text``; the text is folded to simplified with t2s, tw2sp and hk2s.
    """
    _require_str(text, "match_chinese")
    trie = _chinese_trie()
    found = [m for folded in fold_chinese(text) for m in _scan_chinese(folded, trie)]
    return _longest_first(found)


def _plain_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"['’]s$", "", word)


def _stem(word: str) -> str:
    """Lower-case and strip a simple English plural, the same way on both sides."""
    w = _plain_word(word).lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "xes", "ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _cased(words: list[str]) -> bool:
    """Acronyms and names like UNODC, GlobE, ID-Art match only as written."""
    return any(ch.isupper() for w in words for ch in w[1:])


@lru_cache(maxsize=1)
def _english_trie() -> dict:
    trie: dict = {}
    for term in _glossary():
        for form in (term.en, *term.en_variants):
            words = _EN_TOKEN.findall(form)
            if not words:
                continue
            node = trie
            for word in words:
                node = node.setdefault(_stem(word), {})
            cased = tuple(_plain_word(w) for w in words) if _cased(words) else None
            node.setdefault(_END, []).append((term, cased))
    return trie


def _case_ok(cased: tuple[str, ...] | None, words: list[str]) -> bool:
    if cased is None:
        return True
    seen = [_plain_word(w) for w in words]
    return seen[:-1] == list(cased[:-1]) and seen[-1].rstrip("s") == cased[-1].rstrip("s")


def match_english(text: str) -> list[tuple[int, int, Term]]:
    """Glossary terms in English text: whole words, any case, plurals and hyphens tolerated."""
    _require_str(text, "match_english")
    tokens = list(_EN_TOKEN.finditer(text))
    stems = [_stem(t.group()) for t in tokens]
    trie = _english_trie()
    found = []
    for i in range(len(tokens)):
        node, best = trie, None
        for j in range(i, len(tokens)):
            node = node.get(stems[j])
            if node is None:
                break
            words = [t.group() for t in tokens[i:j + 1]]
            owner = next((t for t, cased in node.get(_END, []) if _case_ok(cased, words)), None)
            if owner is not None:
                best = (tokens[j].end(), owner)
        if best:
            found.append((tokens[i].start(), best[0], best[1]))
    return _longest_first(found)
