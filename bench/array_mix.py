"""The array executor's fixed query mix and the Whoosh reference it is held equal to.

The mix covers every node kind over the analysed words of bench/queries.toml. The
reference runs Whoosh on ``to_whoosh`` of each node, with substrings scored as the
Whoosh executor scores them (``substring_scores``) and prefixes expanded as the form says
(tests/test_array_executor.py compares; bench/arrays.py times both).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q

from search.analysis import normalize, segment
from search.engine.execution import child_weight, rank_key
from search.engine.ranking import OP_BOOST
from search.store.array_writer import date_number
from search.engine.reference import to_whoosh
from search.engine.rewrite import SubstringQuery, _scores
from search.facets import facet_keys
from search.query import form as F
from search.store.generation import current
from search.store.schema import FACETS

ROOT = Path(__file__).resolve().parents[1]
FACET_LIST = FACETS
SUBSTRING = "__substring__"  # a field no index has: marks a Substring for the reference


def _bench_words() -> list[list[str]]:
    """The analysed words of each bench query (syntax stripped)."""
    mix = tomllib.loads((ROOT / "bench" / "queries.toml").read_text(encoding="utf-8"))
    found = []
    for query in mix["query"]:
        text = re.sub(r"\w+:\S+|\bOR\b|[\"*]", " ", query["q"])
        words = segment(text)
        if words and words not in found:
            found.append(words)
    return found


def query_mix() -> list[tuple[str, F.Node | None, dict]]:
    """(name, query, filters): every node kind, over the bench queries' words."""
    mix: list[tuple[str, F.Node | None, dict]] = []
    groups = _bench_words()
    for words in groups:
        name = "+".join(words)
        terms = [F.Term("text", w) for w in words]
        mix.append((name, F.all_of(terms), {}))
        if len(words) > 1:
            mix.append((f"phrase {name}", F.Phrase("text", tuple(words)), {}))
            mix.append((f"any {name}", F.AnyOf(tuple(terms), boost=1.5), {}))
        joined = "".join(words)
        if all("\u4e00" <= ch <= "\u9fff" for ch in joined) and len(joined) >= 2:
            mix.append((f"substring {joined}", F.Substring("text_bigram", joined), {}))
            mix.append((f"word or substring {joined}", F.AnyOf(
                (F.all_of(terms), F.Substring("text_bigram", joined, boost=0.5))), {}))
        mix.append((f"prefix {words[0][:1]}", F.Prefix("text", words[0][:1]), {}))
    t = {w[0]: F.Term("text", w[0]) for w in groups}
    money, cyber, corrupt = t["洗钱"], t["网络犯罪"], t["腐败"]
    mix += [
        ("at least 2 of 3", F.AtLeast((money, cyber, corrupt), 2, ("a", "b", "c")), {}),
        ("at least 1 of 3", F.AtLeast((money, t["贩运"] if "贩运" in t else cyber, corrupt), 1), {}),
        ("at least under without", F.Without(F.AtLeast((money, corrupt, t["技术援助"]), 1), cyber), {}),
        ("without", F.Without(corrupt, money), {}),
        ("maybe theme", F.Maybe(money, F.Term("theme", "money-laundering", boost=0.3)), {}),
        ("year range", F.AllOf((corrupt, F.Range("year", 2011, 2016))), {}),
        ("filtered", money, {"session": ("ga-68", "ga-71"), "kind": ("op",)}),
        ("empty filter value", money, {"session": ("no-such-session",)}),
        ("theme filter", corrupt, {"theme": ("corruption", "cybercrime")}),
        ("browse", None, {}),
        ("browse without", F.Without(F.Every(), money), {}),
        ("nothing", F.Nothing(), {}),
        ("unit term", F.AnyOf((F.Term("unit", "A-RES-71-209", boost=2.0), money)), {}),
    ]
    return mix


