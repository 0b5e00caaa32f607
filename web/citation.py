"""Citations in the UN's own form, in English and Chinese: "General Assembly resolution 71/209, para. 12"."""

from __future__ import annotations

import re

BODY_NAMES = {
    "ga": ("General Assembly", "大会"),
    "ecosoc": ("Economic and Social Council", "经济及社会理事会"),
    "ccpcj": ("Commission on Crime Prevention and Criminal Justice", "预防犯罪和刑事司法委员会"),
    "c3": ("Third Committee", "第三委员会"),
}
UNIT_KINDS = {"resolution": ("resolution", "决议"), "decision": ("decision", "决定")}
CHINESE_NUMERALS = "一二三四五六七八九十"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

_RES_SYMBOL = re.compile(r"^[AE]/RES/(\d+/\d+)$")
_NUMBER_IN_LABEL = re.compile(r"(\d+/\d+)")
_DRAFT_LABEL = re.compile(r"^(决议|决定)草案([一二三四五六七八九十]+)$")


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 as an integer (the draft labels of a report); None otherwise."""
    if not text or any(c not in CHINESE_NUMERALS for c in text):
        return None
    if "十" not in text:
        return CHINESE_NUMERALS.index(text) + 1 if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (CHINESE_NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (CHINESE_NUMERALS.index(units) + 1 if units else 0)


def _roman(n: int) -> str:
    """A small integer as a Roman numeral (draft resolution II)."""
    tens, units = divmod(n, 10)
    return "X" * tens + (ROMAN[units - 1] if units else "")


def resolution_number(symbol: str | None, label: str | None) -> str | None:
    """ "71/209" from A/RES/71/209, or from a label such as 第 20/3 号决议."""
    match = _RES_SYMBOL.match(symbol or "")
    if match:
        return match.group(1)
    match = _NUMBER_IN_LABEL.search(label or "")
    return match.group(1) if match else None


def draft_label_en(label: str) -> str:
    """决议草案二 → "draft resolution II"; other labels unchanged."""
    match = _DRAFT_LABEL.match(label.replace(" ", ""))
    number = _chinese_number(match.group(2)) if match else None
    if number is None:
        return label
    kind = "resolution" if match.group(1) == "决议" else "decision"
    return f"draft {kind} {_roman(number)}"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def dates(iso: str | None) -> tuple[str, str] | None:
    """ "2016-12-19" as ("19 December 2016", "2016年12月19日"); None when not a full date."""
    match = _ISO_DATE.match(iso or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    year, month, day = (int(part) for part in match.groups())
    return f"{day} {MONTHS[month - 1]} {year}", f"{year}年{month}月{day}日"


def unit_reference(unit: dict, dated: bool = False) -> tuple[str, str]:
    """How the UN names a unit, (English, Chinese); `dated` adds an adopted one's date
    ("General Assembly resolution 71/209 of 19 December 2016", "大会2016年12月19日第71/209号决议")."""
    kind_en, kind_zh = UNIT_KINDS.get(unit.get("kind") or "resolution", UNIT_KINDS["resolution"])
    symbol, label = unit.get("symbol"), unit.get("label") or ""
    number = resolution_number(symbol, label)
    body = unit.get("body") or ""
    body = body.get("key", "") if isinstance(body, dict) else body  # the engine labels it
    if unit.get("status") == "adopted" and number:
        body_en, body_zh = BODY_NAMES.get(body, ("", ""))
        when = dates(unit.get("date")) if dated else None
        english = f"{body_en} {kind_en} {number}".strip() + (f" of {when[0]}" if when else "")
        return english[0].upper() + english[1:], f"{body_zh}{when[1] if when else ''}第{number}号{kind_zh}"
    document = unit.get("document") or {}
    document = document.get("symbol") if isinstance(document, dict) else document
    english = draft_label_en(label)
    if english != label or not symbol:
        # A draft printed inside a report: its label, then the report that carries it.
        english = english[0].upper() + english[1:] if english else "Unit"
        if not document:
            return english, label
        return f"{english} ({document})", f"{document}所载{label}"
    return symbol, symbol  # a draft with a symbol of its own is cited by it: "A/C.3/68/L.18, para. 4"


def unit_name(unit: dict) -> tuple[str, str]:
    """A unit's reference, told apart from its namesakes: a report prints "draft resolution III"
    once for the General Assembly and once for ECOSOC, so a draft in a report names its body."""
    english, chinese = unit_reference(unit)
    body = unit.get("body") or ""
    body = body.get("key", "") if isinstance(body, dict) else body
    in_report = (unit.get("document") or {}).get("status") == "report"
    if unit.get("status") == "draft" and english == unit.get("symbol"):
        kind_en, kind_zh = UNIT_KINDS.get(unit.get("kind") or "resolution", UNIT_KINDS["resolution"])
        return f"{english} (draft {kind_en})", f"{chinese}（{kind_zh}草案）"
    if unit.get("status") != "draft" or not in_report or body not in BODY_NAMES:
        return english, chinese
    body_en, body_zh = BODY_NAMES[body]
    return f"{english}, for the {body_en}", f"{chinese}（提交{body_zh}）"


def _sub_en(sub: str) -> str:
    number = _chinese_number(sub)
    return _roman(number).lower() if number else sub


def paragraph_reference(kind: str, number: str, sub: str | None) -> tuple[str, str]:
    """ "para. 12" / "第12段"; "preambular para. 5" / "序言部分第5段"; "para. 9 (a)" / "第9(a)段"."""
    lettered = not number.isdigit()  # decisions letter their paragraphs: (a), (b)
    en_number = f"({number})" if lettered else number
    zh_number = en_number
    if sub:
        en_number += f" ({_sub_en(sub)})"
        zh_number += f"({sub})"
    prefix_en, prefix_zh = ("preambular ", "序言部分") if kind == "pp" else ("", "")
    return f"{prefix_en}para. {en_number}", f"{prefix_zh}第{zh_number}段"


def citation(unit: dict, kind: str, number: str, sub: str | None = None,
             dated: bool = False) -> dict[str, str]:
    """The full citation of a paragraph: {"en": ..., "zh": ...}; `dated` names the adoption date."""
    return cited_in(unit_reference(unit, dated), kind, number, sub)


def cited_in(reference: tuple[str, str], kind: str, number: str, sub: str | None = None) -> dict[str, str]:
    """A paragraph's citation within a unit's ``unit_reference`` (a page names a unit once)."""
    unit_en, unit_zh = reference
    para_en, para_zh = paragraph_reference(kind, number, sub)
    return {"en": f"{unit_en}, {para_en}", "zh": f"{unit_zh}{para_zh}"}


def with_text(texts: dict[str, str], cited: dict[str, str], permalink: str) -> dict[str, str]:
    """What "copy with text" copies, in English, Chinese and both: the paragraph, its dated
    citation, the permalink. `texts` holds the paragraph in the languages it exists in."""
    def one(lang: str) -> list[str]:
        text = texts.get(lang) or next(iter(texts.values()), "")
        return [text, cited[lang]]

    if len(texts) > 1:  # both versions exist: each text with its own citation
        both = one("zh") + one("en")
    else:
        both = one("zh") + [cited["en"]]
    return {"en": "\n".join(one("en") + [permalink]), "zh": "\n".join(one("zh") + [permalink]),
            "both": "\n".join(both + [permalink])}
