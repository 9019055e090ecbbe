"""A couple's therapist, used as the three people would: two partners and a therapist.

Three browser contexts against `reattune serve` (a fresh couple with check-ups seeded, never
the shared demo couple):

- partner A writes a private and a shared journal entry, then makes a therapist link on the
  Support page, asking to share the journal too, and reads the link from the page;
- the therapist opens it, creates a therapist account, accepts, and is told they wait until
  both partners agree; the couple's page and its journal answer with the not-found page, and
  A's audit list stays empty;
- partner B sees the request on their Support page and agrees without the journal: the
  therapist now sees the couple's names, results and plan, but no journal entry at all;
  once B opts into the journal too, the therapist sees A's shared entry and never the
  private one;
- both partners see under "When a therapist looked" that the therapist looked;
- A stops the access: the therapist's next visit gets the not-found page and their home no
  longer lists the couple;
- a partner who opens a therapist link is told it is for a therapist, and gets nothing.

Every page shown passes axe-core; partner A and the therapist are on phones, and their
pages never scroll sideways.
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser import unique_email
from tests.browser.conftest import PHONE
from tests.browser.test_foundation import (
    NOT_FOUND,
    PASSWORD,
    follow,
    nav,
    path_of,
    visit,
    write_entry,
)
from tests.browser.test_plan import SEED_CHECKUPS, fits_width, make_couple_by_requests, names

pytestmark = pytest.mark.browser

SPACE_ID = """
from reattune.accounts.models import User
from reattune.core.access import active_space_id
print("SPACE", active_space_id(User.objects.get(email={email!r})))
"""

MAKE_LINK = "Make a link for our therapist"
LINK_WANTS_JOURNAL = "Also show them the journal entries we share (only if we both agree)"
GRANT_JOURNAL = re.compile(r"Also show .+ the journal entries we share with each other")


def space_id_of(live_app, email: str) -> int:
    result = live_app.cli("manage", "shell", "-c", SPACE_ID.format(email=email))
    match = re.search(r"^SPACE (\d+)$", result.stdout, re.MULTILINE)
    assert match, result.stdout + result.stderr
    return int(match.group(1))


def audit_list(page):
    return page.get_by_role("list", name="When a therapist looked")


def assert_closed(page: Page, paths, *hidden: str) -> None:
    """Each page is the not-found page, with none of these words in it."""
    for path in paths:
        visit(page, path, status=404)
        expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
        for text in hidden:
            assert text not in page.content()


def test_a_therapist_sees_results_only_once_both_agree_and_until_one_stops_it(
    new_context, live_app
):
    first, second = names()
    therapist_name = f"Ines{secrets.token_hex(2)}"
    a, b, a_email, b_email = make_couple_by_requests(new_context, first, second)
    seeded = live_app.cli("manage", "shell", "-c", SEED_CHECKUPS.format(a=a_email, b=b_email))
    assert "OK" in seeded.stdout, seeded.stdout + seeded.stderr
    space_id = space_id_of(live_app, a_email)
    couple_path = f"/therapist/couples/{space_id}/"
    journal_path = f"{couple_path}journal/"

    # A writes one entry for herself and one shared with B.
    marker = secrets.token_hex(5)
    private_text, shared_text = f"only-mine {marker}", f"for-us {marker}"
    write_entry(a, f"Private {private_text}", f"Body {private_text}", shared=False)
    write_entry(a, f"Shared {shared_text}", f"Body {shared_text}", shared=True)

    # A makes a link on the Support page, asking to share the journal as well.
    nav(a, "Support")
    assert path_of(a) == "/care/"
    section = a.locator("#therapist")
    expect(section.get_by_role("heading", name="Your therapist")).to_be_visible()
    expect(section).to_contain_text("No one has looked yet.")
    section.get_by_label(LINK_WANTS_JOURNAL).check()
    follow(a, section.get_by_role("button", name=MAKE_LINK))
    expect(a.get_by_text("The link for your therapist is ready.")).to_be_visible()
    link = a.get_by_role("textbox", name="Link for your therapist").input_value()
    assert re.fullmatch(re.escape(live_app.url) + r"/therapist-invite/[^/]+/", link), link
    fits_width(a)

    # The therapist opens it in their own browser and creates a therapist account.
    t = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(t, link)
    expect(t.get_by_role("heading", level=1)).to_have_text(
        f"{first} invited you as their therapist"
    )
    expect(t.locator("main")).to_contain_text("You never see private writing")
    follow(t, t.get_by_role("link", name="Create a therapist account"))
    assert path_of(t) == "/therapist/signup/"
    expect(t.get_by_role("heading", level=1)).to_have_text("Create a therapist account")
    t.get_by_role("textbox", name="Your first name").fill(therapist_name)
    t.get_by_role("textbox", name="Email").fill(unique_email("therapist"))
    t.get_by_label("Password", exact=True).fill(PASSWORD)
    follow(t, t.get_by_role("button", name="Create account"))
    assert path_of(t) == "/therapist-invite/confirm/"
    expect(t.get_by_role("heading", level=1)).to_have_text(f"Work with {first} and their partner")
    follow(t, t.get_by_role("button", name="Accept"))

    # Their home says they wait for both partners; nothing of the couple is shown yet.
    assert path_of(t) == "/therapist/"
    main = t.locator("main")
    expect(t.get_by_role("heading", level=1)).to_have_text("Couples who invited you")
    expect(main).to_contain_text("You will see this couple's results once both partners agree.")
    expect(main).to_contain_text("waiting until both partners agree")
    expect(main).not_to_contain_text(first)
    expect(main).not_to_contain_text(second)
    expect(main.get_by_role("link")).to_have_count(0)
    fits_width(t)
    assert_closed(t, (couple_path, journal_path), first, marker)

    # A sees that she agreed (journal included) and that they wait for B; nobody looked.
    visit(a, "/care/")
    grant = a.locator("#therapist .grant")
    expect(grant.get_by_role("heading", name=therapist_name)).to_be_visible()
    expect(grant).to_contain_text(
        f"You agreed. Waiting for {second} to agree too: until then, {therapist_name} sees nothing."
    )
    expect(grant.get_by_label(GRANT_JOURNAL)).to_be_checked()
    expect(a.locator("#therapist")).to_contain_text("No one has looked yet.")
    fits_width(a)

    # B finds the request on their Support page and agrees, without the journal for now.
    nav(b, "Support")
    grant = b.locator("#therapist .grant")
    expect(grant).to_contain_text(
        f"{first} invited {therapist_name}. They will see nothing unless you agree too."
    )
    expect(grant.get_by_label(GRANT_JOURNAL)).not_to_be_checked()
    follow(b, grant.get_by_role("button", name="I agree"))
    expect(b.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(b.locator("#therapist .grant")).to_contain_text(
        f"You have both agreed: {therapist_name} can see your results and plan."
    )

    # The therapist now finds the couple on their home page and opens it.
    nav(t, "Couples")
    follow(t, t.get_by_role("link", name=re.compile(f"{first}.*{second}|{second}.*{first}")))
    assert path_of(t) == couple_path
    expect(t.get_by_role("heading", level=1)).to_have_text(
        re.compile(f"^({first} and {second}|{second} and {first})$")
    )
    for name in (first, second):
        person = t.locator("section", has=t.get_by_role("heading", name=name, exact=True))
        expect(person.get_by_role("table", name=f"Scale scores of {name}")).to_be_visible()
    expect(t.get_by_role("heading", name="Patterns between them")).to_be_visible()
    plan = t.locator("section", has=t.get_by_role("heading", name="Their plan"))
    expect(plan).to_contain_text(re.compile(r"Week \d of \d"))
    fits_width(t)
    # Only B agreed to share results, not the journal: no journal at all, and no entry.
    expect(t.get_by_role("link", name="Journal entries they share with each other")).to_have_count(
        0
    )
    assert marker not in t.content()
    visit(t, journal_path, status=404)
    expect(t.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)

    # B opts into the journal too: now the shared entry shows, never the private one.
    visit(b, "/care/")
    grant = b.locator("#therapist .grant")
    grant.get_by_label(GRANT_JOURNAL).check()
    follow(b, grant.get_by_role("button", name="Save"))
    expect(b.locator("#therapist .grant").get_by_label(GRANT_JOURNAL)).to_be_checked()
    visit(t, couple_path)
    follow(t, t.get_by_role("link", name="Journal entries they share with each other"))
    assert path_of(t) == journal_path
    expect(t.get_by_role("heading", level=1)).to_have_text("Entries they share with each other")
    entry = t.locator("article", has=t.get_by_role("heading", name=f"Shared {shared_text}"))
    expect(entry).to_contain_text(f"Body {shared_text}")
    expect(entry).to_contain_text(first)
    expect(t.locator("main")).not_to_contain_text(private_text)
    assert private_text not in t.content()
    fits_width(t)

    # Both partners see when the therapist looked, and at what.
    for page in (a, b):
        visit(page, "/care/")
        page.locator("#therapist-more > summary").click()  # folded on Support
        reads = audit_list(page)
        expect(reads).to_contain_text(f"{therapist_name} looked at results and plan")
        expect(reads).to_contain_text(f"{therapist_name} looked at shared journal")
        expect(page.locator("#therapist")).not_to_contain_text("No one has looked yet.")
    fits_width(a)

    # A stops the access.
    grant = a.locator("#therapist .grant")
    follow(a, grant.get_by_role("button", name=f"Stop access now for {therapist_name}", exact=True))
    expect(a.get_by_text("Done. Your therapist cannot see anything here any more.")).to_be_visible()
    expect(a.locator("#therapist .grant")).to_have_count(0)
    a.locator("#therapist-more > summary").click()
    expect(audit_list(a)).to_contain_text(f"{therapist_name} looked at results and plan")
    fits_width(a)
    visit(b, "/care/")
    expect(b.locator("#therapist .grant")).to_have_count(0)

    # The therapist's next visit finds nothing, and the couple is gone from their home.
    assert_closed(t, (couple_path, journal_path), first, marker)
    nav(t, "Couples")
    main = t.locator("main")
    expect(main).to_contain_text("No couple has invited you yet.")
    expect(main).not_to_contain_text(first)
    expect(main.get_by_role("link")).to_have_count(0)


def test_a_partners_account_cannot_accept_a_therapist_link(new_context, live_app):
    """The link is for a therapist: a partner who opens it is told so, and nothing opens."""
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    nav(a, "Support")
    follow(a, a.locator("#therapist").get_by_role("button", name=MAKE_LINK))
    link = a.get_by_role("textbox", name="Link for your therapist").input_value()

    # B, logged in as a partner, opens it: the page says it is for a therapist.
    visit(b, link, status=403)
    assert path_of(b) == "/therapist-invite/confirm/"
    expect(b.get_by_role("heading", level=1)).to_have_text("This link is for a therapist")
    expect(b.locator("main")).to_contain_text("A therapist needs an account of their own")
    fits_width(b)
    visit(b, "/therapist/", status=404)
    expect(b.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)

    # The link still works for the therapist it was made for, and A's page still offers it.
    visit(a, "/care/")
    expect(a.get_by_role("textbox", name="Link for your therapist")).to_have_value(link)
    expect(a.locator("#therapist .grant")).to_have_count(0)
