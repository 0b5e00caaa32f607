"""The interface's message catalogue (Chinese and English) and language negotiation."""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "ui"

# One entry per interface string: key -> (zh, en). Templates ask through `t(key)`.
MESSAGES: dict[str, tuple[str, str]] = {
    "site_name": ("Concord 协和", "Concord"),
    "tagline": (
        "联合国预防犯罪和刑事司法决议 · 逐段检索",
        "UN resolutions on crime prevention and criminal justice, paragraph by paragraph",
    ),
    "search_label": ("搜索段落", "Search paragraphs"),
    "search_placeholder": ("例如：洗钱、洗錢 或 money laundering", "e.g. money laundering, 洗钱 or 洗錢"),
    "search_button": ("搜索", "Search"),
    "search_hint": ("按 / 键跳到搜索框", "Press / to jump to the search box"),
    "skip_to_content": ("跳到正文", "Skip to content"),
    "skip_to_results": ("跳到搜索结果", "Skip to results"),
    "documents": ("文件一览", "Documents"),
    "documents_title": ("收录的文件", "The documents in Concord"),
    "documents_lead": (
        "共 {documents} 份文件、{units} 项决议、决定和草案，{paragraphs} 个段落。",
        "{documents} documents holding {units} resolutions, decisions and drafts: {paragraphs} paragraphs.",
    ),
    "intro": (
        "Concord 收录 {first_year}–{last_year} 年联合国预防犯罪和刑事司法领域的 {documents} 份文件、"
        "{units} 项决议、决定和草案，共 {paragraphs} 个段落。可用中文（简体或繁体）或英文逐段检索，"
        "并按会议、机构、主题和动词筛选。",
        "Concord holds {paragraphs} paragraphs of {units} UN resolutions, decisions and drafts on crime "
        "prevention and criminal justice, from {documents} documents of {first_year}–{last_year}. "
        "Search them paragraph by paragraph in Chinese or English, and narrow by session, body, theme and verb.",
    ),
    "browse_documents": ("浏览全部文件", "Browse the documents"),
    "units_in_document": ("所载决议和决定", "Resolutions and decisions in this document"),
    "paragraph_counts": (
        "{paragraphs} 段（序言部分 {preambular} 段，执行部分 {operative} 段）",
        "{paragraphs} paragraphs ({preambular} preambular, {operative} operative)",
    ),
    "agenda_item": ("议程项目", "Agenda item"),
    "filters_count": ("筛选 ({n})", "Filters ({n})"),
    "show_results": ("查看 {total} 条结果", "Show {total} results"),
    "show_more": ("再显示 {n} 项", "Show {n} more"),
    "filter_values": ("筛选“{facet}”的选项", "Filter the {facet} values"),
    "unlisted": ("另有 {n} 项：在上方输入即可查找。", "{n} more: type above to find them."),
    "all_values": ("全部 {n} 项", "All {n} values"),
    "facet_title": ("“{facet}”的全部选项", "Every {facet} value"),
    "facet_lead": ("{total} 段结果中各项的段落数；点击一项即按其筛选。",
                   "Paragraphs of the {total} results with each value; choose one to filter by it."),
    "back_to_results": ("返回结果", "Back to the results"),
    "verbs_op": ("执行部分动词", "Operative verbs"),
    "verbs_pp": ("序言部分动词", "Preambular verbs"),
    "switch_language": ("English", "中文"),
    "switch_language_label": ("Switch the interface to English", "切换到中文界面"),
    "json_link": ("本页 JSON", "This page as JSON"),
    "searching": ("检索", "Searching"),
    "or": ("或", "OR"),
    "browsing": ("浏览全部段落", "Browsing all paragraphs"),
    "results_count": ("共 {total} 段，用时 {took} 毫秒", "{total} paragraphs in {took} ms"),
    "results_partial": ("其中 {full} 段包含全部检索词，{partial} 段缺少部分检索词",
                        "{full} with every concept, {partial} lacking some"),
    "missing": ("缺少：", "missing: "),
    "no_results": ("没有找到匹配的段落。", "No paragraph matches."),
    "past_last_page": ("这一页没有结果：共 {pages} 页。", "No results on this page: there are {pages} pages."),
    "first_page": ("回到第 1 页", "Back to page 1"),
    "did_you_mean": ("您是不是要找", "Did you mean"),
    "read_as": ("“{typed}”读作 {what}", "“{typed}” read as {what}"),
    "read_as_remove": ("不按“{typed}”筛选", "search without “{typed}”"),
    "sort_label": ("排序", "Sort"),
    "sort_relevance": ("相关度", "Relevance"),
    "sort_newest": ("最新", "Newest"),
    "sort_order": ("文件顺序", "Document order"),
    "apply": ("应用", "Apply"),
    "filters": ("筛选", "Filters"),
    "selected_filters": ("已选筛选条件", "Selected filters"),
    "remove_filter": ("移除筛选条件", "Remove filter"),
    "clear_all": ("全部清除", "Clear all"),
    "facet_theme": ("主题", "Theme"),
    "facet_verb": ("动词", "Verb"),
    "facet_session": ("会议", "Session"),
    "facet_body": ("机构", "Body"),
    "facet_kind": ("段落类型", "Paragraph kind"),
    "facet_lang": ("语言", "Language"),
    "facet_change": ("与上一版本相比", "Against the previous version"),
    "facet_unit": ("决议", "Resolution"),
    "results": ("结果", "Results"),
    "para": ("第 {number} 段", "para. {number}"),
    "kind_pp": ("序言部分", "Preambular"),
    "kind_op": ("执行部分", "Operative"),
    "pagination": ("分页", "Pagination"),
    "prev_page": ("上一页", "Previous page"),
    "next_page": ("下一页", "Next page"),
    "page_of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "export": ("导出结果", "Export results"),
    "export_csv": ("CSV", "CSV"),
    "export_json": ("JSON", "JSON"),
    "chart_title": ("命中分布", "Where the hits are"),
    "chart_by_session": ("按会议", "By session"),
    "chart_by_theme": ("按主题", "By theme"),
    "chart_alt": ("图表数据", "Chart data"),
    "paragraph": ("段落", "Paragraph"),
    "unit": ("决议", "Resolution"),
    "symbol": ("文号", "Symbol"),
    "title": ("标题", "Title"),
    "body": ("机构", "Body"),
    "session": ("会议", "Session"),
    "date": ("日期", "Date"),
    "status": ("状态", "Status"),
    "status_adopted": ("已通过", "Adopted"),
    "status_draft": ("草案", "Draft"),
    "status_report": ("报告", "Report"),
    "verb": ("动词", "Verb"),
    "themes": ("主题", "Themes"),
    "footnotes": ("脚注", "Footnotes"),
    "cites": ("引用的决议", "Resolutions cited"),
    "prev_paragraph": ("上一段", "Previous paragraph"),
    "next_paragraph": ("下一段", "Next paragraph"),
    "other_lang": ("另一语文版本", "In the other language"),
    "view_in_unit": ("在整份决议中查看", "View in the whole resolution"),
    "citation": ("引用", "Citation"),
    "copy_citation": ("复制引用", "Copy citation"),
    "copy_citation_zh": ("复制中文引用", "Copy Chinese citation"),
    "copy_citation_en": ("复制英文引用", "Copy English citation"),
    "copy_with_text": ("连同原文复制", "Copy with text"),
    "both_languages": ("中英文", "Both languages"),
    "contents": ("目录", "Contents"),
    "copied": ("已复制", "Copied"),
    "copy_failed": ("无法自动复制，请手动选择文本复制。", "Could not copy; select the text and copy it."),
    "search_in_unit": ("在本决议中搜索", "Search within this resolution"),
    "permalink": ("永久链接", "Permalink"),
    "preamble": ("序言部分", "Preamble"),
    "operative": ("执行部分", "Operative paragraphs"),
    "not_found_title": ("找不到该页面", "Not found"),
    "not_found": ("没有编号为“{id}”的{what}。", "There is no {what} with the id “{id}”."),
    "what_paragraph": ("段落", "paragraph"),
    "what_unit": ("决议", "resolution"),
    "what_page": ("页面", "page"),
    "what_facet": ("筛选项", "filter"),
    "nearest_ids": ("您可能要找：", "Perhaps you meant:"),
    "bad_request_title": ("请求有误", "Bad request"),
    "error_title": ("出错了", "Something went wrong"),
    "index_missing": (
        "索引尚未建立。请先运行 concord build。",
        "The index has not been built yet. Run `concord build` first.",
    ),
    "index_mismatch": (
        "索引与当前版本不匹配。请运行 concord build 重建索引。",
        "The index does not match this version. Run `concord build` to rebuild it.",
    ),
    "back_to_search": ("返回搜索", "Back to search"),
    # Lineage (issue 9): this language in other texts, comparisons, cited by.
    "lineage_heading": ("本段文字在其他文本中", "This language in other texts"),
    "lineage_none": ("语料库中没有其他文本含有本段文字。", "No other text in the corpus has this language."),
    "first_appeared": ("最早见于", "First appeared in"),
    "previous_version": ("上一版本中的本段", "In the previous version"),
    "next_version": ("下一版本中的本段", "In the next version"),
    "draft_version": ("草案中的本段", "In the draft"),
    "adopted_version": ("通过文本中的本段", "In the adopted text"),
    "relation_identical": ("相同", "identical"),
    "relation_edited": ("有改动", "edited"),
    "relation_related": ("相关", "related"),
    "relation_translation": ("译文", "translation"),
    "similarity": ("相似度", "similarity"),
    "changes_from": ("改动（自 {a} 至 {b}）", "Changes from {a} to {b}"),
    "diff_legend": ("删除的文字以删除线标出，新增的文字以下划线标出。",
                    "Deleted words are struck through, added words underlined."),
    "cited_by": ("引用本决议的段落", "Cited by"),
    "related_units": ("相关文本", "Related texts"),
    "rel_adopted_as": ("通过为", "adopted as"),
    "rel_draft_of": ("草案为", "draft"),
    "rel_earlier_version": ("上一版本", "previous version"),
    "rel_later_version": ("下一版本", "next version"),
    "rel_translation_of": ("另一语文版本", "other language"),
    "compare": ("比较", "compare"),
    "compare_previous": ("与上一版本比较", "Compare with the previous version"),
    "compare_title": ("比较 {a} 与 {b}", "Comparing {a} with {b}"),
    "compare_swap": ("反向比较", "Compare the other way"),
    "mark_unchanged": ("未改动", "unchanged"),
    "mark_edited": ("有改动", "edited"),
    "mark_moved": ("移动", "moved"),
    "mark_added": ("新增", "added"),
    "mark_removed": ("删除", "removed"),
    "aligned": ("对应段落", "Aligned paragraphs"),
    # Parameter errors: {param} names the parameter, the rest says what is allowed.
    "err_q_too_long": (
        "参数 q：查询过长（{length} 个字符），最多 {limit} 个字符。",
        "Parameter q: the query is too long ({length} characters); the limit is {limit}.",
    ),
    "err_not_integer": (
        "参数 {param}：“{value}”不是整数。",
        "Parameter {param}: “{value}” is not a whole number.",
    ),
    "err_out_of_range": (
        "参数 {param}：必须在 {low} 到 {high} 之间（收到 {value}）。",
        "Parameter {param}: must be between {low} and {high} (got {value}).",
    ),
    "err_choice": (
        "参数 {param}：“{value}”无效，可选值为 {choices}。",
        "Parameter {param}: “{value}” is not valid; choose one of {choices}.",
    ),
    "err_too_many": (
        "参数 {param}：最多可选 {limit} 个值。",
        "Parameter {param}: at most {limit} values may be selected.",
    ),
    "err_value_too_long": (
        "参数 {param}：值过长。",
        "Parameter {param}: a value is too long.",
    ),
    "err_page_too_deep": (
        "参数 page：结果只能翻到第 {limit} 条。",
        "Parameter page: results can only be paged up to row {limit}.",
    ),
}


def translate(key: str, lang: str, **fields) -> str:
    """The message `key` in `lang`, with `{fields}` filled in."""
    zh, en = MESSAGES[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def label(value: dict | None, lang: str) -> str:
    """The label of an engine value ({"key","zh","en"}) in `lang`, falling back to the key."""
    if not value:
        return ""
    return value.get(lang) or value.get("en") or value.get("zh") or str(value.get("key", ""))


def negotiate(param: str | None, cookie: str | None, accept_languages, default: str) -> str:
    """The interface language: ?ui= first, then the cookie, then Accept-Language, then the default."""
    for choice in (param, cookie):
        if choice in LANGUAGES:
            return choice
    best = accept_languages.best_match(LANGUAGES) if accept_languages else None
    return best or default
