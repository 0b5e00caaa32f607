"""Build the query: parse what the user typed into our query form, expanded across languages.

:func:`parse` is pure (no index): words must all match, ``OR`` joins neighbours,
``-x`` excludes, ``field:value`` filters, ``"..."`` is exact, ``prefix*`` expands at
run time (``search.engine.rewrite.limit_prefixes``, capped). Every run of plain words is
matched against the glossary, longest first; each matched concept becomes an OR group of
its Chinese and English forms and variants, so 洗錢, 洗钱 and "money laundering" read
the same.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations
from typing import Any

from search.facets import facet_label
from search.messages import say
from search.query import form as F
from search.query.fallback import FALLBACK_BOOST, Fallback
from search.query.form import Node, all_of, any_of
from search.query.concepts import combine, concept_names
from search.query.parsed import Item, ParsedQuery
from search.query.references import UnitDirectory, read_reference, reference_query
from search.query.reading import describe_filter, describe_reading
from search.store.schema import FACETS
from search.query.sources import (CJK_GAP, Analyzers, Lexicon, default_analyzers, default_lexicon,
                            has_cjk)
from search.query.syntax import Token, tokenize
from search.query.verbs import split_verb

PHRASE_BOOST = 2.0  # the whole query as an exact phrase ranks above scattered words
THEME_BOOST = 0.3  # a paragraph tagged with a concept's theme, without its words
PREFIX_MIN = 2  # characters before "*" (a one-letter prefix would match half the index)
MAX_CLAUSES = 32  # more words than this is noise; the rest are ignored (and said so)
# Function words dropped between concepts in a run of Chinese (never from a lone word).
CONNECTIVES = frozenset({"和", "及", "与", "的", "并", "或", "以及", "等", "和或"})
KIND_ALIASES = {"operative": "op", "preambular": "pp", "执行": "op", "序言": "pp"}
# A Chinese word whose characters the text orders or spaces otherwise (野生动物 in
# 野生动植物, 人口贩运 in 贩运人口) still matches when all but one of its bigrams occur.
LOOSE_BOOST = 0.25
LOOSE_MAX_BIGRAMS = 6  # longer words would make too many combinations; they rarely need it
# A resolution number or symbol: the resolution itself, and the paragraphs that cite it.
REFERENCE = re.compile(r"^(?:A/RES/)?((?:S-)?\d{1,4}/\d{1,4})$", re.I)
UNIT_BOOST = 1.5
CITE_BOOST = 0.5


def parse(text: str, lexicon: Lexicon | None = None,
          analyzers: Analyzers | None = None, fallback: Fallback | None = None,
          units: UnitDirectory | None = None) -> ParsedQuery:
    """Parse user text into a :class:`ParsedQuery`; never raises on any string.

    ``fallback`` (see ``search.query.fallback``) reads words the glossary lacks through a
    general dictionary, keeping what the index holds; without it they are searched as typed.
    ``units`` (see ``search.query.references``) names the index's units, so that a symbol or
    a paragraph reference finds its known item first.
    """
    reference = read_reference(text, units)
    if reference is not None:
        return reference_query(text, reference)
    builder = _Builder(lexicon or default_lexicon(), analyzers or default_analyzers(), fallback)
    return builder.build(text)


def _at_least(query: Node | None) -> tuple[int, int] | None:
    """(minimum, count) of the query's top AtLeast, for the reading; None without one."""
    top = F.top_at_least(query) if query is not None else None
    return (top.minimum, len(top.items)) if top is not None else None


def concept_item(term: Any, typed: str, lexicon: Lexicon | None = None,
                 analyzers: Analyzers | None = None) -> Item:
    """The item of one glossary concept, as if ``typed`` had matched it."""
    builder = _Builder(lexicon or default_lexicon(), analyzers or default_analyzers())
    return builder._concept(term, typed)


def _bigram_node(bigrams: list[str]) -> Node:
    """The bigram-field node of a Chinese form: a substring when its bigrams overlap."""
    if len(bigrams) == 1:
        return F.Term("text_bigram", bigrams[0])
    if all(len(b) == 2 for b in bigrams) and all(
            bigrams[i][0] == bigrams[i - 1][1] for i in range(1, len(bigrams))):
        return F.Substring("text_bigram", bigrams[0] + "".join(b[1] for b in bigrams[1:]))
    return F.Phrase("text_bigram", tuple(bigrams))


def chinese_form_node(form: str, analyzers: Analyzers) -> Node | None:
    """The bigram-field node a Chinese form is searched by (spaces inside Chinese
    dropped: 秘书长 报告 finds 秘书长报告); None for a form without Chinese."""
    if not has_cjk(form):
        return None
    bigrams = analyzers.bigram(CJK_GAP.sub("", form))
    return _bigram_node(bigrams) if bigrams else None


