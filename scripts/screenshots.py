"""Phone screenshots for the docs: Today, the daily check-in and the couple view.

Starts `reattune serve` on a fresh data directory with the demo couple, opens the pages in
Debian's chromium at 390x844 and writes docs/screenshots/phone-*.png. Nothing leaves this
machine. Run from the repository root:

    .venv/bin/python scripts/screenshots.py
"""

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser import app_env, serve  # noqa: E402

OUT = REPO / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
PAGES = {
    "phone-today.png": "/home/",
    "phone-check-in.png": "/rituals/daily/",
    "phone-couple-view.png": "/results/us/",
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with serve(app_env(data), data, workers=1, threads=2, timeout=180) as app:
            alex = app.demo()[0]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"]
                )
                page = browser.new_context(viewport=PHONE, base_url=app.url).new_page()
                page.goto("/login/")
                page.get_by_label("Email").fill(alex["email"])
                page.get_by_label("Password", exact=True).fill(alex["password"])
                with page.expect_navigation():
                    page.get_by_role("button", name="Log in").click()
                for name, path in PAGES.items():
                    page.goto(path)
                    page.screenshot(path=str(OUT / name))
                    print(f"wrote {OUT.relative_to(REPO) / name}")
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
