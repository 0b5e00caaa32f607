"""axe-core over the four main pages, in both languages and both colour schemes, and the
screenshots of each at desktop and phone width (saved under artifacts/, git-ignored)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {"search": "/?q=洗钱", "paragraph": "/p/A-RES-71-209/op12", "unit": "/u/A-RES-71-209",
         "documents": "/documents"}


def test_the_vendored_axe_is_the_one_documented():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


def axe_violations(page) -> list[str]:
    """Each WCAG A/AA violation axe-core finds on the page, with the elements it names."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' — '"
                          " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
                          WCAG_AA)
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("ui", ["zh", "en"])
def test_no_wcag_a_or_aa_violations(browser, server, viewports, scheme, ui):
    # axe is injected as a script: the test context bypasses the page's CSP to allow it.
    ctx = browser.new_context(base_url=server, viewport=viewports["desktop"], color_scheme=scheme,
                              bypass_csp=True)
    try:
        page = ctx.new_page()
        problems = {}
        for name, url in PAGES.items():
            page.goto(url + ("&" if "?" in url else "?") + f"ui={ui}")
            problems[name] = axe_violations(page)
        assert problems == {name: [] for name in PAGES}
    finally:
        ctx.close()


def test_axe_finds_what_it_should(page):
    """The check can fail: a page with a text of poor contrast and an image without a name."""
    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<p style="color:#999;background:#aaa">faint</p><img src="data:,"></main></body></html>')
    page.add_script_tag(path=str(AXE))
    ids = page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))")
    assert {"color-contrast", "image-alt"} <= set(ids)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_scheme_follows_the_system(browser, server, scheme):
    ctx = browser.new_context(base_url=server, color_scheme=scheme)
    try:
        page = ctx.new_page()
        page.goto("/?q=洗钱")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(13, 17, 23)")
    finally:
        ctx.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_in_both_languages_and_schemes(browser, server, screenshots, viewports, width):
    viewport = viewports[width]
    for scheme in ("light", "dark"):
        for ui in ("zh", "en"):
            ctx = browser.new_context(base_url=server, viewport=viewport, color_scheme=scheme)
            try:
                page = ctx.new_page()
                for name, url in PAGES.items():
                    page.goto(url + ("&" if "?" in url else "?") + f"ui={ui}")
                    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                    path = screenshots / f"{name}-{width}-{viewport['width']}px-{ui}-{scheme}.png"
                    page.screenshot(path=str(path))  # the first screen, as a reader lands on it
                    assert path.stat().st_size > 5_000
            finally:
                ctx.close()
