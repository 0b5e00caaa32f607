"""The pages as delegates use them, in real Chromium: on a phone, from the keyboard, with an
input method, browsing the documents and narrowing a search from a hit's tags."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def query_of(page) -> dict[str, list[str]]:
    """The current URL's query parameters."""
    return parse_qs(urlparse(page.url).query)


@pytest.fixture
def phone(browser, server):
    """A page in a 360 px wide, touch-screen Chinese browser."""
    ctx = browser.new_context(base_url=server, viewport=PHONE, locale="zh-CN", has_touch=True,
                              is_mobile=True)
    yield ctx.new_page()
    ctx.close()


def test_the_filter_control_is_in_the_first_screen_on_a_phone(phone):
    phone.goto("/?q=洗钱&kind=op")
    control = phone.locator(".filters-link")
    expect(control).to_have_text("筛选 (1)")
    box = control.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], "in the first screen"
    expect(phone.locator("#filters")).to_be_hidden()
    expect(phone.locator(".hint")).to_be_hidden()  # "press /" means nothing on a touch screen
    expect(phone.locator("details.charts")).not_to_have_attribute("open", "")
    control.click()
    expect(phone.locator("#filters")).to_be_visible()
    expect(phone.locator("#filters-heading")).to_be_focused()
    session = phone.locator(".facet[data-facet='session'] a").first
    key = session.get_attribute("data-key")
    with phone.expect_navigation():
        session.click()
    assert query_of(phone)["session"] == [key] and query_of(phone)["kind"] == ["op"]
    # The panel is open again, on the value just chosen, for the next choice.
    expect(phone.locator(f".facet[data-facet='session'] a[data-key='{key}']")).to_be_focused()
    expect(phone.locator("#filters")).to_be_visible()
    expect(phone.locator(".filters-link")).to_have_text("筛选 (2)")
    phone.keyboard.press("Escape")
    expect(phone.locator("#filters")).to_be_hidden()
    expect(phone.locator(".filters-link")).to_be_focused()


def tabs_to(page, selector: str, limit: int = 30) -> int:
    """Tab presses from the focused element until `selector`'s first match has the focus."""
    target = page.locator(selector).first
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target.element_handle()):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_few_tabs_from_the_search_box_to_the_first_result(browser, server, viewports, width):
    ctx = browser.new_context(base_url=server, viewport=viewports[width], locale="en-US")
    try:
        page = ctx.new_page()
        page.goto("/?q=洗钱")
        expect(page.locator("#q")).not_to_be_focused()  # no autofocus on a results page
        page.locator("#q").focus()
        assert tabs_to(page, ".hits .pid") <= 5
    finally:
        ctx.close()


def test_skip_link_leads_to_the_results(page):
    page.goto("/?q=洗钱")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    assert tabs_to(page, ".hits .pid") <= 3


def test_focus_returns_to_the_facet_after_a_toggle(page):
    page.goto("/?q=洗钱")
    link = page.locator(".facet[data-facet='kind'] a").first
    key = link.get_attribute("data-key")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page)["kind"] == [key]
    chosen = page.locator(f".facet[data-facet='kind'] a[data-key='{key}']")
    expect(chosen).to_be_focused()
    expect(chosen).to_have_attribute("aria-current", "true")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # and off again, from where the focus stayed
    assert "kind" not in query_of(page)
    expect(page.locator(f".facet[data-facet='kind'] a[data-key='{key}']")).to_be_focused()


def test_a_facets_values_filter_as_you_type(page):
    page.goto("/?ui=en")
    box = page.get_by_role("searchbox", name="Filter the Theme values")
    box.fill("cyber")
    visible = page.locator(".facet[data-facet='theme'] li:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Cybercrime")
    box.fill("")
    expect(page.locator(".facet[data-facet='theme'] li:visible")).not_to_have_count(1)


def test_a_tag_on_a_hit_keeps_the_query(page):
    page.goto("/?q=洗钱&kind=op")
    before = int(page.locator(".summary").inner_text().split()[0])
    tag = page.locator(".hit .tag.verb").first
    verb = tag.inner_text()
    with page.expect_navigation():
        tag.click()
    query = query_of(page)
    assert query["q"] == ["洗钱"] and query["kind"] == ["op"] and len(query["verb"]) == 1
    assert int(page.locator(".summary").inner_text().split()[0]) <= before
    expect(page.locator(".chosen a.chip", has_text=verb)).to_have_count(1)


def test_a_hits_title_leads_to_its_place_in_the_resolution(page):
    page.goto("/?q=洗钱")
    href = page.locator(".hits .pid").first.get_attribute("href")
    with page.expect_navigation():
        page.locator(".hit .unit-title a").first.click()
    anchor = href.rsplit("/", 1)[-1]
    assert urlparse(page.url).fragment == anchor
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()


