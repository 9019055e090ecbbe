"""Safety mode from a safety check kept in the vault, in a real browser.

The server never learns whether a vault safety check was positive, so for its author the
pages that rest features carry both variants (data-vault-rest="usual" / "resting") and the
browser shows the one that fits once it has opened the check (static/reattune/vault-rest.js).
Here: before alex has a vault check, alex's Today, plan, coach, opener, agreements, ladder,
check-in and help pages carry one variant only; after a positive vault check, the resting ones
show (the plan's safety practices first, on Today and the plan page; the coach's and the
opener's resting page; the agreements' note without "I agree"; the ladder's note in place of
the question; the check-ins without their "raise a problem" prompts; the help page's
safety card, counselling on your own, the therapist invite resting), with no
request carrying the answers or the result; locked, the usual ones show; and sam's pages and
API answers are the same, byte for byte, before and after.
"""

import pytest
from playwright.sync_api import expect

from reattune.domain.plan import load_practices
from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import visit
from tests.browser.test_plan import SEED_CHECKUPS
from tests.browser.test_safety_mode import snapshot
from tests.browser.test_vault import PASSPHRASE, RequestLog, lock_now, unlock, wait_state
from tests.test_page_weight import LIMIT, Assets, compressed_size

pytestmark = pytest.mark.browser

# The pages that carry both variants for the author of a vault safety check (besides Today).
REST_PAGES = (
    "/coach/",
    "/plan/",
    "/coach/opener/",
    "/rituals/agreements/",
    "/rituals/ladder/",
    "/rituals/daily/",
    "/rituals/weekly/",
    "/care/",
)

MAKE_VAULT = """
from reattune.accounts.models import User
from reattune.vault import format as f
from reattune.vault.models import VaultKeyring
user = User.objects.get(email={email!r})
ring, _, _ = f.create_keyring({passphrase!r})
VaultKeyring.objects.create(owner=user, vault_id=ring["vault_id"], format=1, kdf=ring["kdf"],
    wrapped_key_passphrase=ring["wrapped_key_passphrase"],
    wrapped_key_recovery=ring["wrapped_key_recovery"])
print("OK")
"""


def shown(page, variant):
    return page.locator(f'#plan-card [data-vault-rest="{variant}"]')


def weight(page, path):
    """A page's HTML and the stylesheets and scripts it loads, compressed, as the server sends
    them (hashed names and all), measured as tests/test_page_weight.py measures."""
    html = page.request.get(path).text()
    assets = Assets()
    assets.feed(html)
    total = compressed_size(html.encode())
    for url in dict.fromkeys(assets.loaded):
        if url.startswith("/static/"):
            total += compressed_size(page.request.get(url).body())
    return total


def rest_hidden(page, selector):
    """Whether the variant holding `selector` is hidden (it may sit in a folded part)."""
    return page.locator(selector).evaluate("n => n.closest('[hidden]') !== null")


