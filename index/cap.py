"""Bound paragraph size: a paragraph over the cap is indexed as consecutive pieces.

A paragraph of a megabyte (an extraction that lost every paragraph break) would make each
search that shows it, highlights it or counts in it do work in proportion to its size. Such a
paragraph is cut into pieces of at most ``PARAGRAPH_CAP`` characters, preferably after a
sentence, else after a space or comma, else anywhere. The first piece keeps the paragraph's
id (its permalink still points at its start); the next are ``<id>~2``, ``<id>~3``… Each piece
carries the paragraph's verb, themes and citations (tagged on the whole text); its footnotes
stay with the first.
"""

from __future__ import annotations

from dataclasses import replace

from index.model import Document, Paragraph

PARAGRAPH_CAP = 20_000  # characters; the corpus's longest paragraph has under 2,000
PIECE_SEPARATOR = "~"
_SENTENCE_ENDS = "。；;.!?！？"
_SOFT_ENDS = " ，,、：:"
_LOOK_BACK = 0.2  # how far back from the cap (a share of it) a good cut is looked for


def cap_paragraphs(doc: Document, cap: int = PARAGRAPH_CAP) -> list[str]:
    """Cut ``doc``'s paragraphs over ``cap`` into pieces (in place); return one notice for each."""
    notices = []
    for unit in doc.units:
        paragraphs: list[Paragraph] = []
        for para in unit.paragraphs:
            pieces = split_text(para.text, cap) if len(para.text) > cap else [para.text]
            if len(pieces) > 1:
                notices.append(f"{doc.name}: paragraph {para.id} has {len(para.text):,} characters; "
                               f"indexed as {len(pieces)} pieces of at most {cap:,}")
            paragraphs += [_piece(para, n, text) for n, text in enumerate(pieces, 1)]
        for order, para in enumerate(paragraphs):
            para.order = order
        unit.paragraphs = paragraphs
    return notices


def _piece(para: Paragraph, n: int, text: str) -> Paragraph:
    """Piece ``n`` (from 1) of ``para``; the first is the paragraph itself."""
    if n == 1:
        para.text = text
        return para
    return replace(para, id=f"{para.id}{PIECE_SEPARATOR}{n}", text=text, footnotes=[],
                   cites=list(para.cites), cite_units=dict(para.cite_units), themes=list(para.themes))


def split_text(text: str, cap: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``cap`` characters, cut where it reads best."""
    pieces, at = [], 0
    while len(text) - at > cap:
        cut = _cut(text, at, at + cap, max(at + 1, at + cap - int(cap * _LOOK_BACK)))
        pieces.append(text[at:cut])
        at = cut
    pieces.append(text[at:])
    return pieces


def _cut(text: str, start: int, limit: int, earliest: int) -> int:
    """Where to end the piece starting at ``start``: after a sentence, else a space or comma."""
    for ends in (_SENTENCE_ENDS, _SOFT_ENDS):
        best = max(text.rfind(ch, earliest, limit) for ch in ends)
        if best >= earliest:
            return best + 1
    return limit
