"""Align the paragraphs of two units: by content first, then by order.

Used by the build (to mark each paragraph new, edited or unchanged against the previous
version) and by the comparison page, so both always agree. The input is each unit's
paragraph ids in order and the content links between them; nothing here reads text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from search.analysis import normalize

# Relations of a content link, strongest first; an alignment prefers the stronger.
STRENGTH = {"identical": 3, "edited": 2, "related": 1}
# Similarity from which two unpaired paragraphs in one gap are a rewrite: two unrelated
# Chinese paragraphs of the corpus score up to ~0.37 on shared characters alone.
GAP_SIMILAR = 0.45
ORDER_MIN_SHARE = 0.3  # pair by order only between units this much aligned by content
MAX_GAP_PAIRS = 400  # wider gaps (units that are not versions of one another) are left unpaired


@dataclass
class Alignment:
    """Paragraph pairs of unit A and unit B, each marked, and the unpaired ones."""

    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (a, b, mark) in B's order
    added: list[str] = field(default_factory=list)  # in B only
    removed: list[str] = field(default_factory=list)  # in A only

    def summary(self) -> dict[str, int]:
        """Counts of unchanged, edited, moved, added and removed paragraphs."""
        counts = {"unchanged": 0, "edited": 0, "moved": 0}
        for _, _, mark in self.pairs:
            counts[mark] += 1
        return {**counts, "added": len(self.added), "removed": len(self.removed)}


def align(a_ids: list[str], b_ids: list[str], links: dict[tuple[str, str], tuple[str, float]],
          similar: Callable[[str, str], float] | None = None) -> Alignment:
    """Pair A's and B's paragraphs one to one; ``links[(a, b)]`` is (relation, score).

    Content: the strongest links are taken first, each paragraph used once. Order: pairs
    that keep their relative order (the longest increasing run) are unchanged or edited;
    the rest are moved. Then the unpaired paragraphs between two consecutive kept pairs
    are paired by order as edited (rewritten in place; see _by_order), ``similar(a, b)``
    in [0, 1] choosing among several.
    """
    pos_a = {pid: n for n, pid in enumerate(a_ids)}
    pos_b = {pid: n for n, pid in enumerate(b_ids)}
    taken_a, taken_b = _by_content(links, pos_a, pos_b)
    by_b = sorted(((pos_b[b], pos_a[a], a, b, rel) for a, (b, rel) in taken_a.items()))
    kept = _increasing(by_b)
    pairs = [(a, b, ("moved" if n not in kept else "unchanged" if rel == "identical" else "edited"))
             for n, (_, _, a, b, rel) in enumerate(by_b)]
    if len(kept) >= ORDER_MIN_SHARE * min(len(a_ids), len(b_ids)):  # versions of one text
        pairs += _by_order(a_ids, b_ids, [by_b[n] for n in sorted(kept)], taken_a, taken_b, similar)
    pairs.sort(key=lambda p: pos_b[p[1]])
    paired_a = {a for a, _, _ in pairs}
    paired_b = {b for _, b, _ in pairs}
    return Alignment(pairs, [b for b in b_ids if b not in paired_b], [a for a in a_ids if a not in paired_a])


def _by_content(links, pos_a: dict[str, int], pos_b: dict[str, int]) -> tuple[dict, set]:
    """One to one, strongest link first; among equals, the pair nearer the same relative place."""
    size_a, size_b = max(len(pos_a), 1), max(len(pos_b), 1)
    ranked = sorted(((STRENGTH[rel], score, -abs(pos_a[a] / size_a - pos_b[b] / size_b), a, b, rel)
                     for (a, b), (rel, score) in links.items() if a in pos_a and b in pos_b), reverse=True)
    taken_a: dict[str, tuple[str, str]] = {}
    taken_b: set[str] = set()
    for _, _, _, a, b, rel in ranked:
        if a not in taken_a and b not in taken_b:
            taken_a[a] = (b, rel)
            taken_b.add(b)
    return taken_a, taken_b


def _increasing(by_b: list[tuple]) -> set[int]:
    """Indexes into ``by_b`` (sorted by B position) of a longest run increasing in A position."""
    tails: list[int] = []  # A position ending the best run of each length
    tail_at: list[int] = []
    back: list[int] = []
    for n, entry in enumerate(by_b):
        k = bisect_left(tails, entry[1])
        if k == len(tails):
            tails.append(entry[1])
            tail_at.append(n)
        else:
            tails[k] = entry[1]
            tail_at[k] = n
        back.append(tail_at[k - 1] if k else -1)
    kept, n = set(), (tail_at[-1] if tail_at else -1)
    while n >= 0:
        kept.add(n)
        n = back[n]
    return kept


def _by_order(a_ids, b_ids, kept, taken_a, taken_b, similar) -> list[tuple[str, str, str]]:
    """Unpaired paragraphs facing each other between two kept pairs, paired as edited.

    A lone one on each side is paired by order alone; in a wider gap, pairs of the same
    kind are taken most similar first (``similar`` ≥ GAP_SIMILAR), never crossing.
    """
    bounds = [(-1, -1)] + [(pa, pb) for pb, pa, *_ in kept] + [(len(a_ids), len(b_ids))]
    found = []
    for (a0, b0), (a1, b1) in zip(bounds, bounds[1:]):
        gap_a = [pid for pid in a_ids[a0 + 1:a1] if pid not in taken_a]
        gap_b = [pid for pid in b_ids[b0 + 1:b1] if pid not in taken_b]
        if len(gap_a) == 1 and len(gap_b) == 1 and _same_kind(gap_a[0], gap_b[0]):
            found.append((gap_a[0], gap_b[0], "edited"))
        elif gap_a and gap_b and similar is not None and len(gap_a) * len(gap_b) <= MAX_GAP_PAIRS:
            found += _in_gap(gap_a, gap_b, similar)
    return found


def _in_gap(gap_a: list[str], gap_b: list[str], similar) -> list[tuple[str, str, str]]:
    """Most similar pairs first, each paragraph once, keeping the order on both sides."""
    scored = sorted(((similar(a, b), i, j) for i, a in enumerate(gap_a) for j, b in enumerate(gap_b)
                     if _same_kind(a, b)), reverse=True)
    chosen: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < GAP_SIMILAR:
            break
        if all((i - ci) * (j - cj) > 0 for ci, cj in chosen):
            chosen.append((i, j))
    return [(gap_a[i], gap_b[j], "edited") for i, j in chosen]


def _same_kind(a: str, b: str) -> bool:
    """Both preambular or both operative (a pp is never the rewrite of an op)."""
    return a.rsplit("/", 1)[-1][:2] == b.rsplit("/", 1)[-1][:2]


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1 (difflib's ratio), letters and ideographs only."""
    fa, fb = _letters(a), _letters(b)
    return Indel.normalized_similarity(fa, fb) if fa or fb else 1.0


def _letters(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())
