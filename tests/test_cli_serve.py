"""`reattune serve` in a subprocess: first-run files, migrations, the URL it prints, a clean stop.

Runs on SQLite in both test runs (DATABASE_URL is removed from the subprocess's environment):
what is checked here is the data directory, its files and the SQLite database `serve` creates.
So it runs in the SQLite pass only: in the PostgreSQL pass it would check the same again.
"""

import re
import sqlite3
import stat

from cryptography.fernet import Fernet

from tests.browser import REPO, app_env, http_get, serve
from tests.cli_fixtures import sqlite_pass_only


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _migration_files() -> set[tuple[str, str]]:
    return {
        (path.parent.parent.name, path.stem)
        for path in (REPO / "reattune").glob("*/migrations/[0-9]*.py")
    }


@sqlite_pass_only
def test_serve_prepares_the_data_dir_migrates_and_answers(tmp_path):
    data_dir = tmp_path / "not" / "yet" / "there"
    env = app_env(data_dir)
    with serve(env, data_dir) as app:
        # First run: the directory and both key files, readable by the owner alone.
        assert data_dir.is_dir()
        secret, keys = data_dir / "secret.key", data_dir / "encryption.keys"
        assert _mode(secret) == 0o600, oct(_mode(secret))
        assert _mode(keys) == 0o600, oct(_mode(keys))
        assert len(secret.read_text().strip()) >= 50
        (key,) = keys.read_text().split()
        Fernet(key.encode())  # a valid key

        # It says where it serves.
        assert f"serving on http://127.0.0.1:{app.port}/" in app.output()

        status, headers, page = http_get(f"{app.url}/login/")
        assert status == 200
        assert "<h1>Log in</h1>" in page
        # Static files come from collectstatic (hashed names), as in production.
        css = re.search(r'href="(/static/reattune/app\.[0-9a-f]+\.css)"', page)
        assert css, "the login page does not link a collected, hashed stylesheet"
        assert http_get(app.url + css.group(1))[0] == 200

        # Migrations ran before serving: every migration file of the package is applied.
        with sqlite3.connect(data_dir / "reattune.sqlite3") as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            applied = set(db.execute("SELECT app, name FROM django_migrations"))
        assert {"accounts_user", "journal_entry", "django_session"} <= tables
        missing = _migration_files() - applied
        assert not missing, f"migrations not applied by serve: {sorted(missing)}"

        first_secret, first_keys = secret.read_text(), keys.read_text()
        assert app.stop() == 0, f"serve did not stop cleanly:\n{app.output()}"
        assert "Traceback" not in app.output(), app.output()

    # A second start keeps the keys of the first: they are made on first run only.
    with serve(env, data_dir) as again:
        assert http_get(f"{again.url}/login/")[0] == 200
        assert secret.read_text() == first_secret
        assert keys.read_text() == first_keys
        assert again.stop() == 0
