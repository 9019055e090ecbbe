"""Links a finger aims at on a 390x844 phone, beyond the navigation (tests/browser/
test_phone_shell.py) and the form controls (tests/browser/test_phone_walk.py):

- every link that stands on its own (alone on its line or beside a button, a list of places
  to go, a practice's title in a heading, "Earlier plans", "Back to your plan", "All
  rituals", "Forgot your password?"...) is at least 44x44 px; a link inside a sentence keeps
  the sentence's line and is not measured;
- a link inside a sentence that matters most (reading both check-ins from Today, a phone
  number to call) takes a 44 px tap through its own padding: what is under a finger at the top
  of that tap is the link.

Every page shown passes axe-core.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import follow, logged_in_page, visit
from tests.browser.test_phone_walk import MIN_TAP, small_targets
from tests.browser.test_plan import make_couple_by_requests, names
from tests.browser.test_reactions import share_short_check_in

pytestmark = pytest.mark.browser

# A link stands on its own when the block around it holds nothing but links, buttons and the
# "·" between them; a link in a heading is a target too. Every folded section is opened first,
# so what it holds is measured too. Returns every such visible link.
STANDALONE = """() => {
  document.querySelectorAll("main details").forEach((d) => { d.open = true; });
  const blockOf = (el) => {
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) {
      block = block.parentElement;
    }
    return block;
  };
  const ownText = (block) => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll("a, button, .badge").forEach((el) => el.remove());
    return copy.textContent.replace(/[\\s·]/g, "");
  };
  return [...document.querySelectorAll("main a[href]")].flatMap((a) => {
    const r = a.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || a.classList.contains("button")) return [];
    const block = blockOf(a);
    const heading = /^H[1-6]$/.test(block.tagName);
    if (!heading && ownText(block) !== "") return [];
    return [{what: "a", text: a.textContent.trim().slice(0, 40), width: r.width,
             height: r.height}];
  });
}"""

# Each padded link in a sentence (a.tap) outside a folded section, brought into view: its box,
# and whether the link is what lies under the top and bottom edges of its tap (3 px inside),
# beyond the words themselves.
TAPS = """() => [...document.querySelectorAll("main a.tap")]
  .filter((a) => !a.closest("details:not([open])"))
  .map((a) => {
    a.scrollIntoView({block: "center"});
    const r = a.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const hit = (y) => { const el = document.elementFromPoint(x, y); return !!el && a.contains(el); };
    return {text: a.textContent.trim(), width: r.width, height: r.height,
            top: hit(r.top + 3), bottom: hit(r.bottom - 3)};
  })"""


def test_links_that_stand_alone_are_full_size_tap_targets(new_context, demo_accounts):
    alex = logged_in_page(new_context, demo_accounts["alex"], PHONE)
    problems: list[str] = []
    seen: dict[str, int] = {}

    def measure(page: Page, key: str) -> None:
        seen[key], small = small_targets(page, STANDALONE)
        problems.extend(small)

    for path in (
        "/home/",
        "/plan/",
        "/plan/history/",
        "/rituals/",
        "/rituals/agreements/",
        "/results/",
        "/results/us/",
        "/couple/",
        "/coach/",
        "/checkup/",
        "/learn/",
    ):
        visit(alex, path)
        measure(alex, path)
    # A practice opened from its title on the plan, and a journal entry from the journal.
    visit(alex, "/plan/")
    follow(alex, alex.locator("#this-week h3 a").first)
    measure(alex, "a practice")
    visit(alex, "/journal/")
    follow(alex, alex.locator("li.entry > a").first)
    measure(alex, "an entry")

    signed_out = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    for path in ("/login/", "/password-reset/"):
        visit(signed_out, path)
        measure(signed_out, path)

    assert not problems, "\n".join(problems)
    # What was measured was there: a practice's title on the plan, the plan card's practices
    # and "See the whole plan and why" on Today, the rituals' places to go, the way back.
    assert seen["/plan/"] >= 3 and seen["/home/"] >= 3 and seen["/rituals/"] >= 8, seen
    assert all(seen[key] >= 1 for key in seen), seen


def test_reading_both_check_ins_and_calling_a_number_take_a_full_size_tap(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    # The emergency number on Support, in its sentence.
    visit(a, "/care/")
    taps = a.evaluate(TAPS)
    assert taps, "no padded link on Support"
    for tap in taps:
        assert tap["height"] >= MIN_TAP and tap["width"] >= MIN_TAP, tap
        assert tap["top"] and tap["bottom"], f"the tap's edges miss the link: {tap}"
    # The padding does not move the sentence's lines: it is as tall as its text.
    emergency = a.locator("#summary p.emergency")
    lines = emergency.evaluate(
        "(p) => p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)"
    )
    assert abs(lines - round(lines)) < 0.05, f"{lines} lines: the padding moved them"

    # Today, once both shared: "read both" in its sentence opens the day, from the top of its
    # tap, above the words.
    day_url = share_short_check_in(a, f"{first}: soup on the stove")
    share_short_check_in(b, f"{second}: a long call with my sister")
    visit(a, "/home/")
    read = a.get_by_role("link", name="read both")
    expect(read).to_be_visible()
    [tap] = a.evaluate(TAPS)
    assert tap["text"] == "read both" and tap["height"] >= MIN_TAP, tap
    assert tap["top"] and tap["bottom"], f"the tap's edges miss the link: {tap}"
    box = read.bounding_box()
    assert box
    with a.expect_navigation():
        a.mouse.click(box["x"] + box["width"] / 2, box["y"] + 4)
    axe_check(a)
    assert a.url == day_url, a.url
