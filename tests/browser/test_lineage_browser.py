"""Lineage in real Chromium: the paragraph history with track changes, comparisons, the change filter."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect


def test_the_paragraph_page_shows_its_history_with_track_changes(page):
    page.goto("/p/A-RES-71-209/op52")
    history = page.locator("section.lineage")
    expect(history.locator("h2")).to_have_text("This language in other texts")
    rows = history.locator("li.counterpart")
    expect(rows).to_have_count(3)
    from_2013 = rows.filter(has_text="A/RES/68/193 op44")
    expect(from_2013.locator("del")).to_have_text(["的"])
    expect(from_2013.locator("ins")).to_have_count(0)
    draft = rows.filter(has_text="A/C.3/68/L.18 op40")
    expect(draft.locator("del").first).to_have_text("协调")
    expect(draft.locator("ins").first).to_have_text("协商")
    # Readable without colour: deletions are struck through, insertions underlined.
    assert "line-through" in draft.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in draft.locator("ins").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    expect(history.locator(".first a")).to_have_text("A/C.3/68/L.18 op40")
    with page.expect_navigation():
        history.locator("a.version-previous").click()
    assert urlparse(page.url).path == "/p/A-RES-68-193/op44"


def test_the_compare_page_is_reachable_from_the_unit_page(page):
    page.goto("/u/A-C.3-68-L.18")
    relative = page.locator("section.relatives li.rel-adopted_as")
    expect(relative).to_contain_text("adopted as A/RES/68/193")
    with page.expect_navigation():
        relative.locator("a.compare").click()
    assert urlparse(page.url).path == "/compare/A-C.3-68-L.18/A-RES-68-193"
    counts = {key: page.locator(f"dd[data-count='{key}']").inner_text()
              for key in ("unchanged", "edited", "moved", "added", "removed")}
    assert counts == {"unchanged": "26", "edited": "55", "moved": "0", "added": "12", "removed": "0"}
    forensic = page.locator("li.pair").filter(has_text="op40 → op44")
    expect(forensic.locator("ins").first).to_have_text("协商")


def test_compare_with_the_previous_version(page):
    page.goto("/u/A-RES-80-229")
    link = page.get_by_role("link", name="Compare with the previous version")
    with page.expect_navigation():
        link.click()
    assert urlparse(page.url).path == "/compare/A-RES-71-209/A-RES-80-229"
    expect(page.locator("h1")).to_have_text("Comparing A/RES/71/209 with A/RES/80/229")


def test_the_change_filter_is_shown_and_removable(page):
    page.goto("/?unit=A-RES-80-229")
    before = int(re.search(r"\d+", page.locator(".summary").inner_text()).group())
    new = page.locator(".facet[aria-labelledby='facet-change'] a[data-key='new']")
    count = int(new.locator(".count").inner_text())
    with page.expect_navigation():
        new.click()
    assert parse_qs(urlparse(page.url).query)["change"] == ["new"]
    assert int(re.search(r"\d+", page.locator(".summary").inner_text()).group()) == count < before
    chip = page.locator(".chosen a.chip[data-key='new']")
    expect(chip).to_contain_text("New")
    with page.expect_navigation():
        chip.click()
    assert "change" not in parse_qs(urlparse(page.url).query)
