"""What the engine tells the user, in English and Chinese: one catalogue, declared once.

A :class:`Message` is the English text (a ``str``, so logs, tests and the CLI read it as
before) that also carries its Chinese twin; the engine's answer lists both (``notes``) and the
interface shows the one of its language. Errors (:class:`search.errors.QueryError`) carry
a Message too.
"""

from __future__ import annotations

# key → (English, Chinese); fields in braces.
MESSAGES: dict[str, tuple[str, str]] = {
    "too_many_words": ("only the first {n} words were searched", "仅搜索了前 {n} 个词"),
    "nothing_searchable": ("nothing searchable in the query", "查询中没有可搜索的词"),
    "prefix_too_short": ("“{stem}*”: a prefix needs at least {n} letters",
                         "“{stem}*”：前缀至少需要 {n} 个字母"),
    "year_digits": ("“{shown}”: a year is four digits", "“{shown}”：年份应为四位数字"),
    "left_out": ("no paragraph contains {words}; searched without",
                 "没有段落包含 {words_zh}；已略去后搜索"),
    "loosened": ("no paragraph has the exact words; showing paragraphs with all of them",
                 "没有段落包含完全相同的词句；显示包含全部各词的段落"),
    "corrected": ("no paragraph has {typed}; showing results for {meant}",
                  "没有段落包含 {typed}；已显示 {meant} 的结果"),
    "query_not_text": ("the query must be text", "查询必须是文本"),
    "query_too_long": ("the query is too long ({length} characters; at most {limit})",
                       "查询过长（{length} 个字符；最多 {limit} 个）"),
    "bad_sort": ("sort must be one of {sorts}", "排序方式必须是以下之一：{sorts}"),
    "bad_filters": ("filters must map a facet to its values", "筛选条件必须把分面对应到其取值"),
    "unknown_filter": ("unknown filter “{facet}”; use one of {known}",
                       "未知的筛选条件“{facet}”；请使用以下之一：{known}"),
    "filter_not_text": ("the values of “{facet}” must be text", "“{facet}”的取值必须是文本"),
    "too_many_values": ("too many values for “{facet}” (at most {limit})",
                        "“{facet}”的取值过多（最多 {limit} 个）"),
    "value_too_long": ("a value of “{facet}” is too long", "“{facet}”的某个取值过长"),
    "not_whole_number": ("{name} must be a whole number", "{name} 必须是整数"),
    "out_of_range": ("{name} must be between {low} and {high}", "{name} 必须介于 {low} 与 {high} 之间"),
    "timed_out": ("the search took longer than {seconds} s; these are the paragraphs found "
                  "so far, and the counts may be short", "搜索超过 {seconds} 秒；以下是目前找到的段落，"
                  "计数可能不全"),
    "unknown_facet": ("unknown facet “{facet}”; use one of {known}",
                      "未知的分面“{facet}”；请使用以下之一：{known}"),
}


class Message(str):
    """English text that knows its key and its Chinese twin."""

    key: str
    zh: str

    def __new__(cls, key: str, en: str, zh: str) -> "Message":
        message = super().__new__(cls, en)
        message.key, message.zh = key, zh
        return message

    def __reduce__(self):  # pickles (multiprocessing, caches) as a Message, not a str
        return Message, (self.key, str(self), self.zh)


def say(key: str, **fields) -> Message:
    """The message ``key`` with its fields filled in, in both languages."""
    en, zh = MESSAGES[key]
    return Message(key, en.format(**fields), zh.format(**fields))


def bilingual(message: str) -> dict[str, str]:
    """{"en", "zh"} of a message (a plain string reads the same in both)."""
    return {"en": str(message), "zh": getattr(message, "zh", str(message))}
