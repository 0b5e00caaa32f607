"""Stage 5 — link: the same language in other texts, and how units of one work relate.

Paragraphs are matched across units by content (see index.fingerprint), never all pairs:

    identical  the folded texts are equal (spacing, punctuation width, footnote markers aside)
    edited     the folded texts are alike (difflib similarity >= EDITED)
    related    they share passages of RELATED_PASSAGE folded characters (in runs of BLOCK+)

Units are linked as draft_of / adopted_as (a draft and the adopted text of the same title
and session, or as the manifest states, confirmed by content), earlier_version /
later_version (adopted texts of one title and body: the omnibus series, by date) and
translation_of (one work, i.e. symbol, in two languages; paragraphs paired by label).
Each paragraph of a later version is marked new, edited or unchanged against the
previous version (search.align). The results are put on the dataclasses the writer reads.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cpdist

from index.fingerprint import K, K_OTHER, fingerprints, folded_codes, identity_key, shared_counts
from index.model import Document, Paragraph, Unit
from search.align import STRENGTH, align, similarity

EDITED = 0.6  # similarity of the folded texts from which two paragraphs are versions of one another
RELATED_PASSAGE = 30  # folded characters shared in long runs that make two paragraphs related
BLOCK = 10  # … counting runs of this many characters or more (a convention's name is ~20)
CANDIDATE_SHARED = 2  # fingerprints two paragraphs must share to be measured at all …
CANDIDATE_CONTAINMENT = 0.15  # … covering this share of the shorter one's fingerprints
PAIRS_CHUNK = 1_000_000  # candidate pairs measured per batch
WORKERS = 2  # threads measuring them (the build machine has two cores)
CONFIRM = 0.3  # share of a unit's paragraphs linked to the other unit that confirms a relation
MAX_LINKS = 50  # content links kept per paragraph, strongest first (agreed language may recur
# in thousands of paragraphs of a large collection: a page lists the closest, and memory stays
# bounded); also how many others each member of a group of identical paragraphs is paired with


def link(documents: list[Document], manifest: dict | None = None) -> None:
    """Fill in paragraph links, unit relations and change marks on ``documents`` (in place)."""
    units = [(doc, unit) for doc in documents for unit in doc.units]
    paragraphs = [(unit, para) for _, unit in units for para in unit.paragraphs]
    for _, para in paragraphs:
        para.links, para.change = [], None
    for _, unit in units:
        unit.relations, unit.cited_by = {}, []
    for lang in sorted({para.lang for _, para in paragraphs}):
        _link_language([(u, p) for u, p in paragraphs if p.lang == lang], lang)
    _relate_units(units, manifest or {})
    _translations(units)
    _mark_changes(units)
    _cited_by(units)
    for _, para in paragraphs:
        para.links.sort(key=lambda lk: (-_rank(lk["relation"]), -lk["score"], lk["id"]))


def _rank(relation: str) -> int:
    return {"identical": 3, "edited": 2, "related": 1, "translation": 0}[relation]


def paragraph_pairs(texts: list[str], lang: str, unit_of: list[int]) -> list[tuple[int, int, str, float]]:
    """(a, b, relation, score) for each matching pair of paragraphs in different units.

    Shared fingerprints only nominate candidates; each is then measured exactly on its
    folded characters (similarity, longest shared passage), so a paragraph with two
    words changed is edited however many fingerprints the changes broke.
    """
    codes = [folded_codes(text) for text in texts]
    keys = [identity_key(c) for c in codes]
    prints = fingerprints(codes, K.get(lang, K_OTHER))
    a, b, shared = shared_counts(prints)
    units = np.asarray(unit_of, dtype=np.int64)
    containment = shared / np.maximum(np.minimum(prints.counts[a], prints.counts[b]), 1)
    keep = (units[a] != units[b]) & (shared >= CANDIDATE_SHARED) & (containment >= CANDIDATE_CONTAINMENT)
    strings = [_text(c) for c in codes]
    found: dict[tuple[int, int], tuple[str, float]] = {}
    a, b = a[keep], b[keep]
    for start in range(0, len(a), PAIRS_CHUNK):
        xs, ys = a[start:start + PAIRS_CHUNK].tolist(), b[start:start + PAIRS_CHUNK].tolist()
        scores = cpdist([strings[x] for x in xs], [strings[y] for y in ys],
                        scorer=Indel.normalized_similarity, workers=WORKERS)
        for x, y, score in zip(xs, ys, scores.tolist()):
            judged = ("identical", 1.0) if keys[x] == keys[y] else judge(strings[x], strings[y], score)
            if judged is not None:
                found[(x, y)] = judged
    for x, y in _identical_groups(keys, unit_of):  # short ones may have no fingerprint
        found[(x, y)] = ("identical", 1.0)
    return [(x, y, rel, score) for (x, y), (rel, score) in found.items()]


def judge(a: str, b: str, score: float) -> tuple[str, float] | None:
    """("edited" | "related", similarity) of two folded texts, or None when neither.

    ``score`` is difflib's ratio, 2·LCS / (len a + len b), as rapidfuzz computes it.
    """
    if score >= EDITED:
        return "edited", round(score, 3)
    if score * (len(a) + len(b)) / 2 < RELATED_PASSAGE:
        return None  # not even that many characters in common, in any runs
    # Short common runs are chance (…的…，联合国…); a shared passage is long runs.
    runs = sum(op.src_end - op.src_start for op in Indel.opcodes(a, b)
               if op.tag == "equal" and op.src_end - op.src_start >= BLOCK)
    return ("related", round(score, 3)) if runs >= RELATED_PASSAGE else None


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le")


def _identical_groups(keys: list[bytes], unit_of: list[int]) -> list[tuple[int, int]]:
    """Pairs of paragraphs in different units with equal folded text."""
    groups: dict[bytes, list[int]] = defaultdict(list)
    for n, key in enumerate(keys):
        groups[key].append(n)
    # Each member with the next MAX_LINKS members, not every pair: a sentence repeated in
    # thousands of paragraphs would make millions.
    return [(x, y) for members in groups.values() if len(members) > 1
            for i, x in enumerate(members) for y in members[i + 1:i + 1 + MAX_LINKS]
            if unit_of[x] != unit_of[y]]


def _link_language(paragraphs: list[tuple[Unit, Paragraph]], lang: str) -> None:
    """Content links among the paragraphs of one language, both ways."""
    unit_index: dict[str, int] = {}
    unit_of = [unit_index.setdefault(u.id, len(unit_index)) for u, _ in paragraphs]
    pairs = paragraph_pairs([p.text for _, p in paragraphs], lang, unit_of)
    for x, y, relation, score in pairs:
        (ux, px), (uy, py) = paragraphs[x], paragraphs[y]
        px.links.append({"id": py.id, "unit": uy.id, "relation": relation, "score": score})
        py.links.append({"id": px.id, "unit": ux.id, "relation": relation, "score": score})
    for _, para in paragraphs:
        if len(para.links) > MAX_LINKS:  # the strongest, as link() orders them
            para.links.sort(key=lambda lk: (-_rank(lk["relation"]), -lk["score"], lk["id"]))
            del para.links[MAX_LINKS:]


def unit_links(a: Unit, b: Unit) -> dict[tuple[str, str], tuple[str, float]]:
    """Content links from ``a``'s paragraphs into ``b``'s, for search.align."""
    return {(p.id, lk["id"]): (lk["relation"], lk["score"])
            for p in a.paragraphs for lk in p.links if lk["unit"] == b.id and lk["relation"] in STRENGTH}


def _coverage(a: Unit, b: Unit) -> float:
    """Share of ``a``'s paragraphs with a content link into ``b``."""
    if not a.paragraphs:
        return 0.0
    return sum(any(lk["unit"] == b.id for lk in p.links) for p in a.paragraphs) / len(a.paragraphs)


