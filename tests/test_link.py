"""The linking stage on the real corpus: expectations read off the texts side by side."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from index.build import load_manifest, parse_corpus, parse_file
from index.fingerprint import fingerprints, folded_codes, identity_key, shared_counts
from index.link import link, unit_links
from search.align import align, similarity

FORENSIC = {  # "…继续支持强化法证学领域的能力与技能…区域法证学事务机构网络…"
    "A-C.3-68-L.18/op40": "2013 draft",
    "A-RES-68-193/op44": "2013",
    "A-RES-71-209/op52": "2016",
    "A-RES-80-229/op76": "2025",
}
SOVEREIGNTY = ["A-C.3-68-L.18/pp22", "A-RES-68-193/pp29", "A-RES-71-209/pp8", "A-RES-80-229/pp11"]


@pytest.fixture(scope="module")
def paras(corpus_documents):
    return {p.id: p for d in corpus_documents for u in d.units for p in u.paragraphs}


@pytest.fixture(scope="module")
def units(corpus_documents):
    return {u.id: u for d in corpus_documents for u in d.units}


def relation(paras, a, b):
    found = [lk["relation"] for lk in paras[a].links if lk["id"] == b]
    back = [lk["relation"] for lk in paras[b].links if lk["id"] == a]
    assert found == back, "links are symmetric"
    return found[0] if found else None


def test_the_forensic_paragraph_recurs_in_every_omnibus_text(paras):
    # L.18 op40 → 68/193 op44: 协调→协商, 技术协助→技术援助, the closing "以加强其专业知识…能力"
    # added; 68/193 op44 → 71/209 op52: "领域的的能力" lost one 的 (the only change);
    # 71/209 op52 → 80/229 op76: "支持编制" → "编制", the closing clause rewritten.
    assert relation(paras, "A-C.3-68-L.18/op40", "A-RES-68-193/op44") == "edited"
    assert relation(paras, "A-RES-68-193/op44", "A-RES-71-209/op52") == "edited"
    assert relation(paras, "A-RES-71-209/op52", "A-RES-80-229/op76") == "edited"
    one_char = [lk for lk in paras["A-RES-68-193/op44"].links if lk["id"] == "A-RES-71-209/op52"][0]
    assert 0.99 < one_char["score"] < 1.0
    linked = {lk["id"] for lk in paras["A-RES-71-209/op52"].links}
    assert set(FORENSIC) - {"A-RES-71-209/op52"} <= linked


def test_the_sovereignty_paragraph_recurs_across_all_four(paras):
    # L.18 pp22 and 68/193 pp29 are the same text; 71/209 pp8 ends "促进问题的持久解决" instead
    # of "促进持久解决办法"; 80/229 pp11 adds "在国内和国际两级" and a long new second half.
    assert relation(paras, SOVEREIGNTY[0], SOVEREIGNTY[1]) == "identical"
    assert relation(paras, SOVEREIGNTY[1], SOVEREIGNTY[2]) == "edited"
    assert relation(paras, SOVEREIGNTY[0], SOVEREIGNTY[2]) == "edited"
    assert relation(paras, SOVEREIGNTY[2], SOVEREIGNTY[3]) == "related"
    for pid in SOVEREIGNTY:
        assert set(SOVEREIGNTY) - {pid} <= {lk["id"] for lk in paras[pid].links}


def _plain(text: str) -> str:
    """An independent folding: NFKC, no spaces, no punctuation, no superscripts."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(ch)[0] in "LN" and ch not in "¹²³⁴⁵⁶⁷⁸⁹⁰").lower()


def test_identical_means_the_same_text_and_every_same_text_is_linked(paras):
    by_text: dict[str, list[str]] = {}
    for pid, para in paras.items():
        by_text.setdefault(_plain(para.text), []).append(pid)
    expected = {(a, b) for ids in by_text.values() for a in ids for b in ids
                if a != b and a.rsplit("/", 1)[0] != b.rsplit("/", 1)[0]}
    marked = {(pid, lk["id"]) for pid, p in paras.items() for lk in p.links if lk["relation"] == "identical"}
    assert marked == expected
    assert len(marked) == 80  # 40 pairs, e.g. L.18 pp7 = 68/193 pp10, L.18 op2 = 68/193 op2


def test_no_link_stays_inside_its_unit(paras):
    for pid, para in paras.items():
        assert all(lk["unit"] != pid.rsplit("/", 1)[0] for lk in para.links)


def test_units_of_one_work_are_related(units):
    assert units["A-C.3-68-L.18"].relations["adopted_as"] == [{"unit": "A-RES-68-193", "source": "text"}]
    assert units["A-RES-68-193"].relations["draft_of"] == [{"unit": "A-C.3-68-L.18", "source": "text"}]
    assert [r["unit"] for r in units["A-RES-71-209"].relations["earlier_version"]] == ["A-RES-68-193"]
    assert [r["unit"] for r in units["A-RES-71-209"].relations["later_version"]] == ["A-RES-80-229"]
    assert "earlier_version" not in units["A-RES-68-193"].relations
    assert not units["CCPCJ-RES-20-3"].relations