def test_a_positive_vault_check_rests_its_authors_pages_only(new_context, live_app):
    alex_email, sam_email = make_couple(live_app)
    seeded = live_app.cli("manage", "shell", "-c", SEED_CHECKUPS.format(a=alex_email, b=sam_email))
    assert "OK" in seeded.stdout, seeded.stdout + seeded.stderr
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "OK" in made.stdout, made.stdout + made.stderr

    sam = logged_in(new_context, live_app, sam_email)
    sam_before = snapshot(sam)

    alex = logged_in(new_context, live_app, alex_email, PHONE)
    log = RequestLog(alex.context)
    # A vault with no safety check in it: one variant, as for everyone.
    visit(alex, "/home/")
    expect(alex.locator("#plan-card")).to_be_visible()
    expect(alex.locator("[data-vault-rest]")).to_have_count(0)
    for path in REST_PAGES:
        visit(alex, path)
        expect(alex.locator("[data-vault-rest]")).to_have_count(0)

    # A positive safety check, kept in the vault.
    visit(alex, "/vault/safety/")
    wait_state(alex, "locked")
    unlock(alex, PASSPHRASE)
    wait_state(alex, "unlocked")
    form = alex.locator('[data-vault-form="safety"]')
    form.locator('input[name="threatened"][value="2"]').check()
    form.locator('input[name="afraid"][value="1"]').check()
    alex.get_by_role("button", name="Save my answers in the vault").click()
    result = alex.locator("[data-safety-result]")
    expect(result.locator('[data-outcome="positive"]').first).to_be_visible()
    axe_check(alex)

    # Today: the browser opened the check and shows the resting plan; the usual one is hidden.
    log.sent.clear()
    visit(alex, "/home/")
    root = alex.locator("[data-vault-rest-root]")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(shown(alex, "resting")).to_be_visible()
    expect(shown(alex, "usual")).to_be_hidden()
    first = shown(alex, "resting").locator("li").first
    expect(first).to_have_text(load_practices()["time_out"].title)
    axe_check(alex)
    # What the page sent: reads only, and none of them says anything about the check.
    assert {method for method, _, _ in log.sent} == {"GET"}, log.sent
    assert not log.carrying("positive", "resting", "urgent", "threatened", "afraid"), log.sent
    assert any("/api/v1/vault/items?kind=safety" in url for _, url, _ in log.sent), log.sent
    # The coach: the page a positive check shows in its place (the rewrite rests).
    visit(alex, "/coach/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator('[data-resting="coach_rewrite"]')).to_be_visible()
    expect(alex.locator("#coach-form")).to_be_hidden()
    expect(alex.get_by_role("heading", level=1)).to_have_text("Taking care of yourself first")
    axe_check(alex)
    assert {method for method, _, _ in log.sent} == {"GET"}, log.sent
    assert not log.carrying("positive", "resting", "urgent", "threatened", "afraid"), log.sent

    # The plan page: the plan as a positive check shows it (safety practices first, the
    # together ones resting, the note pointing to help); the usual plan is hidden.
    visit(alex, "/plan/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator("#this-week-resting")).to_be_visible()
    expect(alex.locator("#plan-safety-resting")).to_be_visible()
    expect(alex.locator("#this-week")).to_be_hidden()
    expect(alex.locator("#this-week-resting h3").first).to_have_text(
        load_practices()["time_out"].title
    )
    axe_check(alex)
    # The coach's opener: the page a positive check shows in its place.
    visit(alex, "/coach/opener/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator('[data-resting="coach_opener"]')).to_be_visible()
    expect(alex.locator("#miss")).to_be_hidden()
    axe_check(alex)
    # The agreements: the resting note, and no "I agree" (taking one back stays).
    visit(alex, "/rituals/agreements/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator('[data-resting="agreements"]')).to_be_visible()
    expect(alex.get_by_role("button", name="I agree")).to_have_count(0)
    axe_check(alex)
    # The ladder: the resting note in place of this week's question and the pace.
    visit(alex, "/rituals/ladder/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator('[data-resting="ladder"]')).to_be_visible()
    expect(alex.locator("#step-title")).to_be_hidden()
    axe_check(alex)
    # The check-ins: the prompts that ask to raise a problem or a need are not shown (none is
    # required, for anyone: tests/test_rituals_vault_skip.py).
    visit(alex, "/rituals/daily/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator("#f-best_part")).to_be_visible()
    expect(alex.locator("#f-challenging_part")).to_be_hidden()
    expect(alex.locator("#f-need")).to_be_hidden()
    axe_check(alex)
    visit(alex, "/rituals/weekly/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator("#f-what_would_help")).to_be_hidden()
    expect(alex.locator("#f-closer_area")).to_be_hidden()
    expect(alex.locator("#f-connecting_moment")).to_be_visible()
    # The help page: "your safety comes first" on top, counselling on your own only, and the
    # therapist invite resting.
    visit(alex, "/care/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    expect(alex.locator("#safety-first")).to_be_visible()
    expect(alex.locator('[data-resting="therapist_invite"]')).to_be_visible()
    expect(alex.get_by_role("button", name="Make a link for our therapist")).to_be_hidden()
    assert rest_hidden(alex, "#kind-couples_therapy") and not rest_hidden(alex, "#individual")
    axe_check(alex)
    assert {method for method, _, _ in log.sent} == {"GET"}, log.sent
    assert not log.carrying("positive", "resting", "urgent", "threatened", "afraid"), log.sent

    # Both variants on a page still weigh at most what every page may (tests/test_page_weight.py).
    for path in REST_PAGES:
        assert weight(alex, path) <= LIMIT, path

    # Locked: the browser cannot open the check, and the usual plan shows.
    visit(alex, "/vault/")
    wait_state(alex, "unlocked")
    lock_now(alex)
    visit(alex, "/home/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(shown(alex, "usual")).to_be_visible()
    expect(shown(alex, "resting")).to_be_hidden()
    axe_check(alex)
    visit(alex, "/coach/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#coach-form")).to_be_visible()
    expect(alex.locator('[data-resting="coach_rewrite"]')).to_be_hidden()
    axe_check(alex)
    visit(alex, "/plan/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#this-week")).to_be_visible()
    expect(alex.locator("#this-week-resting")).to_be_hidden()
    visit(alex, "/coach/opener/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#miss")).to_be_visible()
    expect(alex.locator('[data-resting="coach_opener"]')).to_be_hidden()
    axe_check(alex)
    visit(alex, "/rituals/agreements/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.get_by_role("button", name="I agree").first).to_be_visible()
    expect(alex.locator('[data-resting="agreements"]')).to_be_hidden()
    visit(alex, "/rituals/ladder/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#step-title")).to_be_visible()
    expect(alex.locator('[data-resting="ladder"]')).to_be_hidden()
    axe_check(alex)
    visit(alex, "/rituals/daily/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#f-challenging_part")).to_be_visible()
    expect(alex.locator("#f-need")).to_be_visible()
    visit(alex, "/care/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(alex.locator("#safety-first")).to_be_hidden()
    expect(alex.get_by_role("button", name="Make a link for our therapist")).to_be_visible()
    assert not rest_hidden(alex, "#kind-couples_therapy")
    axe_check(alex)

    # Sam's pages and API answers: exactly as before.
    assert snapshot(sam) == sam_before
