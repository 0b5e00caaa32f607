"""Facet value labels in Chinese and English (labels.toml, generated session names)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from search.lexicon.folding import HERE
from search.lexicon.themes import theme

_SESSION = re.compile(r"^([a-z0-9]+)-(\d{1,4})$")


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
