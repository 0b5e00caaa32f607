"""The query syntax: split what the user typed into tokens, escaping by default.

Recognised: words, "exact phrases" (ASCII or Chinese quotes), ``OR``, ``AND`` (the
default, so a no-op), ``-exclusion``, ``field:value`` filters for known facets and
``prefix*``. Everything else — a lone quote, brackets, ``*``, ``A/RES/71/209``, HTML — is
plain text handed to the analyzer, which keeps what is searchable.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.store.schema import FILTER_FIELDS

QUERY_FIELDS: tuple[str, ...] = FILTER_FIELDS + ("year",)
OPEN_QUOTES = '"“「『'
CLOSE_QUOTES = '"”」』'
# Characters that separate tokens besides whitespace; brackets are not grouping syntax.
SEPARATORS = "()（）[]{}"


@dataclass(frozen=True)
class Token:
    """One piece of a query: kind is word, phrase, prefix, filter, or, and."""

    kind: str
    text: str
    negated: bool = False
    field: str | None = None


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens; never raises on any input string."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace() or char in SEPARATORS:
            i += 1
            continue
        negated = char == "-" and i + 1 < n and text[i + 1] in OPEN_QUOTES
        start = i + 1 if negated else i
        if text[start] in OPEN_QUOTES:
            end = _closing_quote(text, start + 1)
            if end is not None:
                tokens.append(Token("phrase", text[start + 1:end], negated))
                i = end + 1
                continue
            # An unbalanced quote is not syntax: read on as plain words.
            i = start + 1
            continue
        end = _word_end(text, i)
        tokens.append(_classify(text[i:end]))
        i = end
    return [token for token in tokens if token.text.strip()]


def _closing_quote(text: str, start: int) -> int | None:
    """Index of the first closing quote at or after ``start``, or None."""
    for j in range(start, len(text)):
        if text[j] in CLOSE_QUOTES:
            return j
    return None


def _word_end(text: str, start: int) -> int:
    """Index just past the word starting at ``start``."""
    j = start
    while j < len(text):
        char = text[j]
        if char.isspace() or char in SEPARATORS or (char in OPEN_QUOTES and j > start):
            break
        j += 1
    return j


def _classify(word: str) -> Token:
    """Turn one whitespace-delimited word into a token."""
    if word == "OR":
        return Token("or", word)
    if word == "AND":
        return Token("and", word)
    negated = word.startswith("-") and len(word) > 1
    body = word[1:] if negated else word
    field, sep, value = body.partition(":")
    if sep and field.lower() in QUERY_FIELDS and value:
        return Token("filter", value, negated, field.lower())
    if body.endswith("*") and len(body.rstrip("*")) > 0:
        return Token("prefix", body.rstrip("*"), negated)
    return Token("word", body, negated)
