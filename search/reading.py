"""Say, in both languages, how a query was read ("searching 洗钱 OR money laundering")."""

from __future__ import annotations


def describe_reading(clauses: list[list[str]], excluded: list[str], filters: list[str],
                     nothing: bool = False) -> dict[str, str]:
    """The reading of a parsed query as {"zh", "en"}: OR within a clause, AND across."""
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
        en += ", where " + " and ".join(filters)
        zh += "，限于 " + "、".join(filters)
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
