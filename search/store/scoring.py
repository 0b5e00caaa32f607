"""Whoosh's BM25F as the arrays compute it: at build time per posting, at query time per term.

Both sides call these functions, so a score stored at build time (``F.post_score``) and one
computed at query time are the same float to the last bit, and both are Whoosh's: ``idf =
log(N / (df + 1)) + 1`` (``math.log``, as Whoosh's), the byte-quantised field length over
the mean length, each posting's weight ``tf × field_boost`` as the float32 Whoosh stores.
"""

from __future__ import annotations

import math

import numpy as np

from search.store.schema import BIGRAM_BOOST

K1, B = 1.2, 0.75  # the BM25 constants whoosh uses by default
FIELD_BOOSTS = {"text": 1.0, "text_bigram": BIGRAM_BOOST}


def idf(documents: int, df: int) -> float:
    """Whoosh's BM25 idf of a term in ``df`` of ``documents`` documents."""
    return math.log(documents / (df + 1)) + 1


def mean_length(total_length: int, documents: int) -> float:
    """The mean field length BM25 normalises by (1 for an empty field)."""
    return (total_length / max(documents, 1)) or 1


def length_term(lengths: np.ndarray, mean: float) -> np.ndarray:
    """Each document's ``K1 × ((1 − B) + B × length / mean length)``: BM25's denominator
    less the weight, the part that depends on the document only."""
    return K1 * ((1 - B) + B * lengths / mean)


def bm25(term_idf: float, tf: np.ndarray, boost: float, lengths_term: np.ndarray) -> np.ndarray:
    """Whoosh's bm25() of one term's postings, operation for operation."""
    weight = (tf * boost).astype(np.float32).astype(np.float64)
    return term_idf * ((weight * (K1 + 1)) / (weight + lengths_term))


def substring_weight(documents: int, matching: int, boost: float) -> float:
    """A substring's weight, scored as one bigram-field term: its boost times BM25's
    probabilistic idf over the ``matching`` of ``documents`` documents."""
    idf = math.log(1 + (documents - matching + 0.5) / (matching + 0.5))
    return BIGRAM_BOOST * boost * idf


def substring_bm25(weight: float, tf, length, mean: float):
    """A substring's BM25 in documents where it occurs ``tf`` times in a normalised text of
    ``length`` characters (floats or numpy arrays alike, the same operations in order)."""
    return weight * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / mean))