def _reference_form(node: F.Node | None, reader) -> F.Node | None:
    """``node`` with the form's meaning spelled out for Whoosh.

    Prefixes become their PREFIX_CAP most frequent terms (ties: term order); a one-child AnyOf/AllOf passes its boost down (Whoosh drops it).
    """
    def spell(n: F.Node) -> F.Node:
        if isinstance(n, F.Prefix):
            terms = [t for t in reader.field_terms(n.field) if t.startswith(n.text)]
            terms = sorted(terms, key=lambda t: (-reader.doc_frequency(n.field, t), t))[:F.PREFIX_CAP]
            return F.AnyOf(tuple(F.Term(n.field, t, n.boost) for t in terms)) if terms else F.Nothing()
        if isinstance(n, F.Substring) and len(n.text) >= 2:  # compiled in _substring
            return F.Term(SUBSTRING, n.text, n.boost)
        if isinstance(n, (F.AnyOf, F.AllOf)) and len(n.items) == 1:
            return replace(n.items[0], boost=n.items[0].boost * n.boost)
        return n

    return None if node is None else F.transform(node, spell)


class Reference:
    """Whoosh over one index: the reference answer of a request."""

    def __init__(self, index_dir: Path):
        self.ix = whoosh_index.open_dir(str(current(index_dir)))
        self.searcher = self.ix.searcher()
        self.stored = [self.searcher.stored_fields(n) for n in range(self.searcher.doc_count_all())]
        self.normalized = [normalize(d.get("text", "")) for d in self.stored]
        self.average = sum(map(len, self.normalized)) / len(self.normalized)

    def scores(self, node: F.Node, allowed) -> dict[int, float]:
        if allowed is not None and not allowed:
            return {}  # Whoosh reads an empty filter as none at all
        query = to_whoosh(_reference_form(node, self.searcher.reader()))
        query = query.accept(self._substring)
        # A range is a filter (score 0); Whoosh would score each match 1.
        query = query.accept(lambda q: SubstringQuery(str(q), dict.fromkeys(
            self.searcher.docs_for_query(q), 0.0)) if isinstance(q, Q.NumericRange) else q)
        scores = dict(self.searcher.search(query, filter=allowed, limit=None).items())
        return scores

    def _substring(self, q: Q.Query) -> Q.Query:
        """A substring placeholder's documents, scored as ``search.engine.rewrite`` does."""
        if not (isinstance(q, Q.Term) and q.fieldname == SUBSTRING):
            return q
        return SubstringQuery(q.text, _scores(q.text, self.normalized, self.average, q.boost))

    def allowed(self, filters: dict) -> set[int] | None:
        if not filters:
            return None
        query = Q.And([Q.Or([Q.Term(f, v) for v in values]) for f, values in filters.items()])
        return set(self.searcher.docs_for_query(query))

    def run(self, node: F.Node | None, filters: dict, size: int = 10) -> dict:
        allowed = self.allowed(filters)
        everything = range(len(self.stored))
        if node is None or F.is_browse(node):
            hits = [n for n in (everything if node is None else self.scores(node, None))
                    if allowed is None or n in allowed]
            ranked = sorted(hits, key=lambda n: self.stored[n]["doc_order"])
            return self._answer(hits, ranked[:size], {}, None)
        scores = self.scores(node, allowed)
        top, matched = F.top_at_least(node), {}
        if top is not None:  # Whoosh cannot score AtLeast: the sum of the matching children
            children = [self.scores(c, None) for c in top.items]
            weights = [child_weight(len(c), len(self.stored)) for c in children]
            matched = {n: tuple(i for i, c in enumerate(children) if n in c) for n in scores}
            scores = {n: sum(children[i][n] for i in matched[n]) * top.boost for n in scores}
        scores = {n: s * (OP_BOOST if self.stored[n]["kind"] == "op" else 1.0)
                  for n, s in scores.items()}
        key = lambda n: rank_key(len(matched.get(n, ())), sum(weights[i] for i in matched.get(n, ())) if top else 0.0,  # noqa: E731
                                 scores[n], _date(self.stored[n]), self.stored[n]["doc_order"])
        ranked = sorted(scores, key=key)
        full = sum(1 for n in scores if len(matched[n]) == len(top.items)) if top else len(scores)
        return self._answer(list(scores), ranked[:size], scores, full, matched)

    def _answer(self, hits, page, scores, full, matched=None) -> dict:
        facets = {f: dict(Counter(k for n in hits for k in facet_keys(self.stored[n], f)))
                  for f in FACET_LIST}
        return {"total": len(hits), "full": len(hits) if full is None else full, "page": page,
                "scores": [scores.get(n, 0.0) for n in page], "facets": facets,
                "matched": [(matched or {}).get(n, ()) for n in page]}


def _date(stored: dict) -> int:
    return date_number(stored.get("date") or "", stored.get("year"))


