"""An operative verb typed at the head of a query reads as the verb facet.

"urges cybercrime" asks for the paragraphs in which something urges about cybercrime: the
verb is the paragraph's lead verb (the ``verb`` facet), not a word to find in the text,
which in Chinese says 敦促 and in English "Urges". The reading shows it, and the query text
without it is kept so that one click removes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MIN_CHINESE = 2  # 请 alone is in every other sentence; longer forms (敦促, 鼓励) are verbs


@dataclass(frozen=True)
class VerbRead:
    """A verb read from the query: its facet key, labels, as typed, and the rest."""

    key: str
    en: str  # "verb = Urges"
    zh: str  # "动词：敦促"
    typed: str
    without: str

    def removable(self) -> dict:
        """How the verb was read, and the query without it (the one-click removal)."""
        return {"facet": "verb", "key": self.key, "typed": self.typed,
                "en": self.en, "zh": self.zh, "without": self.without}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, dict[str, tuple[str, str, str]]]:
    """One pattern of every verb form (longest first) and form → (key, en, zh)."""
    try:
        from search.lexicon.verbs import verbs
    except ImportError:
        return re.compile(r"(?!)"), {}
    forms: dict[str, tuple[str, str, str]] = {}
    for verb in verbs():
        for form in verb.en_forms:
            forms.setdefault(form.lower(), (verb.key, verb.en, verb.zh))
        for form in verb.zh_forms:
            if len(form) >= MIN_CHINESE:
                forms.setdefault(form, (verb.key, verb.en, verb.zh))
    alternatives = "|".join(re.escape(f).replace(r"\ ", r"\s+")
                            for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"^\s*({alternatives})(?=\s|$)", re.IGNORECASE), forms


def split_verb(text: str) -> tuple[VerbRead | None, str]:
    """(the verb at the head of ``text``, the rest); (None, text) when there is none."""
    pattern, forms = _pattern()
    m = pattern.match(text)
    if m is None:
        return None, text
    typed = m.group(1)
    key, en, zh = forms[re.sub(r"\s+", " ", typed.lower())]
    rest = text[m.end():].strip()
    return VerbRead(key, f"verb = {en}", f"动词：{zh}", typed, rest), rest