def _relate(a: Unit, relation: str, b: Unit, inverse: str, source: str) -> None:
    a.relations.setdefault(relation, []).append({"unit": b.id, "source": source})
    b.relations.setdefault(inverse, []).append({"unit": a.id, "source": source})


def _relate_units(units: list[tuple[Document, Unit]], manifest: dict) -> None:
    """draft_of / adopted_as and earlier_version / later_version between units."""
    by_symbol = {unit.symbol: unit for _, unit in units if unit.symbol}
    adopted = [(doc, unit) for doc, unit in units if unit.status == "adopted"]
    for doc, draft in units:
        if draft.status != "draft":
            continue
        stated = (manifest.get(doc.name) or {}).get("adopted_as")
        for adoc, final in adopted:
            same_lang = adoc.lang == doc.lang
            by_text = same_lang and _title(final) == _title(draft) and adoc.session == doc.session
            by_manifest = stated is not None and by_symbol.get(stated) is final
            if (by_text or by_manifest) and _coverage(draft, final) >= CONFIRM:
                _relate(draft, "adopted_as", final, "draft_of", "text" if by_text else "manifest")
    series: dict[tuple, list[tuple[str, Unit]]] = defaultdict(list)
    for doc, unit in adopted:
        series[(_title(unit), unit.body, doc.lang)].append((unit.date or doc.date or "", unit))
    for versions in series.values():
        versions.sort(key=lambda v: v[0])
        for (_, older), (_, newer) in zip(versions, versions[1:]):
            if _coverage(newer, older) >= CONFIRM:
                _relate(newer, "earlier_version", older, "later_version", "text")


