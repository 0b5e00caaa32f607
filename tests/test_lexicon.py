"""The bilingual lexicon: themes on real paragraphs, the glossary and its matchers, labels."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import lexicon
from search.lexicon import (chinese_key, chinese_numeral, chinese_terms, glossary, label,
                            match_chinese, match_english, tag_themes, theme, themes)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Paragraphs copied from the corpus (document number in the comment) and their themes.
THEMED = [
    # 003 OP62: UNODC's name holds 毒品 ("drugs") but the paragraph is about piracy.
    ("鼓励会员国继续支持联合国毒品和犯罪问题办公室在其现有任务授权范围内，应受影响国家请求，"
     "提供量身定制的技术援助，以加强这些国家打击海盗和其他形式海上犯罪活动的能力，包括协助会员国"
     "制定有效的执法对策，并加强会员国的司法能力；",
     ["piracy_maritime", "technical_assistance"]),
    # 003 OP69
    ("敦促会员国交流参与打击非法贩运枪支的从业人员的良好做法和经验，并考虑使用现有工具，包括标识"
     "和记录，以便利追踪枪支，并在可能情况下追踪其零部件和弹药，以防止其被转用，并加强对非法贩运"
     "枪支行为的刑事调查；",
     ["firearms"]),
    # 000 OP14: 预防犯罪 on its own is the crime-prevention theme.
    ("鼓励所有各国实施国家和地方预防犯罪行动计划，以便以综合、统筹和参与方式考虑特别是造成某些"
     "人口群体和场所遭受侵害和(或)发生犯罪风险更高的那些因素，并确保这些计划以现有的最佳实证和"
     "良好做法为基础；强调指出，应当按照大会第 70/1 和 70/299 号决议中载述的承诺，把预防犯罪视作"
     "推动所有各国社会和经济发展的相关战略的一个组成部分；",
     ["crime_prevention"]),
    # 003 OP2: naming the Commission is not the crime-prevention theme.
    ("着重指出预防犯罪和刑事司法委员会在其任务授权范围内为积极促进加快执行《2030 年可持续发展"
     "议程》⁵⁰ 发挥的重要作用，以及对于促进 2023 年 9 月举行的可持续发展目标峰会的后续行动的"
     "重要作用；",
     []),
    # 003 PP: the Congresses, not crime prevention.
    ("重申其关于第十四届联合国预防犯罪和刑事司法大会的后续行动和第十五届联合国预防犯罪和刑事司法"
     "大会的筹备工作的2023年12月19日第78/223号、2024年12月17日第79/186号和2025年12月18日"
     "第80/225号决议",
     ["crime_congress"]),
    # 001 resolution 20/6 OP2
    ("促请会员国酌情采用适当的法规防止伪药贩运，此类法规应特别涵盖洗钱、腐败和走私等与伪药有关的"
     "所有犯罪以及犯罪资产的没收与处分、引渡和司法协助，以确保不忽略伪药供应链的任何一个阶段；",
     ["corruption", "money_laundering", "falsified_medical_products",
      "international_cooperation"]),
    # 003 OP36
    ("又促请会员国酌情实施《联合国囚犯待遇最低限度标准规则》(《纳尔逊·曼德拉规则》)，同时铭记这些"
     "规则的精神与宗旨，并铭记《联合国关于在刑事司法系统中获得法律援助机会的原则和准则》，加紧努力"
     "通过适当的刑事司法改革应对监狱过于拥挤的挑战，其中应酌情包括审查刑罚政策和减少审前羁押的"
     "实际措施，更多地使用非拘禁处罚和措施，尽可能增加获得法律援助的机会，并请联合国毒品和犯罪"
     "问题办公室继续应请求向会员国提供这方面技术援助；",
     ["prisons", "legal_aid", "technical_assistance"]),
    # 002 OP23
    ("确认联合国毒品和犯罪问题办公室作了种种努力，协助会员国建立和加强能力以预防和打击绑架活动，"
     "并请该办公室继续提供技术援助，以增进国际合作，尤其是法律互助，从而有效打击这一日益严重的"
     "犯罪行为；",
     ["kidnapping", "international_cooperation", "technical_assistance"]),
    # 003 PP: the Basic Principles on the Use of Force and Firearms are not about firearms.
    ("强调指出《执法人员行为守则》²⁴ 和《执法人员使用武力和火器的基本原则》²⁵ 的重要性，这些是"
     "联合国预防犯罪和刑事司法方面的自愿标准和规范，除其他外强调有效率和基于人权的警务工作，",
     []),
    # 004 hard-wraps lines in mid-word: whitespace never splits a rule.
    ("鼓励会员国加强努力，打击网络犯\n罪和一切形式滥用信息和通信技术的犯罪行为", ["cybercrime"]),
]


@pytest.mark.parametrize("text,expected", THEMED)
def test_themes_of_corpus_paragraphs(text, expected):
    assert tag_themes(text) == expected


@pytest.mark.parametrize("text,expected", THEMED)
def test_traditional_script_gives_the_same_themes(text, expected):
    assert tag_themes(opencc.OpenCC("s2t").convert(text)) == expected


def test_taiwan_wordings_are_themes_too():
    assert tag_themes("加強打擊網路犯罪與洗錢防制，保障受刑人權益") == [
        "cybercrime", "money_laundering", "prisons"]


def test_english_paragraphs_of_the_fixture():
    paragraphs = (FIXTURES / "en_resolution.txt").read_text(encoding="utf-8").split("\n\n")
    op5 = next(p for p in paragraphs if p.startswith("5. Requests"))
    op2 = next(p for p in paragraphs if p.startswith("2. Reaffirms"))
    assert tag_themes(op5, "en") == ["cybercrime", "money_laundering", "trafficking_in_persons",
                                     "technical_assistance"]
    assert tag_themes(op2, "en") == []  # "crime prevention and criminal justice" is the field


def test_english_rules_take_plurals_hyphens_and_skip_body_names():
    assert tag_themes("The Office on Drugs and Crime supports Member States", "en") == []
    assert tag_themes("Cyber-crime and bribes; victims of trafficking", "en") == [
        "corruption", "cybercrime", "trafficking_in_persons", "victims"]
    assert tag_themes("Urges States to reduce reoffending and crime prevention strategies",
                      "en") == ["crime_prevention"]


def test_english_rules_on_un_wording():
    assert tag_themes("Requests the United Nations Office on Drugs and Crime to continue to provide "
                      "technical assistance to combat piracy and other forms of maritime crime",
                      "en") == ["piracy_maritime", "technical_assistance"]
    assert tag_themes("trafficking in precious metals could be used as a source of funding for "
                      "organized crime and terrorism", "en") == [
        "organized_crime", "environmental_crime", "terrorism"]
    assert tag_themes("Stressing the importance of the Basic Principles on the Use of Force and "
                      "Firearms by Law Enforcement Officials", "en") == []


def test_tag_themes_rejects_bad_input_clearly():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        tag_themes("texte", "fr")
    with pytest.raises(TypeError, match="tag_themes expects text as str, got NoneType"):
        tag_themes(None)
    with pytest.raises(TypeError, match="match_chinese expects text as str, got bytes"):
        match_chinese(b"x")
    with pytest.raises(TypeError, match="match_english expects text as str, got int"):
        match_english(3)
    assert tag_themes("") == []


def test_theme_taxonomy():
    keys = [t.key for t in themes()]
    assert len(keys) == len(set(keys)) == 26
    assert keys[:3] == ["organized_crime", "corruption", "cybercrime"]
    assert keys[-1] == "crime_congress"
    assert all(k.replace("_", "").isalpha() and k.islower() for k in keys)
    assert all(t.zh and t.en for t in themes())
    assert theme("cybercrime") == lexicon.Theme("cybercrime", "网络犯罪", "Cybercrime")
    with pytest.raises(KeyError, match="unknown theme 'nope'"):
        theme("nope")


# ---------------------------------------------------------------- glossary

def _corpus_keys() -> dict[str, str]:
    return {p.name[:3]: chinese_key(p.read_text(encoding="utf-8"))
            for p in sorted(CORPUS.glob("*.txt"))}


def test_glossary_shape():
    terms = glossary()
    assert len(terms) >= 300
    assert len({t.id for t in terms}) == len(terms)
    assert all(t.id and t.en and t.zh and t.source for t in terms)
    assert {t.type for t in terms} <= lexicon.TERM_TYPES
    assert all(isinstance(t.zh_variants, tuple) and isinstance(t.en_variants, tuple)
               for t in terms)


def _core(form: str) -> tuple[int, int]:
    """The span of a form without its outer punctuation (Worst Forms …, 1999 (No. 182))."""
    letters = [i for i, ch in enumerate(form) if ch.isalnum()]
    return letters[0], letters[-1] + 1


def test_every_form_alone_matches_its_own_entry():
    """Each English and Chinese form, typed alone, reads as its entry and nothing else:
    no form is owned by two entries, and no form is shadowed by a longer one."""
    for term in glossary():
        for form in (term.en, *term.en_variants):
            assert [(s, e, t.id) for s, e, t in match_english(form)] == [
                (*_core(form), term.id)], form
        for form in (term.zh, *term.zh_variants):
            assert [(s, e, t.id) for s, e, t in match_chinese(form)] == [
                (*_core(form), term.id)], form


def test_corpus_sources_are_exact():
    """An entry cites corpus:NNN exactly when one of its Chinese forms occurs in document NNN."""
    docs = _corpus_keys()
    for term in glossary():
        forms = [chinese_key(f) for f in (term.zh, *term.zh_variants)]
        found = {f"corpus:{n}" for n, text in docs.items() if any(f in text for f in forms)}
        assert {s for s in term.source if s.startswith("corpus:")} == found, term.id


def test_instruments_occur_in_the_corpus_or_are_marked_external():
    """Conventions, protocols, declarations and standards: the main Chinese name is the one
    printed in the corpus; those the corpus never names cite only UN terminology."""
    docs = "\n".join(_corpus_keys().values())
    for term in glossary():
        if term.type in ("convention", "protocol", "declaration", "standard"):
            cited = any(s.startswith("corpus:") for s in term.source)
            if cited:
                assert chinese_key(term.zh) in docs, term.id
            else:
                assert term.source == ("UNTERM",), term.id


def test_chinese_terms_are_simplified_and_complete():
    terms = chinese_terms()
    to_simplified = opencc.OpenCC("t2s")
    assert all(to_simplified.convert(t) == t for t in terms)
    assert len(terms) == len(set(terms))
    for word in ("洗钱", "网络犯罪", "网路犯罪", "受刑人", "纳尔逊·曼德拉规则", "联合国打击跨国有组织犯罪公约"):
        assert word in terms
    assert "網路犯罪" not in terms


def _spans(found, text):
    return [(text[s:e], t.id) for s, e, t in found]


def test_match_english_finds_terms_at_their_offsets():
    text = "Efforts against money laundering continue."
    assert [(s, e, t.zh) for s, e, t in match_english(text)] == [(16, 32, "洗钱")]


def test_match_english_longest_match_wins():
    text = "the United Nations Convention against Transnational Organized Crime and organized crime"
    assert _spans(match_english(text), text) == [
        ("United Nations Convention against Transnational Organized Crime", "untoc"),
        ("organized crime", "organized_crime")]


def test_match_english_plurals_hyphens_case():
    text = "Money-Laundering, cyber-crime, bribes, the Nelson Mandela Rules and SDGs"
    assert _spans(match_english(text), text) == [
        ("Money-Laundering", "money_laundering"), ("cyber-crime", "cybercrime"),
        ("bribes", "bribery"), ("Nelson Mandela Rules", "nelson_mandela_rules"),
        ("SDGs", "sdgs")]


def test_match_english_acronyms_only_as_written():
    text = "The WHO said who cites CITES."
    assert _spans(match_english(text), text) == [("WHO", "who"), ("CITES", "cites")]


def test_match_chinese_folds_scripts_and_wordings():
    assert _spans(match_chinese("洗錢"), "洗錢") == [("洗錢", "money_laundering")]
    text = "網路犯罪、資恐與受刑人"
    assert _spans(match_chinese(text), text) == [
        ("網路犯罪", "cybercrime"), ("資恐", "terrorist_financing"), ("受刑人", "prisoners")]


@pytest.mark.parametrize("wording,term_id", [
    ("網路犯罪", "cybercrime"), ("洗錢防制", "anti_money_laundering"), ("受刑人", "prisoners"),
    ("人口販運", "trafficking_in_persons"), ("資恐", "terrorist_financing"),
    ("電腦犯罪", "computer_related_crime"), ("組織犯罪", "organized_crime"),
    ("法律扶助", "legal_aid"), ("修復式司法", "restorative_justice"), ("鑑識科學", "forensic_science"),
    ("身分盜用", "identity_theft"), ("在囚人士", "prisoners"), ("持份者", "stakeholders"),
    ("聯合國反貪腐公約", "uncac"), ("網路安全", "cybersecurity"),
])
def test_taiwan_and_hong_kong_wordings_map_to_mainland_entries(wording, term_id):
    assert [(s, e, t.id) for s, e, t in match_chinese(wording)] == [(0, len(wording), term_id)]


def test_match_chinese_offsets_point_into_the_input():
    text = "又重申《联合国打击跨国有组织犯罪公约》和《联合国反腐败公约》"
    assert [(s, e, t.id) for s, e, t in match_chinese(text)] == [
        (4, 18, "untoc"), (21, 29, "uncac")]
    wrapped = "执行《联\n合国打击跨国有组织犯罪公约》"
    assert _spans(match_chinese(wrapped), wrapped) == [("联\n合国打击跨国有组织犯罪公约", "untoc")]


def test_match_chinese_longest_match_wins():
    text = "《联合国打击跨国有组织犯罪公约关于打击陆、海、空偷运移民的补充议定书》"
    assert [t.id for *_, t in match_chinese(text)] == ["som_protocol"]


def test_match_chinese_name_dot_variants():
    for dot in "·・‧":
        text = f"纳尔逊{dot}曼德拉规则"
        assert [t.id for *_, t in match_chinese(text)] == ["nelson_mandela_rules"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_matchers_never_crash_and_spans_are_sound(text):
    for found in (match_chinese(text), match_english(text)):
        ends = [(s, e) for s, e, _ in found]
        assert all(0 <= s < e <= len(text) for s, e in ends)
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))
    tag_themes(text, "zh")
    tag_themes(text, "en")


# ---------------------------------------------------------------- labels

@pytest.mark.parametrize("facet,key,zh,en", [
    ("body", "ga", "大会", "General Assembly"),
    ("body", "c3", "第三委员会", "Third Committee"),
    ("body", "ecosoc", "经济及社会理事会", "Economic and Social Council (ECOSOC)"),
    ("body", "ccpcj", "预防犯罪和刑事司法委员会", "Commission on Crime Prevention and Criminal Justice"),
    ("kind", "pp", "序言部分段落", "Preambular"),
    ("kind", "op", "执行部分段落", "Operative"),
    ("lang", "zh", "中文", "Chinese"),
    ("lang", "en", "英文", "English"),
    ("language", "en", "英文", "English"),
    ("status", "adopted", "已通过", "Adopted"),
    ("status", "draft", "草案", "Draft"),
    ("status", "report", "报告", "Report"),
    ("theme", "trafficking_in_persons", "贩运人口", "Trafficking in persons"),
    ("session", "ga-68", "大会第六十八届会议", "GA 68"),
    ("session", "ga-71", "大会第七十一届会议", "GA 71"),
    ("session", "ga-80", "大会第八十届会议", "GA 80"),
    ("session", "ccpcj-20", "预防犯罪和刑事司法委员会第二十届会议", "CCPCJ 20"),
    ("session", "c3-68", "大会第六十八届会议第三委员会", "GA 68, Third Committee"),
])
def test_labels(facet, key, zh, en):
    assert label(facet, key) == {"key": key, "zh": zh, "en": en}


@pytest.mark.parametrize("facet,key", [
    ("body", "unknown"), ("session", "ga-0"), ("session", "xx-12"), ("session", "ga68"),
    ("theme", "nope"), ("verb", "no-such-verb"), ("nofacet", "x"), ("session_prefix", "ga"),
])
def test_unknown_labels_fall_back_to_the_key(facet, key):
    assert label(facet, key) == {"key": key, "zh": key, "en": key}


def test_verb_labels_come_from_the_verb_table():
    from search.lexicon.verbs import verb_label

    expected = verb_label("urges")
    assert label("verb", "urges") == {"key": "urges", "zh": expected["zh"], "en": expected["en"]}


def test_verb_labels_fall_back_when_the_table_is_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "search.lexicon.verbs", None)  # import now fails
    assert label("verb", "urges") == {"key": "urges", "zh": "urges", "en": "urges"}


@pytest.mark.parametrize("n,zh", [
    (0, "零"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (68, "六十八"), (71, "七十一"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"),
])
def test_chinese_numerals(n, zh):
    assert chinese_numeral(n) == zh


@pytest.mark.parametrize("bad", [-1, 10000, 2.5, "3", True])
def test_chinese_numeral_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        chinese_numeral(bad)