def test_documents_page_from_the_home_page(page):
    page.goto("/?ui=en")
    with page.expect_navigation():
        page.get_by_role("link", name="Browse the documents").click()
    assert urlparse(page.url).path == "/documents"
    report = page.locator("section.document", has=page.get_by_role("heading", name="E/2011/30"))
    expect(report.locator(".unit-entry")).to_have_count(18)
    with page.expect_navigation():
        report.get_by_role("link", name="Draft resolution III (E/2011/30), for the General Assembly").click()
    assert urlparse(page.url).path == "/u/E-2011-30-ga-draft-III"
    expect(page.locator("h1")).to_be_visible()


def test_suggestions_wait_until_the_input_method_commits(context, page):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/suggest" in r.url else None)
    page.goto("/?ui=zh")
    page.locator("#q").click()
    page.evaluate("""() => { window.composingInputs = 0;
        document.getElementById('q').addEventListener('input',
            e => { if (e.isComposing) window.composingInputs += 1; }); }""")
    ime = context.new_cdp_session(page)
    for text in ("x", "xi", "洗"):  # the pinyin being composed, then a candidate shown
        ime.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text),
                                             "selectionEnd": len(text)})
    page.wait_for_timeout(500)  # longer than the suggestion delay
    assert page.evaluate("window.composingInputs") >= 3, "the browser did compose"
    assert asked == [], "nothing is asked while composing"
    expect(page.locator("#q-suggest")).to_be_hidden()
    ime.send("Input.insertText", {"text": "洗钱"})  # the input method commits
    first = page.locator("#q-suggest [role=option]").first
    expect(first).to_have_attribute("data-text", "洗钱")
    assert [parse_qs(urlparse(url).query)["q"] for url in asked] == [["洗钱"]]
    expect(page.locator("#q")).to_have_attribute("aria-expanded", "true")


def test_picking_a_suggestion_searches_with_the_filters_kept(page):
    page.goto("/?kind=op&ui=en")
    page.locator("#q").fill("money")
    option = page.locator("#q-suggest [role=option]", has_text="money-laundering").first
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#q")).to_have_attribute("aria-activedescendant", "q-suggest-0")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page)["q"] == ["money-laundering"] and query_of(page)["kind"] == ["op"]


def test_values_left_out_of_the_page_are_found_by_typing(page):
    page.goto("/?ui=en")
    listed = {link.get_attribute("data-key")
              for link in page.locator(".facet[data-facet='verb'] a[data-key]").all()}
    verbs = page.request.get("/api/search").json()["facets"]["verb"]
    unlisted = next(v for v in verbs if v["key"] not in listed)
    page.get_by_role("searchbox", name="Filter the Verb values").fill(unlisted["en"].lower())
    found = page.locator(f".facet[data-facet='verb'] .found a[data-key='{unlisted['key']}']")
    expect(found).to_be_visible()
    with page.expect_navigation():
        found.click()
    assert query_of(page)["verb"] == [unlisted["key"]]


@pytest.mark.parametrize(("pid", "button", "citation"), [
    ("A-RES-71-209/op12", "Copy with text: English",
     "General Assembly resolution 71/209 of 19 December 2016, para. 12"),
    ("E-2011-30-ga-draft-III/op9b", "Copy with text: 中文", "E/2011/30所载决议草案三第9(b)段"),
    ("A-C.3-68-L.18/op4", "Copy with text: English", "A/C.3/68/L.18, para. 4"),
])
def test_copy_with_text(context, page, server, pid, button, citation):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto(f"/p/{pid}?ui=en")
    text = page.locator("blockquote.text").inner_text().strip()
    page.get_by_role("button", name=button).click()
    expect(page.locator(".copy-status")).to_have_text(f"Copied: {citation}")
    assert page.evaluate("navigator.clipboard.readText()") == f"{text}\n{citation}\n{server}/p/{pid}"
    page.get_by_role("button", name="Copy with text: Both languages").click()
    copied = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert copied[0] == text and copied[-1] == f"{server}/p/{pid}" and citation in copied[1:3]


@pytest.mark.parametrize("url", ["/p/A-RES-71-209/op12", "/u/A-RES-71-209"])
def test_print_shows_the_text_citation_and_permalink_only(page, server, url):
    page.goto(url + "?ui=en")
    page.emulate_media(media="print")
    for chrome in ("form.search", "footer.site", ".lang-switch", "button", ".neighbours", ".toc"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".print-only")).to_be_visible()
    expect(page.locator(".print-only")).to_contain_text(f"Permalink: {server}{url}")
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".print-only")).to_be_hidden()
