"""The bilingual lexicon: crime themes, the English-Chinese glossary of UN terms, facet labels.

Data lives beside this module (themes.toml, glossary.tsv, labels.toml); this code loads it
once and answers three questions: which themes is a paragraph about (:func:`tag_themes`),
which glossary terms occur in a text (:func:`match_english`, :func:`match_chinese`), and
how is a facet value called in each language (:func:`label`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
TERM_TYPES = frozenset({"convention", "protocol", "declaration", "standard", "body", "office",
                        "programme", "crime", "concept", "document", "event", "fund", "other"})
GLOSSARY_COLUMNS = ("id", "type", "en", "zh", "en_variants", "zh_variants", "source")
# OpenCC configurations tried on Chinese text: plain script folding, then the Taiwan and
# Hong Kong phrase tables, so that a TW wording such as 網路 also reads as 网络.
FOLDINGS = ("t2s", "tw2sp", "hk2s")
# Characters a Chinese term may straddle: line wraps of the extraction, spaces around
# digits ("2030 年"), and title marks (《…》 around a title nested in another title).
_ZH_SKIP = frozenset(" \t\r\n\u3000\u00a0《》〈〉<>")
_DOTS = {c: "·" for c in "・‧•∙･"}  # name dots of 纳尔逊·曼德拉 in their several encodings
_WIDE = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_EN_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['’][A-Za-z]+)?")
_SESSION = re.compile(r"^([a-z0-9]+)-(\d{1,4})$")
_SPACE = r"[\s-]"
_END = ""  # trie key of "a term ends here"; never a character of a key


@dataclass(frozen=True)
class Theme:
    """One crime or criminal-justice theme of the taxonomy."""

    key: str
    zh: str
    en: str


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


# ---------------------------------------------------------------- Chinese folding

@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _normalize_chars(text: str) -> str:
    """Width, name dots and case, one character for one so offsets survive."""
    out = []
    for ch in text:
        ch = _WIDE.get(ch, _DOTS.get(ch, ch))
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def fold_chinese(text: str) -> list[str]:
    """The text folded to simplified by each OpenCC table that keeps its length.

    Every result has the length of ``text``, so an offset into it is an offset into the
    input; when no table preserves length the (normalized) original is matched instead.
    """
    folded: list[str] = []
    for config in FOLDINGS:
        converted = _converter(config).convert(text)
        if len(converted) == len(text):
            folded.append(_normalize_chars(converted))
    return list(dict.fromkeys(folded)) or [_normalize_chars(text)]


def chinese_key(term: str) -> str:
    """A Chinese term as the matcher stores it: simplified, normalized, no skippable marks."""
    simplified = _normalize_chars(_converter("t2s").convert(term))
    return "".join(ch for ch in simplified if ch not in _ZH_SKIP)


# ---------------------------------------------------------------- themes

def _require_str(text: object, caller: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{caller} expects text as str, got {type(text).__name__}")


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[tuple[Theme, ...], dict, re.Pattern, re.Pattern]:
    data = tomllib.loads((HERE / "themes.toml").read_text(encoding="utf-8"))
    found: list[Theme] = []
    rules: dict[str, tuple[re.Pattern, re.Pattern]] = {}
    for entry in data["theme"]:
        item = Theme(entry["key"], entry["zh_label"], entry["en_label"])
        if item.key in rules:
            raise ValueError(f"themes.toml: duplicate theme key {item.key!r}")
        found.append(item)
        zh = "|".join("(?:" + p + ")" for p in entry["zh"])
        # A space in an English rule stands for a space or a hyphen (cyber crime, cyber-crime).
        en = "|".join("(?:" + p.replace(" ", _SPACE) + ")" for p in entry["en"])
        rules[item.key] = (re.compile(zh, re.I), re.compile(r"\b(?:" + en + r")\b", re.I))
    ignore = data.get("ignore", {})
    zh_ignore = re.compile("|".join(ignore.get("zh", [])) or "(?!)", re.I)
    en_ignore = re.compile("|".join(p.replace(" ", _SPACE) for p in ignore.get("en", [])) or "(?!)",
                           re.I)
    return tuple(found), rules, zh_ignore, en_ignore


def themes() -> list[Theme]:
    """All themes in taxonomy order."""
    return list(_taxonomy()[0])


def theme(key: str) -> Theme:
    """The theme with this key; KeyError naming the key when there is none."""
    for item in _taxonomy()[0]:
        if item.key == key:
            return item
    raise KeyError(f"unknown theme {key!r}")


def tag_themes(text: str, lang: str = "zh") -> list[str]:
    """Keys of the themes a paragraph is about, in taxonomy order, without repeats."""
    _require_str(text, "tag_themes")
    taxonomy, rules, zh_ignore, en_ignore = _taxonomy()
    if lang == "zh":
        # Names of bodies are blanked so that e.g. UNODC's 毒品 never reads as "drugs".
        views = [zh_ignore.sub("#", "".join(f.split())) for f in fold_chinese(text)]
        index = 0
    elif lang == "en":
        views = [en_ignore.sub("#", text)]
        index = 1
    else:
        raise ValueError(f"unknown language {lang!r}: expected 'zh' or 'en'")
    return [t.key for t in taxonomy if any(rules[t.key][index].search(v) for v in views)]


# ---------------------------------------------------------------- glossary

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
    return tuple(terms)


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


# ---------------------------------------------------------------- facet labels

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """An integer 0-9999 in Chinese numerals as UN documents write sessions (六十八, 一百零一)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 9999:
        raise ValueError(f"chinese_numeral expects an integer 0-9999, got {n!r}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:  # 十, 十一 … 十九: no leading 一
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out, gap = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if gap else "") + _DIGITS[digit] + name
            gap = False
        elif out:
            gap = True  # one 零 stands for any run of zeros between digits
    return out