def glossary_substrings(analyzers: Analyzers | None = None) -> list[str]:
    """The bigram-field substrings that the glossary's Chinese forms are searched by, as
    a concept's query holds them (成员国 for Member States, which a text may segment
    成员 国): the words the build's spelled table may answer besides the text's own
    (:mod:`search.store.spelled`); none without the glossary."""
    try:
        from search.lexicon import glossary
    except ImportError:
        return []
    analyzers = analyzers or default_analyzers()
    nodes = (chinese_form_node(form, analyzers)
             for term in glossary() for form in (term.zh, *term.zh_variants) if form)
    return list(dict.fromkeys(node.text for node in nodes if isinstance(node, F.Substring)))


class _Builder:
    """Turns tokens into items, items into clauses, clauses into one query."""

    def __init__(self, lexicon: Lexicon, analyzers: Analyzers, fallback: Fallback | None = None):
        self.lexicon = lexicon
        self.analyzers = analyzers
        self.fallback = fallback
        self.messages: list[str] = []
        self.truncated = False  # too many words: some were dropped
        themes = getattr(lexicon, "themes", None)
        self.theme_keys = {theme.key for theme in themes()} if themes else set()

    def build(self, text: str) -> ParsedQuery:
        """Tokens → items → clauses → one query, with its reading."""
        verb, rest = split_verb(text)  # "urges cybercrime": the verb facet, then the words
        tokens = tokenize(rest)
        entries, excluded, filters = self._entries(tokens)
        if verb is not None:
            filters.append(((verb.en, verb.zh), F.Term("verb", verb.key)))
        clauses = self._clauses(entries)
        # Only a query of plain words (no syntax) gets the whole-phrase boost.
        plain = " ".join(t.text for t in tokens) if all(
            t.kind == "word" and not t.negated for t in tokens) else None
        strict = any(t.kind == "and" for t in tokens)  # a typed AND asks for every clause
        query = self._combine(clauses, excluded, bool(text.strip()) and not filters, plain,
                              strict)
        items = [item for clause in clauses for item in clause] + excluded
        expanded = list(dict.fromkeys(term for item in items for term in item.expanded))
        words = [tok.text for tok in tokens if tok.kind == "word" and not tok.negated]
        filters_shown = [described for described, _ in filters]
        reading = describe_reading(
            [[item.shown for item in clause] for clause in clauses],
            [item.shown for item in excluded], filters_shown,
            nothing=isinstance(query, F.Nothing), at_least=_at_least(query))
        filter_query = all_of([q for _, q in filters]) if filters else None
        return ParsedQuery(text, query, filter_query, expanded, reading, self.messages,
                           words, clauses, excluded, filters_shown,
                           concepts=concept_names(clauses, strict),
                           read_as=[verb.removable()] if verb is not None else [])

    def _entries(self, tokens: list[Token]):
        """Items and OR markers in order, plus excluded items and ((en, zh), query) filters."""
        entries: list[Item | str] = []
        excluded: list[Item] = []
        filters: list[tuple[tuple[str, str], Node]] = []
        run: list[str] = []
        for token in tokens + [Token("end", "")]:
            if token.kind == "word" and not token.negated:
                run.append(token.text)
                continue
            if run:
                entries.extend(self._run_items(" ".join(run)))
                run = []
            if token.kind in ("or", "end", "and"):
                if token.kind == "or":
                    entries.append("OR")
                continue
            item = self._single_item(token)
            if item is None:
                continue
            if token.negated:
                excluded.append(item)
            elif token.kind == "filter":
                filters.append((item.described, item.query))
            else:
                entries.append(item)
        return entries, excluded, filters

    def _clauses(self, entries: list[Item | str]) -> list[list[Item]]:
        """Fold OR markers: ``a b OR c`` is a AND (b OR c)."""
        clauses: list[list[Item]] = []
        pending_or = False
        for entry in entries:
            if entry == "OR":
                pending_or = bool(clauses)
                continue
            if pending_or:
                clauses[-1].append(entry)
            else:
                clauses.append([entry])
            pending_or = False
        # A word typed twice asks for nothing more than once.
        unique = {str([item.query for item in clause]): clause for clause in reversed(clauses)}
        clauses = [c for c in clauses if unique.get(str([i.query for i in c])) is c]
        if len(clauses) > MAX_CLAUSES:
            self.messages.append(say("too_many_words", n=MAX_CLAUSES))
            self.truncated = True
            clauses = clauses[:MAX_CLAUSES]
        return clauses

    def _combine(self, clauses, excluded, searched: bool,
                 plain: str | None = None, strict: bool = False) -> Node | None:
        """AND the clauses, subtract the exclusions, boost the whole phrase."""
        if not clauses:
            if excluded:
                return F.Without(F.Every(), any_of([item.query for item in excluded]))
            if searched:
                self.messages.append(say("nothing_searchable"))
                return F.Nothing()
            return None
        return combine(clauses, excluded, self._phrase_boost(clauses, plain), strict)

    def _phrase_boost(self, clauses: list[list[Item]], plain: str | None) -> Node | None:
        """The whole of a query of several plain words, as one phrase (ranks first)."""
        if plain is None or self.truncated or len(clauses) < 2 or any(
                len(clause) > 1 for clause in clauses):
            return None
        terms = self.analyzers.text(plain)
        queries = self._form_queries(plain, terms) if terms else []
        queries = [replace(query, boost=PHRASE_BOOST) for query in queries]
        return any_of(queries) if queries else None

    def _run_items(self, run: str) -> list[Item]:
        """Items of a run of plain words: glossary concepts, then the words between."""
        spans = self._glossary_spans(run)
        if not spans:
            return self._literals(run)
        items: list[Item] = []
        pos = 0
        for start, end, term in spans:
            items.extend(self._gap_literals(run[pos:start]))
            items.append(self._concept(term, run[start:end]))
            pos = end
        items.extend(self._gap_literals(run[pos:]))
        return items

    def _gap_literals(self, text: str) -> list[Item]:
        """Words left beside a concept: Chinese split into words, connectives dropped.

        In 打击洗钱和腐败 the pieces 打击 and 和 are what remain around the concepts;
        requiring the text "和腐败" verbatim would lose paragraphs that say it otherwise.
        """
        pieces: list[str] = []
        for word in text.split():
            pieces += [p for p in (self.analyzers.text(word) if has_cjk(word) else [word])
                       if p not in CONNECTIVES]
        return self._word_items(pieces)

    def _glossary_spans(self, text: str) -> list[tuple[int, int, Any]]:
        """Non-overlapping glossary matches, longest first, in text order."""
        found = list(self.lexicon.match_english(text)) + list(self.lexicon.match_chinese(text))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        chosen: list[tuple[int, int, Any]] = []
        for start, end, term in found:
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, term))
        chosen.sort(key=lambda m: m[0])
        glossary = getattr(self.lexicon, "glossary", None)
        if glossary is None:
            return chosen
        from search.lexicon.regional import join_smuggling  # 野生動物走私: one concept

        return join_smuggling(chosen, text, glossary())

    def _literals(self, text: str) -> list[Item]:
        return self._word_items(text.split())

    def _word_items(self, words: list[str]) -> list[Item]:
        """Items of plain words; a dictionary phrase of several ("death penalty") is one."""
        phrases = {start: (end, heads) for start, end, heads in (
            self.fallback.phrases(words) if self.fallback else []) if end - start > 1}
        items, i = [], 0
        while i < len(words):
            if i in phrases:
                end, heads = phrases[i]
                items.append(self._dictionary_item(" ".join(words[i:end]), heads))
                i = end
                continue
            item = self._literal(words[i])
            if item is not None:
                items.append(item)
            i += 1
        return items

    def _dictionary_item(self, typed: str, forms: list[str]) -> Item:
        """A word or phrase OR its dictionary translations, weighted below the typed words."""
        queries = self._form_queries(typed, self.analyzers.text(typed) or [typed])
        for form in forms:
            for query in self._form_queries(form, self.analyzers.text(form)):
                queries.append(replace(query, boost=FALLBACK_BOOST))
        return Item(any_of(queries), f"{typed} → {' OR '.join(forms)}", list(forms))

    def _literal(self, word: str, shown: str | None = None, exact: bool = False) -> Item | None:
        """A word as typed: a phrase on the word field, OR-ed with bigrams for Chinese.

        Unless ``exact`` (a quoted phrase), a Chinese word also matches loosely and a
        resolution number also finds the resolution and the paragraphs citing it.
        """
        terms = self.analyzers.text(word)
        if not terms:
            return None
        if not exact and self.fallback is not None and (forms := self.fallback.chinese(word)):
            return self._dictionary_item(word, forms)  # relax has nothing to loosen or drop
        queries = self._form_queries(word, terms)
        if not exact:
            queries += self._reference(word) + self._english_glosses(word)
            if len(terms) == 1:  # one word the text may spell otherwise; phrases stay phrases
                queries += self._loose_chinese(word)
        return Item(any_of(queries), shown or word, terms=terms)

    def _english_glosses(self, word: str) -> list[Node]:
        """A Chinese word's dictionary glosses that English texts of the index hold."""
        glosses = self.fallback.english(word) if self.fallback is not None else []
        return [F.sequence("text", terms, FALLBACK_BOOST)
                for terms in (self.analyzers.text(g) for g in glosses) if terms]

    def _loose_chinese(self, word: str) -> list[Node]:
        """All but one of the word's bigrams, anywhere in the paragraph (weighed low)."""
        if not has_cjk(word) or CJK_GAP.sub("", word) != word.strip():
            return []
        bigrams = list(dict.fromkeys(self.analyzers.bigram(word.strip())))
        if not 3 <= len(bigrams) <= LOOSE_MAX_BIGRAMS:
            return []
        groups = [all_of([F.Term("text_bigram", b) for b in group])
                  for group in combinations(bigrams, len(bigrams) - 1)]
        return [F.AnyOf(tuple(groups), LOOSE_BOOST)]

    def _reference(self, word: str) -> list[Node]:
        """For 71/209 or A/RES/71/209: the unit of that resolution and its citations."""
        m = REFERENCE.match(word.strip())
        if m is None:
            return []
        number = m.group(1).upper()
        unit = "A-RES-" + number.replace("/", "-")
        return [F.Term("unit", unit, UNIT_BOOST), F.Term("unit", unit + ".en", UNIT_BOOST),
                F.Term("cites", number, CITE_BOOST)]

    def _form_queries(self, form: str, terms: list[str]) -> list[Node]:
        """The word-field phrase of ``form`` and, for Chinese, its bigram substring.

        Chinese needs both: jieba may fold a form into a longer word of the text
        (反洗钱, 洗钱活动), which only the bigram field still matches.
        """
        queries = [F.sequence("text", terms)]
        chinese = chinese_form_node(form, self.analyzers)
        if chinese is not None:
            queries.append(chinese)
        return queries

    def _concept(self, term: Any, typed: str) -> Item:
        """A glossary concept: OR of its Chinese and English forms and variants."""
        typed_terms = tuple(self.analyzers.text(typed))
        seen: dict[tuple[str, ...], str] = {}
        # The typed form goes last: 洗钱, 洗錢 and "money laundering" give one same query.
        for form in [term.zh, *term.zh_variants, term.en, *term.en_variants, typed]:
            terms = tuple(self.analyzers.text(form)) if form else ()
            if terms and terms not in seen:
                seen[terms] = form
        queries = list(dict.fromkeys(
            q for terms, form in seen.items() for q in self._form_queries(form, list(terms))))
        expanded = [form for terms, form in seen.items() if terms != typed_terms]
        if term.id in self.theme_keys:
            # The concept is also a theme: paragraphs tagged with it are about it even when
            # they word it otherwise; weighed low, they come after the literal matches.
            queries.append(F.Term("theme", term.id, THEME_BOOST))
            expanded.append(f"theme:{term.id}")
        shown_forms = [typed] + [f for f in (term.zh, term.en) if f and f != typed
                                 and tuple(self.analyzers.text(f)) != typed_terms]
        # Named as typed in the language typed, by the glossary in the other.
        named = (term.en if has_cjk(typed) else typed, typed if has_cjk(typed) else term.zh)
        named = (named[0] or typed, named[1] or typed)
        return Item(any_of(queries), " OR ".join(shown_forms), expanded, named=named)

    def _single_item(self, token: Token) -> Item | None:
        """The item of a phrase, prefix, filter or negated word token."""
        if token.kind == "phrase":
            item = self._literal(token.text, shown=f"“{token.text.strip()}”", exact=True)
            if item is not None:
                item.terms = None  # an exact phrase stays exact, even when nothing matches
                item.exact = True
            return item
        if token.kind == "prefix":
            return self._prefix(token.text)
        if token.kind == "filter":
            return self._filter(token.field, token.text)
        spans = self._glossary_spans(token.text)
        if len(spans) == 1 and spans[0][:2] == (0, len(token.text)):
            return self._concept(spans[0][2], token.text)
        return self._literal(token.text)

    def _prefix(self, stem: str) -> Item | None:
        norm = self.analyzers.normalize(stem).strip()
        if len(norm) < PREFIX_MIN or not norm.isalnum():
            self.messages.append(say("prefix_too_short", stem=stem, n=PREFIX_MIN))
            return None
        return Item(F.Prefix("text", norm), f"{norm}*")

    def _filter(self, fieldname: str, value: str) -> Item | None:
        shown = f"{fieldname}:{value}"
        if fieldname == "year":
            if not value.isdigit() or len(value) != 4:
                self.messages.append(say("year_digits", shown=shown))
                return None
            query: Node = F.Range("year", int(value), int(value))
            label = {}
        else:
            if fieldname != "unit":
                value = value.lower()
                value = KIND_ALIASES.get(value, value) if fieldname == "kind" else value
            query = F.Term(fieldname, value)
            label = facet_label(fieldname, value) if fieldname in FACETS else {}
        return Item(query, f"{fieldname}:{value}",
                    described=describe_filter(fieldname, value, label))
