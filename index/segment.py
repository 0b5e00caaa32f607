"""Analyse the paragraphs' text fields across all cores, once, for the writer and the arrays.

Segmentation (jieba over every paragraph, twice: words and bigrams) is most of a build's
time, and it is pure: so a pool of worker processes runs it, each with its own copy of
the dictionary (forked after the parent loaded it, so the pages are shared). A worker
hands back, per paragraph and per analysed field, exactly what Whoosh's field would
compute while indexing — its *postings*::

    Postings = list[tuple[bytes, int, float, bytes]]
               # (term as UTF-8, frequency, weight, encoded (position, startchar, endchar) list)

in first-occurrence order of the terms. ``index.write`` passes them to Whoosh through
:class:`search.store.schema.PreAnalysed` values, so nothing is analysed twice, and the
same postings can feed the array writer: :func:`tokens` decodes one field's postings into
``[(term, position, startchar, endchar), …]`` sorted by position.

Results stream back in paragraph order with a bounded number of chunks in flight, so
memory does not grow with the corpus.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator

from index.pool import default_processes, ordered_map

# The analysed fields and the paragraph text each one analyses.
TEXT_FIELDS: tuple[str, ...] = ("text", "text_bigram")
CHUNK = 128  # paragraphs per task: large enough to amortise the pipe, small for balance
SERIAL_BELOW = 4096  # fewer paragraphs than this: a pool costs more than it saves

Postings = list[tuple[bytes, int, float, bytes]]
Analysed = dict[str, Postings]

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
    """The postings of every analysed field of one paragraph text, as Whoosh computes them."""
    return {name: list(field.index(text)) for name, field in _schema_fields().items()}


def _analyse_chunk(texts: list[str]) -> bytes:
    """Worker task: analyse a chunk; marshal keeps the pipe and the parent's unpacking cheap."""
    return marshal.dumps([[analyse(text)[name] for name in TEXT_FIELDS] for text in texts])


def _unpack(blob: bytes) -> Iterator[Analysed]:
    """The paragraphs of one analysed chunk, as field → postings."""
    for per_field in marshal.loads(blob):
        yield dict(zip(TEXT_FIELDS, per_field))


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