def test_the_manifest_alone_relates_a_draft_whose_title_differs(corpus_dir, corpus_documents):
    documents, _ = parse_corpus(corpus_dir)
    draft = next(u for d in documents for u in d.units if u.id == "A-C.3-68-L.18")
    draft.title = "另一个标题"
    link(documents, {})
    assert "adopted_as" not in draft.relations
    link(documents, load_manifest(corpus_dir))
    assert draft.relations["adopted_as"] == [{"unit": "A-RES-68-193", "source": "manifest"}]


def test_l18_against_68_193_counts(units):
    # Read side by side (L.18 has 81 paragraphs, 68/193 has 93):
    # unchanged 26: the 40 identical pairs of the corpus include these 26 (pp7=pp10, pp10=pp14,
    #   pp14=pp19, pp18=pp24, pp20–23=pp27–30, pp26–28=pp33–35, pp30=pp37, pp33=pp41, pp35=pp43,
    #   op2, op6, op7, op10, op20=op22, op21=op23, op24=op26, op27=op30, op36=op40, op39=op43,
    #   op42=op46, op45=op49).
    # edited 55: every other L.18 paragraph reappears in place, reworded (e.g. op40→op44, the
    #   forensic one; op43→op47 on UNODC's finances; op44→op48 on the trafficking trust fund;
    #   pp32→pp40, UNCAC "综合框架" rewritten as "最全面、最具普遍性的文书").
    # moved 0: 68/193 keeps L.18's order. removed 0. added 12: the paragraphs on the drugs
    #   declaration (pp3), violence against women (pp6, pp7), the Bangkok Rules (pp11), CCPCJ
    #   22/7 and 22/8 (pp18), drugs cooperation (pp22), precious metals (pp26, op34), tourism
    #   (pp38, op28), organ trafficking (op15) and the anti-corruption academy (op19).
    a, b = units["A-C.3-68-L.18"], units["A-RES-68-193"]
    texts = {p.id: p.text for p in a.paragraphs + b.paragraphs}
    result = align([p.id for p in a.paragraphs], [p.id for p in b.paragraphs], unit_links(a, b),
                   lambda x, y: similarity(texts[x], texts[y]))
    assert result.summary() == {"unchanged": 26, "edited": 55, "moved": 0, "added": 12, "removed": 0}
    assert [pid.split("/")[1] for pid in result.added] == [
        "pp3", "pp6", "pp7", "pp11", "pp18", "pp22", "pp26", "pp38", "op15", "op19", "op28", "op34"]
    assert ("A-C.3-68-L.18/op40", "A-RES-68-193/op44", "edited") in result.pairs


def test_later_versions_mark_each_paragraph(paras, units):
    for uid in ("A-RES-71-209", "A-RES-80-229"):
        assert all(p.change in ("new", "edited", "unchanged") for p in units[uid].paragraphs)
    assert all(p.change is None for p in units["A-RES-68-193"].paragraphs)
    assert paras["A-RES-71-209/op52"].change == "edited"
    unchanged = [p.id for p in units["A-RES-71-209"].paragraphs if p.change == "unchanged"]
    assert all(any(lk["relation"] == "identical" and lk["unit"] == "A-RES-68-193"
                   for lk in paras[pid].links) for pid in unchanged)


def test_translations_pair_by_work_and_label(corpus_dir):
    documents, _ = parse_corpus(corpus_dir)
    english = parse_file(corpus_dir.parent / "tests" / "fixtures" / "en_resolution.txt")
    documents.append(english)
    link(documents, load_manifest(corpus_dir))
    unit = english.units[0]
    assert unit.relations["translation_of"] == [{"unit": "A-RES-71-209", "source": "text"}]
    first = unit.paragraphs[0]
    assert {"id": "A-RES-71-209/pp1", "unit": "A-RES-71-209", "relation": "translation", "score": 1.0} in first.links


# -- tiny fixtures ---------------------------------------------------------------------


def test_identity_ignores_spacing_punctuation_width_and_markers():
    assert identity_key(folded_codes("强调 必须，遵循法治¹，")) == identity_key(folded_codes("强调必须,遵循法治,"))
    assert identity_key(folded_codes("强调必须遵循法治")) != identity_key(folded_codes("强调必须遵守法治"))


def test_boilerplate_fingerprints_make_no_pairs():
    common = "联合国毒品和犯罪问题办公室继续提供技术援助"
    codes = [folded_codes(common + "，" * n) for n in range(10)]  # the same letters ten times
    prints = fingerprints(codes, 5)
    a, _, _ = shared_counts(prints, max_df=20)
    assert len(a) == 45  # all pairs under the cap
    a, _, _ = shared_counts(prints, max_df=5)
    assert len(a) == 0  # held by 10 > 5 paragraphs: boilerplate


