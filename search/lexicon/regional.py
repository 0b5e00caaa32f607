"""Taiwan and Hong Kong legal wording (regional.tsv), read as the UN glossary's concepts.

OpenCC folds script and common phrases, but the names of statutes and agencies
(洗錢防制法, 廉政公署) and legal terms differ beyond that. Each row of regional.tsv gives
one such form, its region and kind, the glossary concept it is the local wording of, and
its source. The forms join their concept's Chinese variants, so the glossary matchers (and
the query) read them as the concept.

Taiwan also joins 走私 (smuggling) to the object smuggled (毒品走私, 槍枝走私), where the
UN's Chinese says 贩运: :func:`trafficking_of` finds the glossary's illicit-trafficking
concept for an object concept by its wording (贩运枪支, 枪支贩运), a rule over the glossary
rather than a list of phrases.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from search.lexicon.folding import HERE, chinese_key

REGIONAL_COLUMNS = ("form", "region", "kind", "concept", "source")
REGIONS = frozenset({"tw", "hk"})
KINDS = frozenset({"statute", "agency", "term"})
_BRACKETS = str.maketrans("", "", "()（）《》〈〉")
SMUGGLING = "走私"
# How the UN's Chinese names trafficking in X: 贩运X, X贩运, 非法贩运X, 非法X贩运.
TRAFFICKING_PATTERNS = ("贩运{}", "{}贩运", "非法贩运{}", "非法{}贩运")


@dataclass(frozen=True)
class RegionalForm:
    """One Taiwan or Hong Kong wording and the glossary concept it stands for."""

    form: str
    region: str
    kind: str
    concept: str
    source: str

    @property
    def key(self) -> str:
        """The form as matched: without brackets and title marks."""
        return self.form.translate(_BRACKETS)


@lru_cache(maxsize=1)
def regional_forms() -> tuple[RegionalForm, ...]:
    """Every row of regional.tsv; raise ValueError naming the first malformed line."""
    lines = (HERE / "regional.tsv").read_text(encoding="utf-8").splitlines()
    rows = [(n, line) for n, line in enumerate(lines, start=1)
            if line.strip() and not line.startswith("#")]
    if not rows or tuple(rows[0][1].split("\t")) != REGIONAL_COLUMNS:
        raise ValueError(f"regional.tsv: header must be the columns {REGIONAL_COLUMNS}")
    forms = []
    for lineno, line in rows[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(REGIONAL_COLUMNS) or not all(cells):
            raise ValueError(f"regional.tsv:{lineno}: expected 5 filled tab-separated columns")
        form = RegionalForm(*cells)
        if form.region not in REGIONS or form.kind not in KINDS:
            raise ValueError(f"regional.tsv:{lineno}: bad region or kind in {line!r}")
        forms.append(form)
    return tuple(forms)


def with_regional_forms(terms: tuple) -> tuple:
    """The glossary terms, each with its regional forms added to its Chinese variants."""
    by_concept: dict[str, list[str]] = {}
    for form in regional_forms():
        by_concept.setdefault(form.concept, []).append(form.key)
    known = {term.id for term in terms}
    unknown = sorted(set(by_concept) - known)
    if unknown:
        raise ValueError(f"regional.tsv: no glossary concept {', '.join(unknown)}")
    return tuple(replace(t, zh_variants=tuple(dict.fromkeys(t.zh_variants + tuple(
        by_concept[t.id])))) if t.id in by_concept else t for t in terms)


def trafficking_of(obj, terms) -> object | None:
    """The glossary's trafficking concept for an object concept (枪支 → 非法贩运枪支)."""
    return _trafficking_index(tuple(terms)).get(obj.id)


@lru_cache(maxsize=2)
def _trafficking_index(terms: tuple) -> dict:
    """object concept id → trafficking concept, from the glossary's own wording."""
    owner: dict[str, object] = {}
    for term in terms:
        for form in (term.zh, *term.zh_variants):
            owner.setdefault(chinese_key(form), term)
    found = {}
    for term in terms:
        if term.type not in ("crime", "concept") or SMUGGLING in term.zh:
            continue
        for form in (term.zh, *term.zh_variants):
            for pattern in TRAFFICKING_PATTERNS:
                target = owner.get(pattern.format(chinese_key(form)))
                if target is not None and target is not term and term.id not in found:
                    found[term.id] = target
    return found


def join_smuggling(spans: list[tuple[int, int, object]], text: str,
                   terms) -> list[tuple[int, int, object]]:
    """Glossary spans with 走私 beside a trafficked object read as one trafficking concept.

    ``spans`` are (start, end, term) in text order; 野生動物 + 走私 (either order, with at
    most spaces between) becomes the span of 非法贩运野生动植物.
    """
    out: list[tuple[int, int, object]] = []
    i = 0
    while i < len(spans):
        if i + 1 < len(spans) and not text[spans[i][1]:spans[i + 1][0]].strip():
            (start, _, a), (_, end, b) = spans[i], spans[i + 1]
            obj = b if _is_smuggling(a) else a if _is_smuggling(b) else None
            joined = None if obj is None else trafficking_of(obj, terms) or (
                obj if _is_trafficking(obj, terms) else None)  # 贩毒走私: 贩毒 already says it
            if joined is not None:
                out.append((start, end, joined))
                i += 2
                continue
        out.append(spans[i])
        i += 1
    return out


def _is_trafficking(term, terms) -> bool:
    """True when ``term`` is the trafficking concept of some object (毒品贩运, 非法贩运枪支)."""
    return any(t is term for t in _trafficking_index(tuple(terms)).values())


def _is_smuggling(term) -> bool:
    return chinese_key(term.zh) == SMUGGLING
