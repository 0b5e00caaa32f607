"""When no paragraph holds every concept: loosen the query one step, and say so.

A word the analyzer splits in several terms (第70/174号决议, "resolution 70/174"
against a Chinese corpus) must appear as a phrase. When no paragraph matches in full,
:func:`relax` lets the terms of such a word appear anywhere in the paragraph, reads a word
found nowhere as the glossary concept it names (Doha → 多哈宣言), and, in a query whose
every word is required (one holding a "quoted phrase"), drops the words no paragraph
contains. In a query of concepts that may match in part, such a word stays: each hit says
it lacks it (``search.query.concepts``). Glossary concepts, "quoted phrases", prefixes,
filters and exclusions are left as they are. The reading says what was loosened, so the
user knows the results are not exact."""

from __future__ import annotations

import re
from typing import Callable

from search.messages import say
from search.query import form as F
from search.query.concepts import combine, concept_names
from search.query.form import all_of, any_of
from search.query.parsed import Item, ParsedQuery
from search.query.build import concept_item
from search.query.reading import describe_reading
from search.query.sources import Analyzers, default_lexicon, has_cjk

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]{2,30}")


def relax(parsed: ParsedQuery, known: Callable[[str], bool],
          widen: Callable[[str], Item | None] = lambda word: None,
          drop: bool = False) -> ParsedQuery | None:
    """A looser ParsedQuery, or None when loosening changes nothing or leaves nothing.

    ``known(term)`` tells whether any paragraph holds ``term`` in its text field;
    ``widen(word)`` may offer an item for a word found nowhere (a glossary concept that
    names it: Doha → 多哈宣言), tried before the word is left out. In a query whose
    concepts may match in part (``search.query.concepts``) such a word is kept instead:
    every hit then says it lacks it, nothing is dropped unseen; ``drop`` leaves it out
    all the same (said in the reading), for when too few concepts are left to match.
    """
    keep_unfound = bool(parsed.concepts) and not drop
    clauses: list[list[Item]] = []
    missing: list[str] = []
    loosened: list[str] = []
    widened: list[str] = []
    for clause in parsed.clauses:
        kept = []
        for item in clause:
            if item.terms is None or (len(item.terms) == 1 and known(item.terms[0])):
                kept.append(item)  # nothing to loosen
                continue
            found = [term for term in item.terms if known(term)]
            if not found:
                wider = widen(item.shown)
                if wider is None and keep_unfound:
                    kept.append(item)
                elif wider is None:
                    missing.append(item.shown)
                else:
                    kept.append(wider)
                    widened.append(item.shown)
                continue
            missing += [term for term in item.terms if term not in found]
            if len(item.terms) > 1:
                loosened.append(item.shown)
            kept.append(Item(all_of([F.Term("text", t) for t in _content(found)]), item.shown,
                             named=item.named, exact=item.exact))
        if kept:
            clauses.append(kept)
    if not clauses or not (missing or loosened or widened):
        return None
    strict = not parsed.concepts
    query = combine(clauses, parsed.excluded, strict=strict)
    top = F.top_at_least(query)
    reading = describe_reading([[item.shown for item in clause] for clause in clauses],
                               [item.shown for item in parsed.excluded], parsed.filters_shown,
                               at_least=(top.minimum, len(top.items)) if top else None)
    reading, messages = _explain(reading, list(dict.fromkeys(missing)), loosened)
    return ParsedQuery(parsed.text, query, parsed.filter, parsed.expanded, reading,
                       parsed.messages + messages, parsed.words, clauses, parsed.excluded,
                       parsed.filters_shown, concepts=concept_names(clauses, strict))


def partial_concept(word: str, lexicon=None, analyzers: Analyzers | None = None,
                    limit: int = 3) -> Item | None:
    """The concepts whose English name holds ``word`` (Doha → Doha Declaration), if few.

    Used only when the word itself is in no paragraph (see ``search.query.relax``).
    """
    lexicon = lexicon or default_lexicon()
    if not _LATIN_WORD.fullmatch(word) or not hasattr(lexicon, "glossary"):
        return None
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    terms = [t for t in lexicon.glossary() if any(pattern.search(f) for f in (t.en, *t.en_variants))]
    if not 1 <= len(terms) <= limit:
        return None
    items = [concept_item(term, word, lexicon, analyzers) for term in terms]
    shown = word + " → " + " OR ".join(f for t in terms for f in (t.zh, t.en) if f)
    return Item(any_of([item.query for item in items]), shown,
                list(dict.fromkeys(x for item in items for x in item.expanded)),
                named=(word, word))


def _content(terms: list[str]) -> list[str]:
    """Terms without lone Chinese characters (第, 号, 的), unless nothing else is left.

    Apart from their neighbours such characters match nearly every paragraph and would
    only scatter marks over the snippets.
    """
    content = [t for t in terms if len(t) > 1 or not has_cjk(t)]
    return content or terms


def _explain(reading: dict[str, str], missing: list[str],
             loosened: list[str]) -> tuple[dict[str, str], list[str]]:
    """The reading and messages, told what was dropped and what was loosened."""
    en, zh, messages = reading["en"], reading["zh"], []
    if missing:
        en += f"; left out (in no paragraph): {', '.join(missing)}"
        zh += f"；已略去（无段落包含）：{'、'.join(missing)}"
        messages.append(say("left_out", words=", ".join(missing), words_zh="、".join(missing)))
    if loosened:
        en += f"; the words of {', '.join(loosened)} anywhere in the paragraph"
        zh += f"；{'、'.join(loosened)} 的各词不必相连"
        messages.append(say("loosened"))
    return {"en": en, "zh": zh}, messages
