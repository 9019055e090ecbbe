"""A person whose positive safety check is kept in the vault shares the weekly review and the
monthly check-in without the prompts that ask to raise things with the partner.

The server cannot read a vault safety check, so it cannot excuse a required answer: those
prompts are optional for everyone (data/rituals.yaml), and the browser hides them for the
check's author (static/reattune/vault-rest.js). Here alex, after a positive vault check,
sees the weekly review and the monthly check-in without them, shares the rest, and no request
says anything of the check; sam then reads alex's answers, and nothing on sam's page tells that
an answer is missing, or why.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import follow, visit
from tests.browser.test_vault import PASSPHRASE, RequestLog, unlock, wait_state
from tests.browser.test_vault_coach_draft import slow_machine
from tests.browser.test_vault_rest import MAKE_VAULT

pytestmark = pytest.mark.browser

# What each person writes, by prompt id; the prompts resting for alex are left out.
SHOWN = {
    "weekly": ("connecting_moment", "appreciation", "looking_ahead"),
    "monthly": ("most_connecting", "appreciation"),
}
RESTING = {"weekly": ("closer_area", "what_would_help"), "monthly": ("want_to_grow",)}
LABELS = {
    "closer_area": "One area where you would like a little more closeness",
    "what_would_help": "What would help you feel prepared and supported this week?",
    "want_to_grow": "Where would you like to grow, as a partner or as a person?",
}
TELLING = ("safety", "vault", "resting", "skipped", "not asked")


def words(who, kind, pid):
    return f"{who} {kind} {pid.replace('_', ' ')} 5150"


def share(page, kind, who, pids):
    visit(page, f"/rituals/{kind}/")
    for pid in pids:
        page.locator(f"#f-{pid}").fill(words(who, kind, pid))
    follow(page, page.get_by_role("button", name="Share my answers"))
    expect(page.get_by_text("Thank you for sharing.")).to_be_visible()
    return page.url


def test_a_vault_safety_person_shares_reviews_without_raising_issues(new_context, live_app):
    alex_email, sam_email = make_couple(live_app)
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "OK" in made.stdout, made.stdout + made.stderr
    alex = logged_in(new_context, live_app, alex_email, PHONE)
    slow_machine(alex)
    log = RequestLog(alex.context)

    # A positive safety check, kept in the vault.
    visit(alex, "/vault/safety/")
    wait_state(alex, "locked")
    unlock(alex, PASSPHRASE)
    wait_state(alex, "unlocked")
    form = alex.locator('[data-vault-form="safety"]')
    form.locator('input[name="threatened"][value="2"]').check()
    form.locator('input[name="afraid"][value="1"]').check()
    alex.get_by_role("button", name="Save my answers in the vault").click()
    expect(alex.locator('[data-safety-result] [data-outcome="positive"]').first).to_be_visible()

    periods = {}
    for kind in ("weekly", "monthly"):
        log.sent.clear()
        visit(alex, f"/rituals/{kind}/")
        root = alex.locator("[data-vault-rest-root]")
        expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
        for pid in RESTING[kind]:
            expect(alex.locator(f"#f-{pid}")).to_be_hidden()
        for pid in SHOWN[kind]:
            expect(alex.locator(f"#f-{pid}")).to_be_visible()
        axe_check(alex)
        for pid in SHOWN[kind]:
            alex.locator(f"#f-{pid}").fill(words("alex", kind, pid))
        follow(alex, alex.get_by_role("button", name="Share my answers"))
        expect(alex.get_by_text("Thank you for sharing.")).to_be_visible()
        periods[kind] = alex.url
        mine = alex.locator(".answers").first
        for pid in SHOWN[kind]:
            expect(mine).to_contain_text(words("alex", kind, pid))
        # Nothing sent says anything of the check: the resting prompts went empty, like a skip.
        assert not log.carrying("positive", "resting", "urgent", "threatened", "afraid"), log.sent
        posted = [body for method, url, body in log.sent if method == "POST"]
        assert len(posted) == 1, log.sent
        for pid in RESTING[kind]:
            assert f"{pid}=&" in posted[0] + "&", posted[0]

    # Sam shares too, and reads alex's answers: nothing tells that one is missing, or why.
    sam = logged_in(new_context, live_app, sam_email)
    slow_machine(sam)
    for kind in ("weekly", "monthly"):
        every = SHOWN[kind] + RESTING[kind]
        assert share(sam, kind, "sam", every) == periods[kind]
        theirs = sam.locator(".partner-answers")
        for pid in SHOWN[kind]:
            expect(theirs).to_contain_text(words("alex", kind, pid))
        text = theirs.inner_text()
        for pid in RESTING[kind]:
            assert LABELS[pid] not in text, text
        assert not [word for word in TELLING if word in text.lower()], text
        axe_check(sam)
