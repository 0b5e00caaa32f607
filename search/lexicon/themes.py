"""The theme taxonomy (themes.toml) and the tagging of paragraphs with it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from search.lexicon.folding import HERE, _require_str, fold_chinese

_SPACE = r"[\s-]"


@dataclass(frozen=True)
class Theme:
    """One crime or criminal-justice theme of the taxonomy."""

    key: str
    zh: str
    en: str


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
