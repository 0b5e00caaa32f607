"""Cleaning stage functions, each alone, on small fixtures."""

from __future__ import annotations

import pytest

from index.clean import detach_markers, is_complete, join_page_breaks, strip_markdown, unwrap


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("第 [70/299](#) 号决议", "第 70/299 号决议"),
        ("第 2200 A \\(XXI\\) 号决议", "第 2200 A (XXI) 号决议"),
        ("3. **敦促**会员国", "3. 敦促会员国"),
    ],
)
def test_strip_markdown(raw, clean):
    assert strip_markdown(raw) == clean


def test_detach_markers_keeps_numbers_and_not_digits():
    block = detach_markers("各项议定书、¹ 经 1972 年《议定书》修正的公约，¹⁰ 及有关文书，")
    assert block.notes == ["1", "10"]
    assert block.text == "各项议定书、经 1972 年《议定书》修正的公约，及有关文书，"


def test_join_page_breaks_only_unfinished_blocks_inside_a_unit():
    paras = ["71/209. 标题", "大会，", "回顾其决议，并回顾《关于将预防犯罪纳入更广", "泛的联合国议程的多哈宣言》，",
             "评价和监督", "1. 请秘书长提交报告；"]
    out, joins = join_page_breaks(paras)
    assert joins == 1
    assert out == ["71/209. 标题", "大会，", "回顾其决议，并回顾《关于将预防犯罪纳入更广泛的联合国议程的多哈宣言》，",
                   "评价和监督", "1. 请秘书长提交报告；"]


def test_headings_before_the_acting_body_are_not_joined():
    out, joins = join_page_breaks(["大会", "第七十一届会议", "议程项目 106", "71/209. 标题", "大会，"])
    assert joins == 0 and len(out) == 5


def test_unwrap_hard_wrapped_lines_and_bare_markers():
    lines = [" 又重申大会关于执行《联", "", "合国反腐败公约》", "1", " 以", "", "及其他文书的各项决议，",
             "4", " 回顾其决议， ", "__________________ ", "1", " 第 58/4 号决议。", "  强调必须合作，"]
    paras, notes = unwrap(lines)
    assert paras == ["又重申大会关于执行《联合国反腐败公约》¹以及其他文书的各项决议，⁴", "回顾其决议，", "强调必须合作，"]
    assert notes == {"1": "第 58/4 号决议。"}


@pytest.mark.parametrize("text, complete", [("请秘书长提交报告；", True), ("纳入更广", False), ("决议，¹²", True), ("", True)])
def test_is_complete(text, complete):
    assert is_complete(text) is complete
