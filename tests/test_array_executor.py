"""The array executor against the Whoosh reference: same matches, totals, facets, top 10.

The reference runs Whoosh on ``to_whoosh`` of each node, with bigram phrases resolved as
the engine resolves them (``resolve_bigrams``) and prefixes expanded as the form says.
Two corpora: the real one and a generated one (the corpus's clauses recombined, with
other years), for one query mix built from the words of the bench queries.
"""

from __future__ import annotations

import copy
import random
import re
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q

from search.analysis import normalize, segment
from search.engine.arrays import ArrayExecutor
from search.engine.execution import Request, child_weight, rank_key
from search.engine.ranking import top_at_least
from search.engine.reference import to_whoosh
from search.engine.rewrite import SubstringQuery, resolve_bigrams
from search.facets import facet_keys
from search.query import form as F
from search.store.arrays import Arrays
from search.store.generation import current
from search.store.schema import FACETS

ROOT = Path(__file__).resolve().parent.parent
FACET_LIST = FACETS


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
        query = resolve_bigrams(to_whoosh(_reference_form(node, self.searcher.reader())),
                                self.normalized, self.average)
        # A range is a filter (score 0); Whoosh would score each match 1.
        query = query.accept(lambda q: SubstringQuery(str(q), dict.fromkeys(
            self.searcher.docs_for_query(q), 0.0)) if isinstance(q, Q.NumericRange) else q)
        return dict(self.searcher.search(query, filter=allowed, limit=None).items())

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
        top, matched = top_at_least(node), {}
        if top is not None:  # Whoosh cannot score AtLeast: the sum of the matching children
            children = [self.scores(c, None) for c in top.items]
            weights = [child_weight(len(c), len(self.stored)) for c in children]
            matched = {n: tuple(i for i, c in enumerate(children) if n in c) for n in scores}
            scores = {n: sum(children[i][n] for i in matched[n]) * top.boost for n in scores}
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
    digits = "".join(ch for ch in (stored.get("date") or "")[:10] if ch.isdigit())
    return int(digits) if len(digits) == 8 else 0


def _compare(index_dir: Path, reference: Reference):
    executor = ArrayExecutor(Arrays(current(index_dir)))
    checked = 0
    for name, node, filters in query_mix():
        expected = reference.run(node, filters)
        got = executor.run(Request(node, filters=filters, facets=FACET_LIST))
        assert not got.partial, name
        assert (got.total, got.full) == (expected["total"], expected["full"]), name
        assert got.facets == expected["facets"], name
        assert got.page == expected["page"], name
        assert got.scores == pytest.approx(expected["scores"], rel=1e-6), name
        if top_at_least(node) is not None:
            assert got.matched == expected["matched"], name
        checked += expected["total"] > 0
    return checked


def test_the_array_executor_agrees_with_whoosh_on_the_real_corpus(real_index):
    reference = Reference(real_index)
    assert _compare(real_index, reference) >= 40  # most of the mix finds something
    reference.searcher.close()


def _recombined(documents, copies: int, seed: int = 7):
    """``copies`` more copies of the corpus, each paragraph made of random corpus clauses."""
    rng = random.Random(seed)
    clauses = [c for d in documents for u in d.units for p in u.paragraphs
               for c in re.findall(r"[^，；。]+[，；。]?", p.text)]
    out = []
    for k in range(1, copies + 1):
        for doc in copy.deepcopy(documents):
            doc.year = (doc.year or 2000) + k
            for unit in doc.units:
                unit.id = f"{unit.id}-x{k}"
                for para in unit.paragraphs:
                    para.id = f"{unit.id}/{para.anchor}"
                    para.text = "".join(rng.choice(clauses) for _ in range(rng.randint(1, 6)))
            out.append(doc)
    return documents + out


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory, corpus_documents):
    from index.write import write_index

    index_dir = tmp_path_factory.mktemp("generated") / "index"
    assert write_index(_recombined(corpus_documents, 2), index_dir) == 3 * 802
    return index_dir


def test_the_array_executor_agrees_with_whoosh_on_a_generated_corpus(generated_index):
    reference = Reference(generated_index)
    assert _compare(generated_index, reference) >= 40
    reference.searcher.close()


class _Clock:
    """A clock that advances one second each time it is read."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_past_the_budget_the_answer_so_far_is_flagged_partial(real_index):
    arrays = Arrays(current(real_index))
    terms = tuple(F.Term("text", w) for w in ("洗钱", "腐败", "网络犯罪", "恐怖主义"))
    whole = ArrayExecutor(arrays).run(Request(F.AnyOf(terms)))
    # Each node reads the clock once: a budget of 3.5 ticks sees the AnyOf and two terms.
    cut = ArrayExecutor(arrays, clock=_Clock()).run(Request(F.AnyOf(terms), budget=3.5))
    assert cut.partial and not whole.partial
    two = ArrayExecutor(arrays).run(Request(F.AnyOf(terms[:2])))
    assert 0 < cut.total == two.total < whole.total
    # An exclusion cut short keeps nothing that might have been excluded.
    without = ArrayExecutor(arrays, clock=_Clock()).run(
        Request(F.Without(terms[0], F.AnyOf(terms[1:])), budget=3.5))
    assert without.partial and without.total == 0 and without.page == []
    assert ArrayExecutor(arrays).run(Request(terms[0], budget=0.0)).partial


def test_overlapping_occurrences_count_as_str_count_does():
    import numpy as np

    from search.engine.arrays import _non_overlapping

    # 哈哈哈 at bigram positions 0, 1, 2 of doc 4 ("哈哈哈哈哈") and 0 of doc 9.
    docs, counts = _non_overlapping(np.array([4, 4, 4, 9]), np.array([0, 1, 2, 0]), "哈哈哈")
    assert docs.tolist() == [4, 9] and counts.tolist() == ["哈哈哈哈哈".count("哈哈哈"), 1]
    docs, counts = _non_overlapping(np.array([4, 4]), np.array([0, 7]), "洗钱活动")
    assert counts.tolist() == [2]
