"""Where words and texts stand in the array layout, and the answers of frequent words
written at build time.

A phrase's or a substring's occurrences are found from the places of its rarest term,
each other term read in the forward index where it would stand (:func:`placed`). That
costs one read per occurrence of the rarest term, and the most frequent words of the
collection are the ones asked for most: 会员国 is spelled at half a million places of
1,000,000 paragraphs, and every search for it reads all of them.

So the build also writes the *spelled table* of the bigram field: for the words of the
``text`` field whose rarest covering bigram has the most occurrences, the documents whose
normalised text spells them and how often (what :func:`count_spelled` gives, computed by
it), as postings of their own. A substring in the table is then one slice of two arrays.
Which words: every text term of two or more Chinese characters whose rarest bigram occurs at
least ``documents / SPELLED_SHARE`` times (never fewer than ``SPELLED_MIN``), most
occurrences first, up to ``SPELLED_CAP`` words and ``SPELLED_BUDGET`` postings per
document in all. A generation never changes, so neither does its table.

``text_bigram.spelled.*`` (string table, sorted), ``text_bigram.spelled_start`` (int64,
``W + 1``), ``text_bigram.spelled_doc`` (int32, ascending per word) and
``text_bigram.spelled_tf`` (int32). An index written without them (before the table
existed) is read as it was: every substring found from its places.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search.analysis.normalizers import is_han
from search.store.arrays import (PLACES, STACKED, TextField, ranges, run_starts, save_strings,
                                 text_field)

SPELLED_FIELD = "text_bigram"  # the field whose substrings the table answers
WORDS_FIELD = "text"  # where its words come from
SPELLED_SHARE = 32  # a word is tabled when its rarest bigram occurs documents / 32 times
SPELLED_MIN = 16  # … and at least this often
SPELLED_CAP = 1024  # words in the table
SPELLED_BUDGET = 32  # postings in the table per document

_NONE = np.empty(0, dtype=np.int32)


def bigrams_of(text: str) -> list[str]:
    """Overlapping character bigrams of ``text`` (a lone character alone)."""
    return [text] if len(text) < 2 else [text[i:i + 2] for i in range(len(text) - 1)]


def placed(field: TextField, rows: list[int], offsets, covering: bool = False):
    """(docnum, start) where each term ``rows[k]`` occurs at ``start + offsets[k]`` (positions
    or start characters, as the field's ``place`` keys hold them), ascending.

    The place keys of the term with the fewest occurrences, moved back by its offset, are
    the candidates; each other term is checked by reading the forward index (``F.fwd``)
    where it would stand (the survivors then held to their own document); a place several
    terms share sends the read on to its terms in the stack table. With ``covering`` (a
    substring's bigrams at offsets ``0 … n-1``), only bigrams covering every character
    are checked.
    """
    if not rows or min(rows) < 0:
        return _NONE, _NONE
    offsets = list(offsets)
    first = min(range(len(rows)), key=lambda k: (field.occurrence_count(rows[k]), k))
    keys = np.asarray(field.places(rows[first]), dtype=np.int64) - offsets[first]
    # Where the phrase would begin in the forward index. Reads are not bounded to the
    # candidate's document: one that runs into a neighbour's (or starts before its own)
    # may match there, so the survivors are held to their documents at the end.
    at = field.fwd_start[keys >> 32] + (keys & 0xFFFFFFFF)
    checks = covering_offsets(len(rows), first) if covering else [k for k in range(len(rows)) if k != first]
    for k in checks:
        if not len(keys):
            break
        read = field.fwd.take(at + offsets[k], mode="clip")
        found = read == rows[k]
        stacked = read <= STACKED
        if stacked.any():  # a word and its inner words: the place's terms in the stack table
            place = STACKED - read[stacked].astype(np.int64)
            lo, hi = field.stack_start[place], field.stack_start[place + 1]
            hit = field.stack_term[ranges(lo, hi)] == rows[k]
            found[np.flatnonzero(stacked)[np.repeat(np.arange(len(place)), hi - lo)[hit]]] = True
        keys, at = keys[found], at[found]
    docs, starts = keys >> 32, keys & 0xFFFFFFFF
    # Within the document: no start before it (moving back borrowed from the docnum: a
    # start of 2**32 less a few) and the last word no further than its last place.
    inside = (starts < 1 << 31) & (at + max(offsets) < field.fwd_start[docs + 1])
    keys = keys[inside]
    keys = keys[run_starts(keys)]  # a term may stand twice at one position
    # int32 docnums, as the postings hold them (a search in them then converts nothing).
    return (keys >> 32).astype(np.int32), keys & 0xFFFFFFFF


def covering_offsets(bigrams: int, first: int) -> list[int]:
    """Offsets of bigrams which, with the one at ``first``, cover every character of a text
    of ``bigrams + 1`` characters (bigram ``i`` covers characters ``i`` and ``i + 1``): every
    second one away from ``first`` on each side, the last ones moved in to the text's ends."""
    last = bigrams - 1
    left = [max(i, 0) for i in range(first - 2, -2, -2)]
    right = [min(i, last) for i in range(first + 2, last + 2, 2)]
    return sorted(set(left + right))


def spell(field: TextField, text: str):
    """(docnum, start character) of every place the normalised text spells ``text``.

    ``text`` of two or more characters is found through its bigrams: the bigram at
    offset ``i`` starting at character ``c + i`` puts ``text[i:i+2]`` at ``c + i``, so
    bigrams covering every character of ``text`` prove it is there (``str.find``'s
    answer, across punctuation too, which consecutive positions are not); see
    :func:`placed`.
    """
    rows = [field.term(w) for w in bigrams_of(text)]
    return placed(field, rows, range(len(rows)), covering=True)


def counted(docs: np.ndarray, starts: np.ndarray, text: str):
    """(docs, occurrences) counting as ``str.count`` does: occurrences may not overlap."""
    if not len(docs):
        return docs, docs
    bordered = any(text[:k] == text[-k:] for k in range(1, len(text)))
    if bordered:  # rare (哈哈哈): walk the few candidates, greedily, as str.count does
        keep, last = np.ones(len(docs), dtype=bool), (-1, -len(text))
        for i, (doc, pos) in enumerate(zip(docs.tolist(), starts.tolist())):
            if doc == last[0] and pos < last[1] + len(text):
                keep[i] = False
            else:
                last = (doc, pos)
        docs = docs[keep]
    first = run_starts(docs)
    return docs[first], np.diff(first, append=len(docs)).astype(np.int32)


def count_spelled(field: TextField, text: str):
    """(docs, occurrences) of ``text`` (two or more characters) in the normalised texts:
    from the spelled table when it holds ``text``, else from the places of its bigrams."""
    table = field.spelled
    found = table.find(text) if table is not None else None
    return found if found is not None else counted(*spell(field, text), text)


def tabled_words(words: TextField, bigrams: TextField, documents: int) -> list[str]:
    """The words the spelled table holds (see the module docstring), sorted."""
    occurrences = np.diff(bigrams.pos_start[bigrams.post_start])  # each bigram term's
    least = max(documents // SPELLED_SHARE, SPELLED_MIN)
    costly = []
    for word in words.terms:
        if len(word) < 2 or not all(map(is_han, word)):  # the bigram field keeps others whole
            continue
        found = [bigrams.term(b) for b in bigrams_of(word)]
        cost = min(int(occurrences[r]) if r >= 0 else 0 for r in found)
        if cost >= least:
            costly.append((-cost, word))
    chosen, postings = [], 0
    for cost, word in sorted(costly)[:SPELLED_CAP]:
        if postings - cost > SPELLED_BUDGET * documents:  # a word's documents ≤ its cost
            break
        chosen.append(word)
        postings -= cost
    return sorted(chosen, key=lambda w: w.encode("utf-8"))


def write_spelled(directory: Path, documents: int, lengths: dict[str, int]) -> int:
    """Write the spelled table of the arrays in ``directory`` (every text field's derived
    arrays written); return the words it holds."""
    directory = Path(directory)
    bigrams = text_field(directory, SPELLED_FIELD, lengths[SPELLED_FIELD])
    words = text_field(directory, WORDS_FIELD, lengths[WORDS_FIELD])
    assert PLACES[SPELLED_FIELD] == "char", "the table counts characters spelled"
    chosen = tabled_words(words, bigrams, documents)
    found = [counted(*spell(bigrams, word), word) for word in chosen]
    sizes = [len(docs) for docs, _ in found]
    start = np.zeros(len(chosen) + 1, dtype=np.int64)
    np.cumsum(sizes, out=start[1:])
    save_strings(directory, f"{SPELLED_FIELD}.spelled", chosen)
    np.save(directory / f"{SPELLED_FIELD}.spelled_start.npy", start)
    np.save(directory / f"{SPELLED_FIELD}.spelled_doc.npy",
            np.concatenate([d for d, _ in found] + [_NONE]).astype(np.int32))
    np.save(directory / f"{SPELLED_FIELD}.spelled_tf.npy",
            np.concatenate([t for _, t in found] + [_NONE]).astype(np.int32))
    return len(chosen)
