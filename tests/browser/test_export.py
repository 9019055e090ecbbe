"""Download your data, in chromium: alex's zip has alex's private entry and sam's shared one,
never sam's private one."""

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


def test_it_downloads_alexs_export_from_account_settings(live_app, new_context, demo_accounts):
    alex, sam = demo_accounts["alex"], demo_accounts["sam"]
    mark = secrets.token_hex(4)
    texts = {
        "alex_private": f"alex private {mark}",
        "sam_shared": f"sam shared {mark}",
        "sam_private": f"sam private {mark}",
    }
    write(live_app, alex["token"], texts["alex_private"], "private")
    write(live_app, sam["token"], texts["sam_shared"], "shared")
    write(live_app, sam["token"], texts["sam_private"], "private")

    page = new_context(viewport=WIDE, accept_downloads=True).new_page()
    page.goto("/login/")
    axe_check(page)
    page.get_by_label("Email").fill(alex["email"])
    page.get_by_label("Password", exact=True).fill(alex["password"])
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
    assert bodies.get(texts["alex_private"]) == "me"
    assert bodies.get(texts["sam_shared"]) == "partner"
    assert texts["sam_private"] not in bodies
