"""The verb table: lead verbs of resolution paragraphs, their modifiers and labels."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("verbs.toml")


@dataclass(frozen=True)
class VerbEntry:
    """One canonical verb: key, labels and the printed forms that lead to it."""

    key: str
    zh: str
    en: str
    zh_forms: tuple[str, ...]
    en_forms: tuple[str, ...]


@cache
def _table() -> tuple[dict[str, VerbEntry], tuple[str, ...], tuple[str, ...]]:
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    verbs = {
        key: VerbEntry(key, v["zh"], v["en"], tuple(v["zh_forms"]), tuple(v["en_forms"]))
        for key, v in data["verbs"].items()
    }
    mods = data["modifiers"]
    return verbs, tuple(mods["zh"]), tuple(mods["en"])


def verbs() -> list[VerbEntry]:
    """Every verb of the table, in table order."""
    return list(_table()[0].values())


def verb_label(key: str) -> dict:
    """{"key", "zh", "en"} for a verb key; the key itself for both labels when unknown."""
    entry = _table()[0].get(key)
    return {"key": key, "zh": entry.zh if entry else key, "en": entry.en if entry else key}


@cache
def _forms(lang: str) -> list[tuple[str, str]]:
    """(form, key) pairs, longest form first so 赞赏地注意到 wins over 注意到."""
    table = _table()[0]
    pairs = [(f, v.key) for v in table.values() for f in (v.zh_forms if lang == "zh" else v.en_forms)]
    return sorted(pairs, key=lambda p: -len(p[0]))


def lead_verb(text: str, lang: str = "zh") -> tuple[str, str] | None:
    """(key, lead as printed) for the verb that opens a paragraph, modifiers included."""
    _, zh_mods, en_mods = _table()
    if lang == "zh":
        return _lead_zh(text, zh_mods)
    return _lead_en(text, en_mods)


def _lead_zh(text: str, mods: tuple[str, ...]) -> tuple[str, str] | None:
    pos = len(text) - len(text.lstrip())
    while True:  # modifiers stack: 在这方面还, 又再次 …
        for mod in mods:
            if text.startswith(mod, pos) and not _is_verb_at(text, pos):
                pos += len(mod)
                pos += len(text[pos:]) - len(text[pos:].lstrip())
                break
        else:
            break
    for form, key in _forms("zh"):
        if text.startswith(form, pos):
            return key, text[: pos + len(form)].strip()
    return None


def _is_verb_at(text: str, pos: int) -> bool:
    """Whether a verb form itself starts here (强烈谴责 is a verb, not 强烈 + 谴责)."""
    return any(text.startswith(form, pos) and len(form) > 2 for form, _ in _forms("zh"))


def _lead_en(text: str, mods: tuple[str, ...]) -> tuple[str, str] | None:
    lowered = text.lower()
    pos = len(text) - len(text.lstrip())
    changed = True
    while changed:
        changed = False
        for mod in sorted(mods, key=len, reverse=True):
            if re.match(re.escape(mod) + r"\b[\s,]*", lowered[pos:]) and not _en_form_at(lowered, pos):
                pos += re.match(re.escape(mod) + r"\b[\s,]*", lowered[pos:]).end()
                changed = True
                break
    for form, key in _forms("en"):
        if re.match(re.escape(form) + r"\b", lowered[pos:]):
            return key, text[: pos + len(form)].strip()
    return None


def _en_form_at(lowered: str, pos: int) -> bool:
    return any(re.match(re.escape(f) + r"\b", lowered[pos:]) for f, _ in _forms("en") if " " in f)
