"""Content fingerprints of paragraphs and the candidate pairs they share, never all pairs.

Each paragraph's text is folded (width, script, case; spaces, punctuation and footnote
markers dropped) into a string of letters, digits and ideographs. Its character k-grams
are hashed, and winnowing keeps the smallest hash of every window of ``w`` k-grams: two
paragraphs sharing a passage of ``w + k - 1`` folded characters share a fingerprint.
A fingerprint held by more than ``max_df`` paragraphs is boilerplate and makes no pairs,
so the pairs made grow with the corpus, not with its square. All of it runs in numpy over
the whole corpus at once, in chunks of paragraphs to bound memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from search.analysis import normalize

K = {"zh": 5}  # k-gram length in folded characters: ~2.5 Chinese words
K_OTHER = 12  # ~2 English words
WINDOW = 6
MAX_DF = 64
PAIR_BUDGET = 5_000_000  # candidate pairs made at most (~40 MB of pair keys before counting)
CHUNK = 50_000  # paragraphs per numpy pass (below 2**16: see _chunk)
_LOW = np.uint64(0xFFFF)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(1_000_003)


def folded_codes(text: str) -> np.ndarray:
    """Code points of the folded text: letters, digits and ideographs only."""
    codes = np.frombuffer(normalize(text).encode("utf-32-le"), dtype=np.uint32)
    keep = ((codes >= 0x30) & (codes <= 0x39)) | ((codes >= 0x61) & (codes <= 0x7A)) | (codes >= 0xC0)
    keep &= ~(((codes >= 0x2000) & (codes <= 0x2BFF)) | ((codes >= 0x3000) & (codes <= 0x303F))
              | ((codes >= 0xFE10) & (codes <= 0xFE6F)) | ((codes >= 0xFF00) & (codes <= 0xFF65)))
    keep &= codes != 0xD7  # ×
    return codes[keep]


def identity_key(codes: np.ndarray) -> bytes:
    """A short digest of the folded text: equal for paragraphs identical but for spacing,
    punctuation width and footnote markers."""
    return hashlib.blake2b(codes.tobytes(), digest_size=12).digest()


@dataclass
class Fingerprints:
    """The winnowed fingerprints of a set of paragraphs, as flat arrays."""

    hashes: np.ndarray  # uint64, one row per (paragraph, distinct fingerprint)
    owner: np.ndarray  # int64 paragraph index of each row
    counts: np.ndarray  # int64 distinct fingerprints per paragraph


def fingerprints(codes: list[np.ndarray], k: int, window: int = WINDOW) -> Fingerprints:
    """Winnowed k-gram fingerprints of every paragraph (``codes`` from folded_codes)."""
    hashes, owners = [], []
    for start in range(0, len(codes), CHUNK):
        h, o = _chunk(codes[start:start + CHUNK], k, window)
        hashes.append(h)
        owners.append(o + start)
    hashes_all = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    owner_all = np.concatenate(owners) if owners else np.zeros(0, np.int64)
    counts = np.bincount(owner_all, minlength=len(codes)).astype(np.int64)
    return Fingerprints(hashes_all, owner_all, counts)


def _chunk(codes: list[np.ndarray], k: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (fingerprint, paragraph) rows of one chunk of paragraphs."""
    if not codes:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
    flat = np.concatenate(codes).astype(np.uint64) if lengths.sum() else np.zeros(0, np.uint64)
    owner = np.repeat(np.arange(len(codes), dtype=np.int64), lengths)
    span = k + window - 1
    if len(flat) < span:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    grams = np.zeros(len(flat) - k + 1, np.uint64)
    with np.errstate(over="ignore"):  # hashing wraps modulo 2**64 on purpose
        for j in range(k):
            grams = grams * _BASE + flat[j:len(flat) - k + 1 + j]
        grams = (grams ^ (grams >> np.uint64(29))) * _MIX
        grams ^= grams >> np.uint64(32)
    minima = grams[: len(grams) - window + 1].copy()
    for j in range(1, window):
        np.minimum(minima, grams[j:len(grams) - window + 1 + j], out=minima)
    # A window counts only when all its characters are one paragraph's.
    whole = owner[: len(minima)] == owner[span - 1:span - 1 + len(minima)]
    # One sortable key per row: the hash's top 48 bits above the paragraph's place in the
    # chunk (CHUNK < 2**16). A plain 1-D unique is many times faster than unique(axis=1).
    keys = (minima[whole] & ~_LOW) | owner[: len(minima)][whole].astype(np.uint64)
    keys = np.unique(keys)
    return keys & ~_LOW, (keys & _LOW).astype(np.int64)


def shared_counts(prints: Fingerprints, max_df: int = MAX_DF,
                  budget: int = PAIR_BUDGET) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, shared) for every pair of paragraphs sharing a fingerprint, a < b.

    Rows are grouped by fingerprint; each group of 2..max_df paragraphs makes its pairs,
    vectorised per group size, and equal pairs are summed. A fingerprint in ``n``
    paragraphs makes ``n(n-1)/2`` pairs: where the groups up to ``max_df`` would make more
    than ``budget`` in all (a large collection repeating agreed language), ``max_df`` is
    lowered until they do not — the most common passages count as boilerplate first — so
    the pairs, and the memory they take, stay bounded whatever the collection.
    """
    order = np.argsort(prints.hashes, kind="stable")
    hashes, owner = prints.hashes[order], prints.owner[order]
    if len(hashes) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    max_df = bounded_max_df(sizes, max_df, budget)
    keys = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_df)]):
        group = owner[starts[sizes == size][:, None] + np.arange(size)]
        i, j = np.triu_indices(int(size), 1)
        lo, hi = np.minimum(group[:, i], group[:, j]), np.maximum(group[:, i], group[:, j])
        keys.append((lo * (1 << 31) + hi).ravel())
    if not keys:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    pairs, shared = np.unique(np.concatenate(keys), return_counts=True)
    return pairs >> 31, pairs & ((1 << 31) - 1), shared.astype(np.int64)


def bounded_max_df(sizes: np.ndarray, max_df: int, budget: int) -> int:
    """The largest document frequency up to ``max_df`` whose groups make at most ``budget``
    pairs in all (``sizes``: paragraphs per fingerprint); at least 2."""
    sizes = sizes[(sizes >= 2) & (sizes <= max_df)]
    if not len(sizes):
        return max_df
    per_size = np.bincount(sizes, minlength=max_df + 1).astype(np.int64)
    pairs = per_size * (np.arange(max_df + 1) * (np.arange(max_df + 1) - 1) // 2)
    within = np.cumsum(pairs)  # pairs made by the groups of 2 … d paragraphs
    allowed = np.flatnonzero(within <= budget)
    return max(2, int(allowed[-1])) if len(allowed) else 2