def _title(unit: Unit) -> str:
    """The title folded for comparison (spaces and punctuation width aside)."""
    return identity_key(folded_codes(unit.title or unit.label)).hex()


def _translations(units: list[tuple[Document, Unit]]) -> None:
    """translation_of between one work's units in two languages; paragraphs by label."""
    works: dict[str, list[tuple[Document, Unit]]] = defaultdict(list)
    for doc, unit in units:
        if unit.symbol:
            works[unit.symbol].append((doc, unit))
    for versions in works.values():
        for i, (doc_a, a) in enumerate(versions):
            for doc_b, b in versions[i + 1:]:
                if doc_a.lang != doc_b.lang:
                    _relate(a, "translation_of", b, "translation_of", "text")
                    _pair_by_label(a, b)


def _pair_by_label(a: Unit, b: Unit) -> None:
    labels = {p.anchor: p for p in b.paragraphs}
    for para in a.paragraphs:
        twin = labels.get(para.anchor)
        if twin is not None:
            para.links.append({"id": twin.id, "unit": b.id, "relation": "translation", "score": 1.0})
            twin.links.append({"id": para.id, "unit": a.id, "relation": "translation", "score": 1.0})


def _mark_changes(units: list[tuple[Document, Unit]]) -> None:
    """Mark each paragraph of a later version new, edited or unchanged against the previous."""
    by_id = {unit.id: unit for _, unit in units}
    texts = {p.id: p.text for _, unit in units for p in unit.paragraphs}
    for _, unit in units:
        previous = [by_id[r["unit"]] for r in unit.relations.get("earlier_version", [])]
        if not previous:
            continue
        older = previous[0]
        links = unit_links(older, unit)
        alignment = align([p.id for p in older.paragraphs], [p.id for p in unit.paragraphs], links,
                          lambda a, b: similarity(texts[a], texts[b]))
        # A paragraph moved but not reworded is unchanged language.
        marks = {b: ("unchanged" if links.get((a, b), ("",))[0] == "identical" else "edited")
                 for a, b, _ in alignment.pairs}
        for para in unit.paragraphs:
            para.change = marks.get(para.id, "new")


def _cited_by(units: list[tuple[Document, Unit]]) -> None:
    """Each unit's citing paragraphs elsewhere (from the citations tag resolved)."""
    by_id = {unit.id: unit for _, unit in units}
    for _, unit in units:
        for para in unit.paragraphs:
            for target in dict.fromkeys(para.cite_units.values()):
                if target in by_id and target != unit.id:
                    by_id[target].cited_by.append(para.id)
