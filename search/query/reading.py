"""Say, in both languages, how a query was read ("searching 洗钱 OR money laundering")."""

from __future__ import annotations


# How a filter typed in the query is named in each language.
FILTER_NAMES = {"theme": ("theme", "主题"), "verb": ("verb", "动词"), "session": ("session", "届会"),
                "body": ("body", "机构"), "kind": ("kind", "段落"), "lang": ("language", "语言"),
                "unit": ("unit", "文书"), "year": ("year", "年份")}


def describe_filter(fieldname: str, value: str, label: dict) -> tuple[str, str]:
    """(en, zh) of one filter, e.g. ("theme = Cybercrime", "主题：网络犯罪")."""
    en_name, zh_name = FILTER_NAMES.get(fieldname, (fieldname, fieldname))
    return f"{en_name} = {label.get('en') or value}", f"{zh_name}：{label.get('zh') or value}"


def describe_reading(clauses: list[list[str]], excluded: list[str],
                     filters: list[tuple[str, str]], nothing: bool = False,
                     at_least: tuple[int, int] | None = None) -> dict[str, str]:
    """The reading of a parsed query as {"zh", "en"}: OR within a clause, AND across.

    ``filters`` holds the (en, zh) description of each filter typed in the query;
    ``at_least`` is (minimum, count) when a hit may hold only some of the clauses.
    """
    if nothing:
        return {"zh": "查询中没有可搜索的词", "en": "nothing searchable in the query"}
    if clauses:
        en = "searching " + _join(clauses, " OR ", " AND ")
        zh = "搜索 " + _join(clauses, " 或 ", " 且 ", translate=True)
    else:
        en, zh = "browsing all paragraphs", "浏览全部段落"
    if excluded:
        en += ", excluding " + ", ".join(excluded)
        zh += "，排除 " + "、".join(_zh_or(x) for x in excluded)
    if filters:
        en += ", where " + " and ".join(en_text for en_text, _ in filters)
        zh += "，限于 " + "、".join(zh_text for _, zh_text in filters)
    if at_least is not None:
        least, count = at_least
        en += f"; paragraphs with all of them first, then those with at least {least} of {count}"
        zh += f"；先列出全部包含的段落，再列出至少包含其中 {least} 项的段落"
    return {"zh": zh, "en": en}


def _zh_or(shown: str) -> str:
    return shown.replace(" OR ", " 或 ")


def _join(clauses: list[list[str]], or_word: str, and_word: str,
          translate: bool = False) -> str:
    """Join alternatives with OR and clauses with AND, bracketing where ambiguous."""
    parts = []
    for clause in clauses:
        alternatives = [_zh_or(a) if translate else a for a in clause]
        text = or_word.join(alternatives)
        if len(clauses) > 1 and (len(clause) > 1 or or_word in text):
            text = f"({text})"
        parts.append(text)
    return and_word.join(parts)