def test_align_finds_moves_and_pairs_a_lone_rewrite_by_order():
    a = ["A/pp1", "A/op1", "A/op2", "A/op3", "A/op4"]
    b = ["B/pp1", "B/op1", "B/op2", "B/op3", "B/op9"]
    links = {("A/pp1", "B/pp1"): ("identical", 1.0), ("A/op1", "B/op3"): ("edited", 0.9),
             ("A/op2", "B/op1"): ("identical", 1.0), ("A/op3", "B/op2"): ("edited", 0.8)}
    result = align(a, b, links)
    assert result.summary() == {"unchanged": 2, "edited": 2, "moved": 1, "added": 0, "removed": 0}
    assert ("A/op1", "B/op3", "moved") in result.pairs and ("A/op4", "B/op9", "edited") in result.pairs


def test_align_pairs_by_order_only_between_versions_of_one_text():
    a = ["A/op1", "A/op2", "A/op3", "A/op4", "A/op5"]
    b = ["B/op1", "B/op2", "B/op3", "B/op4", "B/op5"]
    one_link = {("A/op1", "B/op1"): ("related", 0.4)}  # 1 of 5 aligned: not versions
    result = align(a, b, one_link, lambda x, y: 0.9)
    assert result.summary() == {"unchanged": 0, "edited": 1, "moved": 0, "added": 4, "removed": 4}


def test_align_takes_the_most_similar_in_a_wide_gap_without_crossing():
    a = ["A/op1", "A/op2", "A/op3", "A/op9"]
    b = ["B/op1", "B/op2", "B/op3", "B/op9"]
    links = {("A/op1", "B/op1"): ("identical", 1.0), ("A/op9", "B/op9"): ("identical", 1.0)}
    alike = {("A/op2", "B/op3"): 0.8, ("A/op3", "B/op2"): 0.7}  # crossing: only the better one
    result = align(a, b, links, lambda x, y: alike.get((x, y), 0.1))
    assert ("A/op2", "B/op3", "edited") in result.pairs
    assert result.removed == ["A/op3"] and result.added == ["B/op2"]


def test_candidate_pairs_stay_within_their_budget_dropping_the_commonest_passages_first():
    from index.fingerprint import bounded_max_df

    # 10 fingerprints in 3 paragraphs (3 pairs each), 4 in 10 (45 each), 1 in 40 (780).
    sizes = np.array([3] * 10 + [10] * 4 + [40] + [1] * 50)
    assert bounded_max_df(sizes, 64, 10_000) == 64  # all fit: nothing changes
    assert bounded_max_df(sizes, 64, 30 + 180) == 39  # the 40-paragraph one goes
    assert bounded_max_df(sizes, 64, 100) == 9  # and the 10-paragraph ones
    assert bounded_max_df(sizes, 64, 5) == 2  # never below pairs themselves
    codes = [folded_codes("打击跨国有组织犯罪和腐败的国际合作，" * 3 + str(i)) for i in range(30)]
    prints = fingerprints(codes, 5)
    a, b, shared = shared_counts(prints)
    bounded_a, _, _ = shared_counts(prints, budget=len(a) // 2)
    assert len(a) == 30 * 29 // 2 and len(bounded_a) <= len(a) // 2


def test_a_sentence_recurring_everywhere_keeps_each_paragraph_to_its_strongest_links():
    from index.link import MAX_LINKS
    from index.model import Document, Paragraph, Unit

    common = "请联合国毒品和犯罪问题办公室继续向会员国提供技术援助，以打击跨国有组织犯罪。"
    docs = []
    for n in range(MAX_LINKS + 10):  # the same paragraph in 59 units and an edited copy (under MAX_DF)
        text = common if n else common.replace("继续", "进一步")
        unit = Unit(f"U{n}", str(n), "t", None, "大会", "adopted",
                    paragraphs=[Paragraph(f"U{n}/op1", "op", "1", None, text),
                                Paragraph(f"U{n}/op2", "op", "2", None, f"第{n}段落的其他内容。")])
        docs.append(Document(f"{n}.txt", f"{n}.txt", session="ga-71", body="ga", units=[unit]))
    link(docs)
    firsts = [doc.units[0].paragraphs[0] for doc in docs]
    assert all(0 < len(p.links) <= MAX_LINKS for p in firsts)
    assert max(len(p.links) for p in firsts) == MAX_LINKS  # 59 before the cap
    # The strongest first: every kept link of a repeated paragraph is to an identical one.
    assert all(lk["relation"] == "identical" for p in firsts[1:] for lk in p.links)
    assert firsts[0].links and all(lk["relation"] == "edited" for lk in firsts[0].links)