@lru_cache(maxsize=1)
def _labels() -> dict:
    return tomllib.loads((HERE / "labels.toml").read_text(encoding="utf-8"))


_FACET_ALIASES = {"language": "lang", "languages": "lang", "bodies": "body", "kinds": "kind"}


def _session_label(key: str) -> dict | None:
    m = _SESSION.match(key)
    prefix = _labels().get("session_prefix", {}).get(m.group(1)) if m else None
    if prefix is None or int(m.group(2)) == 0:
        return None
    n = int(m.group(2))
    return {"key": key, "zh": prefix["zh"].format(n=chinese_numeral(n)),
            "en": prefix["en"].format(n=n)}


def _verb_label(key: str) -> dict | None:
    try:  # the verb table is the lead's module; absent or unknown means "show the key"
        from search.lexicon.verbs import verb_label
        found = verb_label(key)
    except (ImportError, LookupError, ValueError):
        return None
    if not isinstance(found, dict):
        return None
    return {"key": key, "zh": found.get("zh") or key, "en": found.get("en") or key}


def label(facet: str, key: str) -> dict:
    """{"key", "zh", "en"} for a facet value; unknown values get the key as both labels."""
    facet = _FACET_ALIASES.get(str(facet).strip().lower(), str(facet).strip().lower())
    key = str(key)
    found: dict | None = None
    if facet == "theme":
        try:
            item = theme(key)
            found = {"key": key, "zh": item.zh, "en": item.en}
        except KeyError:
            found = None
    elif facet == "verb":
        found = _verb_label(key)
    elif facet == "session":
        found = _session_label(key)
    elif facet != "session_prefix":
        entry = _labels().get(facet, {}).get(key)
        if isinstance(entry, dict) and entry.get("zh") and entry.get("en"):
            found = {"key": key, "zh": entry["zh"], "en": entry["en"]}
    return found or {"key": key, "zh": key, "en": key}
