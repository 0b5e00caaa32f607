"""The query form: string forms, rebuilding, and its compilation to Whoosh queries."""

from __future__ import annotations

import pytest
from whoosh import query as Q

from search.engine.reference import to_whoosh
from search.store.spelled import bigrams_of
from search.query import form as F


def test_string_forms_are_stable_and_readable():
    node = F.Maybe(
        F.Without(F.AllOf((F.Term("text", "洗钱"), F.AnyOf((F.Phrase("text", ("money", "launder")),
                                                            F.Substring("text_bigram", "洗钱活动"))))),
                  F.Prefix("text", "cyber")),
        F.Term("theme", "money-laundering", boost=0.3))
    assert str(node) == ('(((text:洗钱 AND (text:"money launder" OR text_bigram:~洗钱活动~)) '
                         'ANDNOT text:cyber*) ANDMAYBE theme:money-laundering^0.3)')
    assert str(F.AtLeast((F.Term("text", "a"), F.Term("text", "b")), 1)) == "ATLEAST1(text:a , text:b)"
    assert str(F.Range("year", 2011, 2016)) == "year:[2011 TO 2016]"


def test_nodes_are_hashable_values():
    assert F.Term("text", "a") == F.Term("text", "a")
    assert len({F.Term("text", "a"), F.Term("text", "a"), F.Term("text", "a", 2.0)}) == 2
    with pytest.raises(AttributeError):
        F.Term("text", "a").text = "b"


def test_helpers_build_the_smallest_node():
    one = F.Term("text", "a")
    assert F.any_of([one]) is one and F.all_of([one]) is one
    assert F.sequence("text", ["a"]) == one
    assert F.sequence("text", ["a", "b"]) == F.Phrase("text", ("a", "b"))
    assert F.is_browse(None) and F.is_browse(F.Every())
    assert F.is_browse(F.Without(F.Every(), one)) and not F.is_browse(one)


def test_transform_rebuilds_bottom_up():
    node = F.AllOf((F.Prefix("text", "cyb"), F.Without(F.Term("text", "a"), F.Prefix("text", "x"))))
    swapped = F.transform(node, lambda n: F.Term(n.field, n.text + "er") if isinstance(n, F.Prefix) else n)
    assert str(swapped) == "(text:cyber AND (text:a ANDNOT text:xer))"
    assert [type(n).__name__ for n in swapped.walk()] == ["AllOf", "Term", "Without", "Term", "Term"]


def test_compiles_to_the_whoosh_query_of_the_same_meaning():
    assert to_whoosh(None) is None
    assert to_whoosh(F.Term("text", "a", 2.0)) == Q.Term("text", "a", boost=2.0)
    assert to_whoosh(F.Substring("text_bigram", "洗钱活动")) == Q.Phrase("text_bigram", ["洗钱", "钱活", "活动"])
    assert to_whoosh(F.Substring("text_bigram", "钱")) == Q.Term("text_bigram", "钱")
    assert to_whoosh(F.AtLeast((F.Term("text", "a"), F.Term("text", "b")), 2)) == Q.And(
        [Q.Term("text", "a"), Q.Term("text", "b")])
    assert str(to_whoosh(F.AtLeast((F.Term("text", "a"), F.Term("text", "b"), F.Term("text", "c")), 2))) == (
        "((text:a AND text:b) OR (text:a AND text:c) OR (text:b AND text:c))")
    assert to_whoosh(F.Nothing()) is Q.NullQuery
    assert bigrams_of("洗钱活动") == ["洗钱", "钱活", "活动"]


def test_compiled_queries_find_the_same_paragraphs_as_hand_written_ones(real_index):
    from whoosh import index as whoosh_index

    from search.store.generation import current

    ix = whoosh_index.open_dir(str(current(real_index)))
    with ix.searcher() as searcher:
        ours = to_whoosh(F.Without(F.Term("text", "洗钱"), F.Term("text", "腐败")))
        theirs = Q.AndNot(Q.Term("text", "洗钱"), Q.Term("text", "腐败"))
        found = set(searcher.docs_for_query(ours))
        assert found and found == set(searcher.docs_for_query(theirs))
        some = to_whoosh(F.AtLeast((F.Term("text", "洗钱"), F.Term("text", "腐败"), F.Term("text", "网络")), 2))
        pairs = [Q.And([Q.Term("text", a), Q.Term("text", b)])
                 for a, b in (("洗钱", "腐败"), ("洗钱", "网络"), ("腐败", "网络"))]
        assert set(searcher.docs_for_query(some)) == set().union(*(searcher.docs_for_query(p) for p in pairs))
    ix.close()


def test_a_substring_hook_compiles_substrings_in_place():
    node = F.AnyOf((F.Term("text", "a"), F.Substring("text_bigram", "洗钱活动")))
    swapped = to_whoosh(node, substring=lambda n: Q.Term("substring", n.text))
    assert swapped == Q.Or([Q.Term("text", "a"), Q.Term("substring", "洗钱活动")])
    assert to_whoosh(node) == Q.Or([Q.Term("text", "a"),
                                    Q.Phrase("text_bigram", ["洗钱", "钱活", "活动"])])


def test_the_top_at_least_is_found_through_boosts_and_exclusions():
    top = F.AtLeast((F.Term("text", "a"), F.Term("text", "b")), 1)
    assert F.top_at_least(top) is top
    assert F.top_at_least(F.Maybe(F.Without(top, F.Term("text", "c")), F.Term("text", "d"))) is top
    assert F.top_at_least(F.AllOf((top, F.Term("text", "c")))) is None
