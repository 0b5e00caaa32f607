"""Where words and texts stand in the array layout, and the answers of frequent words
written at build time.

A phrase's or a substring's occurrences are found from the places of its rarest term,
each other term read in the forward index where it would stand (:func:`placed`). That
costs one read per occurrence of the rarest term, and the most frequent words of the
collection are the ones asked for most: 会员国 is spelled at half a million places of
1,000,000 paragraphs, and every search for it reads all of them.

So the build also writes two tables of answers. The *spelled table* of the bigram field:
for the words of the ``text`` field whose rarest covering bigram has the most
occurrences, the documents whose normalised text spells them and how often (what
:func:`count_spelled` gives, computed by it), as postings of their own. A substring in
the table is then one slice of two arrays. Which words: every text term of two or more
Chinese characters whose rarest bigram occurs at least ``documents / COSTLY_SHARE``
times (never fewer than ``COSTLY_MIN``), most occurrences first, up to ``SPELLED_CAP``
words and ``SPELLED_BUDGET`` postings per document in all (a word counted as the
documents of its least-held bigram, which its own cannot exceed).

The *paired table* of the ``text`` field does the same for two-word phrases (犯罪 合作,
打击 腐败): for each pair of terms which both occur that often and stand next to each
other somewhere, the documents where the first stands just before the second
(:func:`adjacent_pairs`, what :func:`placed` finds), the pairs whose rarer word is the
most frequent first, up to ``PAIRED_CAP`` pairs and ``PAIRED_BUDGET`` postings per
document. A phrase's score is its words' (read from their postings), so the table holds
documents only. Beside it, every pair of such words that stands together somewhere,
without its documents: a phrase of two such words the table does not hold and that list
lacks is nowhere, which a miss alone could not say. A generation never changes, so
neither do its tables.

The spelled table's words are the text's own terms and what the glossary's Chinese
forms are searched by (:func:`asked_substrings`: 成员国, which the text may segment
成员 国), the same rule choosing among them.

``text_bigram.spelled.*`` (string table, sorted), ``text_bigram.spelled_start`` (int64,
``W + 1``), ``text_bigram.spelled_doc`` (int32, ascending per word) and
``text_bigram.spelled_tf`` (int32); ``text.paired.*`` (keys ``"a b"``), ``text.paired_start``
and ``text.paired_doc``; ``text.paired_floor`` (the least occurrences of a paired word)
and ``text.paired_anywhere`` (int64 ``a << 32 | b`` by term rows, ascending). An index
written without them is read as it was: every substring and phrase found from its places
(and, without the last two, a pair the table lacks read from its places too).
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Iterable

import numpy as np

from search.analysis.normalizers import is_han
from search.store.arrays import (PLACES, STACKED, TextField, ranges, run_starts, save_tabled,
                                 text_field)

SPELLED_FIELD = "text_bigram"  # the field whose substrings the spelled table answers
WORDS_FIELD = "text"  # where its words come from
PAIRED_FIELD = "text"  # the field whose two-word phrases the paired table answers
COSTLY_SHARE = 32  # tabled when the cheapest way in reads documents / 32 places
COSTLY_MIN = 16  # … and at least this many
SPELLED_CAP = 1024  # words in the spelled table
SPELLED_BUDGET = 32  # postings in the spelled table per document
PAIRED_CAP = 1 << 16  # pairs in the paired table
PAIRED_BUDGET = 16  # postings in the paired table per document
PAIRED_CHUNK = 1 << 15  # documents paired at a time while building

_NONE = np.empty(0, dtype=np.int32)


def costly_at(documents: int) -> int:
    """The occurrences a table's key must cost to be tabled."""
    return max(documents // COSTLY_SHARE, COSTLY_MIN)


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


def asked_substrings() -> list[str]:
    """What queries spell besides the text's own words: the substrings each glossary
    concept's Chinese forms are searched by (``search.query.build``, whose rule it is)."""
    from search.query.build import glossary_substrings

    return glossary_substrings()


def tabled_words(words: TextField, bigrams: TextField, documents: int,
                 asked: Iterable[str] = ()) -> list[str]:
    """The words the spelled table holds (see the module docstring), sorted: from the
    terms of ``words`` and the substrings ``asked`` for."""
    occurrences = np.diff(bigrams.pos_start[bigrams.post_start])  # each bigram term's
    holding = np.diff(bigrams.post_start)  # and the documents holding it
    least = costly_at(documents)
    costly = []
    for word in dict.fromkeys(chain(words.terms, asked)):
        if len(word) < 2 or not all(map(is_han, word)):  # the bigram field keeps others whole
            continue
        found = [bigrams.term(b) for b in bigrams_of(word)]
        if min(found) < 0:
            continue  # a bigram the texts never have: spelled nowhere, nothing to read
        cost = min(int(occurrences[r]) for r in found)
        if cost >= least:
            costly.append((-cost, word, min(int(holding[r]) for r in found)))
    chosen, postings = [], 0
    for _, word, most in sorted(costly)[:SPELLED_CAP]:
        # A word's documents are at most those of its rarest-held bigram.
        if postings + most > SPELLED_BUDGET * documents:
            break
        chosen.append(word)
        postings += most
    return sorted(chosen, key=lambda w: w.encode("utf-8"))


def write_spelled(directory: Path, documents: int, lengths: dict[str, int]) -> int:
    """Write the spelled table of the arrays in ``directory`` (every text field's derived
    arrays written); return the words it holds."""
    bigrams = text_field(directory, SPELLED_FIELD, lengths[SPELLED_FIELD])
    words = text_field(directory, WORDS_FIELD, lengths[WORDS_FIELD])
    assert PLACES[SPELLED_FIELD] == "char", "the table counts characters spelled"
    chosen = tabled_words(words, bigrams, documents, asked_substrings())
    found = [counted(*spell(bigrams, word), word) for word in chosen]
    save_tabled(directory, f"{SPELLED_FIELD}.spelled", chosen, [d for d, _ in found], [t for _, t in found])
    return len(chosen)


def pairable(term: str) -> bool:
    """Whether the paired table may hold ``term`` (its keys ``"a b"`` split back into two
    words only when neither holds a space): one rule for the build and the look-up."""
    return " " not in term


def paired_key(words) -> str:
    """The paired table's key of a two-word phrase."""
    return " ".join(words)


def paired_docs(field: TextField, words) -> np.ndarray | None:
    """The documents of the two-word phrase ``words`` when the paired table answers it:
    the table holds the pair, or both words are paired ones (frequent, see the module
    docstring) that stand next to each other nowhere (none then); else None."""
    table = field.paired
    if table is None or len(words) != 2:
        return None
    found = table.find(paired_key(words))
    if found is not None:
        return found[0]
    rows = [field.term(word) for word in words]
    if table.anywhere is None or min(rows) < 0 or not all(map(pairable, words)):
        return None  # an index written without the pairs' list, or words never paired
    if min(field.occurrence_count(row) for row in rows) < table.floor:
        return None
    code = rows[0] << 32 | rows[1]
    at = int(np.searchsorted(table.anywhere, code))
    if at < len(table.anywhere) and int(table.anywhere[at]) == code:
        return None  # they do stand together: a pair the caps left out, read from its places
    return _NONE


def adjacent_pairs(field: TextField, frequent: np.ndarray, first: int, last: int) -> np.ndarray:
    """``pair << 32 | doc`` (ascending, distinct) for documents ``first … last - 1``: each
    place holding a term of ``frequent`` (its dense number there, ``-1`` for others) just
    before a place holding another, ``pair = frequent[a] * F + frequent[b]`` (``F`` the
    frequent terms); a shared place counts each of its terms. What :func:`placed` finds
    for the phrase ``a b``: the next place read in the forward index, within the document.
    """
    lo, hi = int(field.fwd_start[first]), int(field.fwd_start[last])
    read = np.asarray(field.fwd[lo:hi], dtype=np.int64)
    slot = np.arange(lo, hi, dtype=np.int64)
    alone = read >= 0
    stacked = np.flatnonzero(read <= STACKED)
    place = STACKED - read[stacked]
    s_lo, s_hi = field.stack_start[place], field.stack_start[place + 1]
    terms = np.concatenate([read[alone], field.stack_term[ranges(s_lo, s_hi)]])
    slots = np.concatenate([slot[alone], np.repeat(slot[stacked], s_hi - s_lo)])
    numbers = frequent[terms]
    keep = numbers >= 0
    slots, numbers = slots[keep], numbers[keep]
    order = np.argsort(slots, kind="stable")
    slots, numbers = slots[order], numbers[order]
    # Each entry at slot g with every entry at slot g + 1, in the same document.
    n_lo = np.searchsorted(slots, slots + 1, "left")
    n_hi = np.searchsorted(slots, slots + 1, "right")
    left = np.repeat(np.arange(len(slots)), n_hi - n_lo)
    right = ranges(n_lo, n_hi)
    starts = field.fwd_start[first:last + 1]
    doc = np.searchsorted(starts, slots[left], "right") - 1
    same = slots[right] < starts[doc + 1]
    width = int(frequent.max()) + 1 if len(frequent) else 0
    pair = numbers[left[same]] * width + numbers[right[same]]
    return np.unique(pair << 32 | (doc[same] + first))


def tabled_pairs(field: TextField, documents: int, chunk: int = PAIRED_CHUNK):
    """(the pairs the paired table holds, as ``(key, docs)`` sorted by key; the least
    occurrences of a paired word; ``a << 32 | b`` of every pair of paired words ``a b``
    standing next to each other somewhere, ascending).

    The third makes a table miss an answer too: two paired words that are not among them
    stand together nowhere (技术援助 恐怖主义, 119,442 places of the rarer at 1,000,000
    paragraphs, all read to find none)."""
    occurrences = np.diff(field.pos_start[field.post_start])
    least = costly_at(documents)
    rows = np.flatnonzero(occurrences >= least)
    rows = np.array([r for r in rows.tolist() if pairable(field.terms[r])], dtype=np.int64)
    frequent = np.full(len(occurrences), -1, dtype=np.int64)
    frequent[rows] = np.arange(len(rows))
    if len(rows) < 1:
        return [], least, np.empty(0, dtype=np.int64)
    keys = np.concatenate([adjacent_pairs(field, frequent, d, min(d + chunk, documents))
                           for d in range(0, documents, chunk)] + [np.empty(0, dtype=np.int64)])
    keys.sort()
    pair = keys >> 32
    first = run_starts(pair)
    sizes = np.diff(first, append=len(keys))
    a, b = rows[pair[first] // len(rows)], rows[pair[first] % len(rows)]
    cost = np.minimum(occurrences[a], occurrences[b])  # what placed would read
    order = np.lexsort((np.arange(len(first)), -cost))[:PAIRED_CAP]
    within = np.cumsum(sizes[order]) <= PAIRED_BUDGET * documents
    order = order[:int(np.argmin(within)) if not within.all() else len(order)]
    found = [(paired_key((field.terms[int(a[q])], field.terms[int(b[q])])),
              (keys[first[q]:first[q] + sizes[q]] & 0xFFFFFFFF).astype(np.int32)) for q in order.tolist()]
    anywhere = np.sort(a.astype(np.int64) << 32 | b.astype(np.int64))
    return sorted(found, key=lambda kd: kd[0].encode("utf-8")), least, anywhere


def write_paired(directory: Path, documents: int, lengths: dict[str, int]) -> int:
    """Write the paired table of the arrays in ``directory``; return the pairs it holds."""
    field = text_field(directory, PAIRED_FIELD, lengths[PAIRED_FIELD])
    assert PLACES[PAIRED_FIELD] == "pos", "the table pairs words at consecutive positions"
    found, least, anywhere = tabled_pairs(field, documents)
    stem, directory = f"{PAIRED_FIELD}.paired", Path(directory)
    save_tabled(directory, stem, [k for k, _ in found], [d for _, d in found])
    np.save(directory / f"{stem}_floor.npy", np.array([least], dtype=np.int64))
    np.save(directory / f"{stem}_anywhere.npy", anywhere)
    return len(found)


def write_tables(directory: Path, documents: int, lengths: dict[str, int]) -> None:
    """Write both tables (the arrays' every other file written)."""
    write_spelled(directory, documents, lengths)
    write_paired(directory, documents, lengths)
