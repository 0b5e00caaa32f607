"""Analyse the paragraphs' text fields, once, for the Whoosh writer and the arrays.

Segmentation (jieba over every paragraph, twice: words and bigrams) is most of a build's
time, and it is pure. :func:`analyse` gives, per paragraph and per analysed field,
exactly what Whoosh's field would compute while indexing — its *postings*::

    Postings = list[tuple[bytes, int, float, bytes]]
               # (term as UTF-8, frequency, weight, encoded (position, startchar, endchar) list)

in first-occurrence order of the terms. The build's batch writers (index/batch.py, one
per core) call it and pass the postings to Whoosh through
:class:`search.store.preanalysed.PreAnalysed` values, so nothing is analysed twice, and
what the array writer needs with them, so no posting is decoded again: under
``"tokens"``, per field, the positions, start and end characters of every token as int32
bytes, in posting order (each term's tokens together, terms in the postings' order), and
under ``"norm_length"`` the length of the normalised text. These are also what the build
cache keeps per file (index/cache.py). :func:`tokens` decodes one field's postings into
``[(term, position, startchar, endchar), …]`` sorted by position.

:func:`analyse_all` runs :func:`analyse` over a stream of texts on a pool (forked after
the dictionary is loaded, so its pages are shared), results in order with a bounded
number of chunks in flight."""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Iterable, Iterator

from index.pool import default_processes, ordered_map

# The analysed fields and the paragraph text each one analyses.
TEXT_FIELDS: tuple[str, ...] = ("text", "text_bigram")
CHUNK = 128  # paragraphs per task: large enough to amortise the pipe, small for balance
SERIAL_BELOW = 4096  # fewer paragraphs than this: a pool costs more than it saves

Postings = list[tuple[bytes, int, float, bytes]]
Analysed = dict  # field → Postings, "tokens" → field → (pos, start, end) bytes, "norm_length" → int

_fields = None  # this process's analysed schema fields, made on first use


def _schema_fields() -> dict:
    """The analysed fields of the schema, built once per process."""
    global _fields
    if _fields is None:
        from search.store.schema import build_schema

        schema = build_schema()
        _fields = {name: schema[name] for name in TEXT_FIELDS}
    return _fields


def analyse(text: str) -> Analysed:
    """Every analysed field's postings of one paragraph text, as Whoosh computes them, and
    the tokens and normalised length the array writer takes."""
    from search.analysis import normalize

    found: Analysed = {"tokens": {}, "norm_length": len(normalize(text))}
    for name, field in _schema_fields().items():
        found[name], found["tokens"][name] = _postings(field, text)
    return found


def _postings(field, text: str) -> tuple[Postings, tuple[bytes, bytes, bytes]]:
    """What ``field.index(text)`` gives (Whoosh's word_values for its Characters format,
    tokens grouped by term in first-occurrence order), and those tokens as int32 columns."""
    seen: dict[str, list[tuple[int, int, int]]] = {}
    weights: dict[str, float] = {}
    for token in field.analyzer(text, positions=True, chars=True, boosts=True, mode="index"):
        if token.stopped:
            continue
        seen.setdefault(token.text, []).append((token.pos, token.startchar, token.endchar))
        weights[token.text] = weights.get(token.text, 0.0) + token.boost
    boost, encode = field.format.field_boost, field.format.encode
    postings = [(term.encode("utf-8"), len(found), weights[term] * boost, encode(found))
                for term, found in seen.items()]
    flat = [token for found in seen.values() for token in found]
    columns = tuple(array("i", (token[k] for token in flat)).tobytes() for k in range(3))
    return postings, columns


def _analyse_chunk(texts: list[str]) -> bytes:
    """Worker task: analyse a chunk; marshal keeps the pipe and the parent's unpacking cheap."""
    return marshal.dumps([analyse(text) for text in texts])


def _unpack(blob: bytes) -> Iterator[Analysed]:
    """The paragraphs of one analysed chunk."""
    yield from marshal.loads(blob)


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """Consecutive lists of ``size`` texts (the last may be shorter)."""
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyse_all(texts: Iterable[str], processes: int | None = None, total: int | None = None) -> Iterator[Analysed]:
    """Postings of each text's analysed fields, in order; a pool of ``processes`` when it pays."""
    processes = processes or default_processes()
    if processes == 1 or (total is not None and total < SERIAL_BELOW):
        for text in texts:
            yield analyse(text)
        return
    from search.analysis import warm_up

    warm_up()  # load the dictionary before forking: the workers share its pages
    _schema_fields()
    for blob in ordered_map(_analyse_chunk, _chunks(texts, CHUNK), processes):
        yield from _unpack(blob)


def tokens(field: str, postings: Postings) -> list[tuple[str, int, int, int]]:
    """One field's postings as ``(term, position, startchar, endchar)``, sorted by position."""
    decode = _schema_fields()[field].format.decode_characters
    found = [(term.decode("utf-8"), pos, start, end)
             for term, _freq, _weight, value in postings
             for pos, start, end in decode(value)]
    found.sort(key=lambda token: (token[1], token[2], token[0]))
    return found
