"""Download your data, in chromium: sam's zip has sam's private entry and alex's shared one,
never one of alex's private entries. (Sam downloads: the demo gives alex a vault, and a person
with a vault writes private words there, not in the journal the export reads.)"""

import io
import json
import secrets
import urllib.request
import zipfile

import pytest

from tests.browser.conftest import axe_check
from tests.browser.test_foundation import WIDE

pytestmark = pytest.mark.browser


def write(app, token: str, body: str, visibility: str) -> None:
    request = urllib.request.Request(
        f"{app.url}/api/v1/journal",
        data=json.dumps({"body": body, "visibility": visibility}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201


def test_it_downloads_sams_export_from_account_settings(live_app, new_context, demo_accounts):
    alex, sam = demo_accounts["alex"], demo_accounts["sam"]
    mark = secrets.token_hex(4)
    texts = {"sam_private": f"sam private {mark}", "alex_shared": f"alex shared {mark}"}
    write(live_app, sam["token"], texts["sam_private"], "private")
    write(live_app, alex["token"], texts["alex_shared"], "shared")

    page = new_context(viewport=WIDE, accept_downloads=True).new_page()
    page.goto("/login/")
    axe_check(page)
    page.get_by_label("Email").fill(sam["email"])
    page.get_by_label("Password", exact=True).fill(sam["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.goto("/account/")
    axe_check(page)
    section = page.locator("#export")
    assert section.get_by_role("heading", name="Download your data").is_visible()
    with page.expect_download() as download_info:
        section.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("reattune-export-")
    data = open(download.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = json.loads(archive.read("journal_entries.json"))["rows"]
    bodies = {row["body"]: row["owner"] for row in rows}
    assert bodies.get(texts["sam_private"]) == "me"
    assert bodies.get(texts["alex_shared"]) == "partner"
    # Of alex's entries (the demo wrote private ones too), only shared ones are in sam's zip.
    partner_rows = [row for row in rows if row["owner"] == "partner"]
    assert partner_rows and all(row["visibility"] == "shared" for row in partner_rows), [
        row["visibility"] for row in partner_rows
    ]
