"""Stage 4 — tag: each paragraph's lead verb, crime themes and the resolutions it cites."""

from __future__ import annotations

import re

from index.clean import UNIT_LABEL
from index.model import Document, Verb
from search.lexicon import tag_themes
from search.lexicon.verbs import lead_verb

# "第 70/174、70/175 和 70/182 号决议", "第 46/152 号、…第 60/1 号…决议", "S-30/1号决议"
ZH_CITE_SPAN = re.compile(r"(?:第\s*)?((?<![A-Za-z0-9/.\-])(?:S-)?\d{1,4}/\d{1,4}(?:\s*[A-Z](?![A-Za-z]))?(?:\s*(?:、|和|及|以及|,|，)\s*(?:第\s*)?(?:S-)?\d{1,4}/\d{1,4}(?:\s*[A-Z](?![A-Za-z]))?)*)\s*号")
EN_CITE_SPAN = re.compile(r"\b(?:resolutions?|decisions?)\s+((?:S-)?\d{1,4}/\d{1,4}[^;:.]{0,160})", re.I)
REF = re.compile(r"(?<![A-Za-z0-9/.\-])(?:S-)?\d{1,4}/\d{1,4}(?:\s?[A-Z](?![\w/]))?")


def cites(text: str, lang: str = "zh") -> list[str]:
    """The resolution and decision numbers a paragraph cites, in order, without repeats."""
    span = ZH_CITE_SPAN if lang == "zh" else EN_CITE_SPAN
    found: list[str] = []
    if lang == "zh" and not re.search("决议|决定", text):
        return found
    for m in span.finditer(text):
        for ref in REF.findall(m.group(1)):
            ref = ref.replace(" ", "")
            if ref not in found:
                found.append(ref)
    return found


def tag(doc: Document) -> Document:
    """Fill in verb, themes and cites for every paragraph of a document (in place)."""
    for unit in doc.units:
        for para in unit.paragraphs:
            found = lead_verb(para.text, para.lang)
            para.verb = Verb(key=found[0], lead=found[1]) if found else None
            para.themes = tag_themes(para.text, para.lang)
            para.cites = cites(para.text, para.lang)
    return doc


def citation_targets(documents: list[Document]) -> dict[str, str]:
    """Map a cited number ("68/193", "20/1") to the id of the corpus unit it names."""
    targets: dict[str, str] = {}
    for doc in documents:
        for unit in doc.units:
            if unit.symbol and unit.symbol.startswith("A/RES/"):
                targets[unit.symbol.removeprefix("A/RES/")] = unit.id
            m = UNIT_LABEL.match(unit.label)
            if m and m.group("kind") == "决议":
                targets.setdefault(m.group("sym"), unit.id)
    return targets
