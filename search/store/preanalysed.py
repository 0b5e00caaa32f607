"""Text values analysed ahead of time, and the text field that indexes them as they are.

The build analyses paragraphs in worker processes (index/segment.py). A worker returns
the postings Whoosh's own field would compute; the writer wraps the text and those
postings in a :class:`PreAnalysed` value, and :class:`AnalysedText` indexes it without
running the analyzer again. Any other value is analysed as by ``fields.TEXT``, so queries,
highlighting and an ordinary ``add_document`` are unchanged.

Whoosh pickles the schema into the index: both classes live here, at a stable path.
"""

from __future__ import annotations

from whoosh import fields


class PreAnalysed(str):
    """A field's text together with the postings already computed for it, and optionally
    their tokens as int32 columns (positions, start and end characters, in posting order)
    and the normalised text's length, for the array writer."""

    def __new__(cls, text: str, postings: list[tuple[bytes, int, float, bytes]],
                tokens: tuple[bytes, bytes, bytes] | None = None, norm_length: int | None = None):
        value = super().__new__(cls, text)
        value.postings = postings
        value.tokens = tokens
        value.norm_length = norm_length
        return value

    def __reduce__(self):
        # Never stored or pickled with its postings: a copy is the plain text.
        return (str, (str(self),))


class AnalysedText(fields.TEXT):
    """``fields.TEXT`` that takes a PreAnalysed value's postings as they are."""

    def index(self, value, **kwargs):
        """(term, frequency, weight, encoded value) per term: precomputed or analysed now."""
        if isinstance(value, PreAnalysed):
            return iter(value.postings)
        return super().index(value, **kwargs)
