"""The app shell on a phone (390x844) and a wide screen (1366x900), with the demo couple.

On every main page (the vault's too): nothing overflows sideways, the top bar is at most 64 px tall, every link
and button in the navigation is at least 44x44 px, there are at most five tabs, each with an
icon and a label, and the current one is marked with aria-current. On a phone the tabs sit at
the bottom of the screen; on a wide screen in the top row. The web app manifest comes from this
server, with its icons and theme colour. Every page shown passes axe-core.
"""

import json
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import logged_in_page

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}
# path -> the tab marked current there ("More" for the pages listed under it, and then the
# page of the "More" list marked current in MORE)
PAGES = {
    "/home/": "Today",
    "/plan/": "Plan",
    "/coach/": "Coach",
    "/couple/": "Us",
    "/rituals/": "More",
    "/rituals/daily/": "Today",  # started from Today
    "/rituals/progress/": "More",
    "/checkup/": "More",
    "/results/": "More",
    "/results/us/": "Us",  # the couple view, opened from Us
    "/journal/": "More",
    "/learn/": "More",
    "/care/": "More",
    "/report/": "More",
    "/account/": "More",
    "/vault/": "More",  # opened from the journal
    "/vault/safety/": "More",  # opened from Support
}
MORE = {"/journal/": "Journal", "/vault/": "Journal", "/vault/safety/": "Support"}

MEASURE = """() => {
  const nav = document.querySelector('nav[aria-label="Main"]');
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent.trim(), width: r.width, height: r.height, top: r.top,
            bottom: r.bottom};
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: document.querySelector("header.site").getBoundingClientRect().height,
    targets: [...nav.querySelectorAll("a, button")].filter(visible).map(box),
    tabs: [...nav.querySelectorAll(".tabbar .tab")].map((tab) => ({
      ...box(tab),
      icon: !!tab.querySelector("svg[aria-hidden=true] path"),
      // Seen, not covered by anything: the tab is what is at its own centre.
      onTop: (() => {
        const r = tab.getBoundingClientRect();
        return tab.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
      })(),
      current: tab.getAttribute("aria-current"),
    })),
    more: [...nav.querySelectorAll(".more-links [aria-current]")].map((a) => a.textContent.trim()),
  };
}"""


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_every_main_page_fits_with_a_short_top_bar_and_large_tabs(
    new_context, demo_accounts, viewport
):
    page = logged_in_page(new_context, demo_accounts["sam"], viewport)
    problems = []
    for path, current in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe_check(page)
        m = page.evaluate(MEASURE)
        if m["scrollWidth"] > m["innerWidth"]:
            problems.append(f"{path}: {m['scrollWidth']} px wide in {m['innerWidth']} px")
        if m["header"] > 64:
            problems.append(f"{path}: the top bar is {m['header']} px tall")
        for target in m["targets"]:
            if target["width"] < 44 or target["height"] < 44:
                problems.append(
                    f"{path}: '{target['text']}' is {target['width']:.0f}x{target['height']:.0f} px"
                )
        tabs = m["tabs"]
        assert [t["text"] for t in tabs] == ["Today", "Plan", "Coach", "Us", "More"], path
        assert all(t["icon"] for t in tabs), path
        assert all(t["onTop"] for t in tabs), f"{path}: a tab is covered: {tabs}"
        marked = [t["text"] for t in tabs if t["current"]]
        assert marked == [current], f"{path}: current tab {marked}, expected {current}"
        if path in MORE:
            assert m["more"] == [MORE[path]], f"{path}: {m['more']} marked under More"
        if viewport is PHONE:
            # At the bottom of the screen, one row.
            assert all(abs(t["bottom"] - viewport["height"]) <= 1 for t in tabs), (path, tabs)
        else:
            # In the top row, beside the name.
            assert all(t["bottom"] <= 64 for t in tabs), (path, tabs)
    assert not problems, "\n".join(problems)


def test_more_lists_every_other_page_and_marks_the_current_one(new_context, demo_accounts):
    page = logged_in_page(new_context, demo_accounts["alex"], PHONE)
    page.goto("/journal/")
    axe_check(page)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="More").click()
    more = nav.get_by_role("region", name="More")
    expect(more).to_be_in_viewport()
    for name in ("Rituals", "Progress", "Check-up", "Journal", "Report", "Support", "Account"):
        expect(more.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(more.get_by_role("link", name="Journal", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(more.get_by_role("button", name="Log out")).to_be_visible()
    axe_check(page)
    with page.expect_navigation():
        more.get_by_role("link", name="Support", exact=True).click()
    axe_check(page)
    assert urlparse(page.url).path == "/care/"


def test_the_manifest_and_its_icons_come_from_this_server(new_context, live_app, demo_accounts):
    page = logged_in_page(new_context, demo_accounts["alex"], PHONE)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest_url = urlparse(page.evaluate("(h) => new URL(h, location.href).href", href))
    assert manifest_url.netloc == urlparse(live_app.url).netloc
    assert page.locator('meta[name="theme-color"]').get_attribute("content") == "#2f6f62"
    response = page.request.get(manifest_url.geturl())
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/home/"
    assert manifest["theme_color"] == "#2f6f62"
    sizes = set()
    for icon in manifest["icons"]:
        icon_url = page.evaluate(
            "([src, base]) => new URL(src, base).href", [icon["src"], manifest_url.geturl()]
        )
        assert urlparse(icon_url).netloc == manifest_url.netloc, icon_url
        got = page.request.get(icon_url)
        assert got.status == 200, icon_url
        assert got.headers["content-type"].startswith(icon["type"]), icon_url
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
