"""End to end in real Chromium against a real server: search, facets, permalinks, citations, language."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect


def total(page) -> int:
    """The number of hits the results page announces."""
    text = page.locator(".summary").inner_text()
    return int(re.search(r"\d+", text.replace(",", "")).group())


def search_by_typing(page, query: str) -> None:
    """Press "/" to reach the search box from anywhere, type, submit."""
    page.locator("footer").click()  # focus away from the autofocused box first
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("query", ["洗钱", "洗錢", "money laundering"])
def test_search_in_each_script_and_language(page, query):
    page.goto("/")
    search_by_typing(page, query)
    assert parse_qs(urlparse(page.url).query)["q"] == [query]
    assert total(page) > 0
    marks = page.locator(".hits mark").all_inner_texts()
    assert marks, "the snippets highlight what matched"
    assert any("洗钱" in mark or "洗錢" in mark for mark in marks)
    reading = page.locator(".reading").inner_text()
    assert query in reading
    assert ("洗钱" in reading or "洗錢" in reading) and "money" in reading, "the query crossed languages"


def test_simplified_and_traditional_find_the_same_paragraphs(page):
    page.goto("/?q=洗钱")
    simplified = (total(page), page.locator(".hits .pid").all_inner_texts())
    page.goto("/?q=洗錢")
    assert (total(page), page.locator(".hits .pid").all_inner_texts()) == simplified


def test_facet_click_and_unclick(page):
    page.goto("/?q=洗钱")
    before = total(page)
    theme = page.locator(".facet[aria-labelledby='facet-session'] a").last
    key = theme.get_attribute("data-key")
    count = int(theme.locator(".count").inner_text())
    with page.expect_navigation():
        theme.click()
    assert parse_qs(urlparse(page.url).query)["session"] == [key]
    assert total(page) == count < before
    chip = page.locator(f".chosen a.chip[data-key='{key}']")
    assert chip.count() == 1
    with page.expect_navigation():
        chip.click()
    assert "session" not in parse_qs(urlparse(page.url).query)
    assert total(page) == before
    assert page.locator(".chosen").count() == 0


def test_follow_a_permalink_and_land_on_the_unit_anchor(page, viewports):
    page.goto("/?q=洗钱")
    first = page.locator(".hits .pid").first
    href = first.get_attribute("href")
    with page.expect_navigation():
        first.click()
    assert urlparse(page.url).path == href
    assert page.locator("h1").inner_text().strip()
    anchor = href.rsplit("/", 1)[-1]
    with page.expect_navigation():
        page.get_by_role("link", name="View in the whole resolution").click()
    assert page.url.endswith(f"#{anchor}")
    target = page.locator(f"[id='{anchor}']")
    assert target.is_visible()
    assert page.evaluate("document.querySelector(':target').id") == anchor
    box = target.bounding_box()
    assert 0 <= box["y"] < viewports["desktop"]["height"], "the anchored paragraph is scrolled into view"


def test_copy_citation_to_the_clipboard(context, page, server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto("/p/A-RES-71-209/op12")
    expected = page.locator("#cite-en").inner_text()
    assert expected == "General Assembly resolution 71/209, para. 12"
    page.get_by_role("button", name="Copy English citation").click()
    # A locator assertion polls from Playwright's side: no eval in a page whose CSP forbids it.
    expect(page.locator(".copy-status")).to_contain_text("71/209")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    page.get_by_role("button", name="Copy Chinese citation").click()
    expect(page.locator(".copy-status")).to_contain_text("大会")
    assert page.evaluate("navigator.clipboard.readText()") == "大会第71/209号决议第12段"


def test_switch_the_interface_language(page):
    page.goto("/?q=洗钱")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("button[type=submit]").inner_text() == "Search"
    with page.expect_navigation():
        page.locator("a.lang-switch").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("button[type=submit]").inner_text() == "搜索"
    assert parse_qs(urlparse(page.url).query)["q"] == ["洗钱"]
    page.goto("/p/A-RES-71-209/op12")  # the choice is remembered by a cookie
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_hostile_query_renders_as_text(page):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto("/")
    page.fill("#q", hostile)
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert page.input_value("#q") == hostile
    reading = page.locator(".reading").inner_text()
    assert "<script>alert" in reading and "><img" in reading, "shown as text, as typed"
    assert page.locator("img").count() == 0
    assert page.locator("main script").count() == 0
    assert dialogs == []


@pytest.mark.parametrize("name", ["desktop", "phone"])
def test_screenshots_of_the_three_pages(browser, server, screenshots, viewports, name):
    viewport = viewports[name]
    ctx = browser.new_context(base_url=server, viewport=viewport, locale="zh-CN")
    try:
        tab = ctx.new_page()
        for page_name, url in [("search", "/?q=洗钱"), ("paragraph", "/p/A-RES-71-209/op12"),
                               ("unit", "/u/A-RES-71-209#op12")]:
            tab.goto(url)
            # Nothing may stick out sideways: the page must be usable at phone width.
            assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            path = screenshots / f"{page_name}-{name}.png"
            tab.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
    finally:
        ctx.close()
