"""`reattune rotate-keys`: a new key first, every encrypted row re-encrypted under it.

Follows the test run's database: SQLite in the data directory, or in the PostgreSQL run a
fresh database on the server named by DATABASE_URL (rotation rewrites rows with raw SQL, so
both engines matter). Data is written with `reattune demo` plus one entry with a marker.
"""

import json

import pytest
from cryptography.fernet import Fernet, InvalidToken

from tests.browser import app_env, fresh_database, run_cli

MARKER_TITLE = "rotation marker ✓ 🔑"
MARKER_BODY = "Ünïcödé survives rotation: 日本語, emoji 💛, <b>html</b>, and 'quotes'."

WRITE_MARKER = f"""
from reattune.accounts.models import User
from reattune.journal.actions import do_create_entry
alex = User.objects.get(email="alex@demo.reattune.example")
do_create_entry(alex, {MARKER_BODY!r}, visibility="private", title={MARKER_TITLE!r})
"""

# Every encrypted column of every model, both as stored (raw SQL) and as the app reads it.
DUMP = """
import json
from django.db import connection
from reattune.core import crypto
quote = connection.ops.quote_name
out = {}
for model, fields in crypto.encrypted_fields():
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.pk.column)}, {columns} FROM {quote(meta.db_table)}")
        raw = {str(row[0]): list(row[1:]) for row in cursor.fetchall()}
    read = {
        str(obj.pk): [getattr(obj, name) for name in fields]
        for obj in model._base_manager.all()
    }
    out[meta.label] = {"fields": fields, "raw": raw, "read": read}
print("DUMP " + json.dumps(out))
"""


def _dump(env) -> dict:
    result = run_cli(["manage", "shell", "-c", DUMP], env)
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("DUMP ")]
    return json.loads(line[len("DUMP ") :])


def _keys(data_dir) -> list[str]:
    return (data_dir / "encryption.keys").read_text().split()


def _read_values(dump: dict) -> list[str]:
    return [v for table in dump.values() for row in table["read"].values() for v in row if v]


def _assert_only_key_opens_everything(dump: dict, key: str, old_keys: list[str]) -> None:
    """Each stored value decrypts with `key` alone, to what the app reads; old keys fail."""
    new, olds = Fernet(key.encode()), [Fernet(k.encode()) for k in old_keys]
    checked = 0
    for label, table in dump.items():
        assert set(table["raw"]) == set(table["read"]), label
        for pk, stored_row in table["raw"].items():
            for name, stored, read in zip(
                table["fields"], stored_row, table["read"][pk], strict=True
            ):
                if stored is None:
                    continue
                assert new.decrypt(stored.encode()).decode() == read, f"{label}.{name} #{pk}"
                for old in olds:
                    with pytest.raises(InvalidToken):
                        old.decrypt(stored.encode())
                checked += 1
    assert checked >= 8, f"too little encrypted data to mean anything ({checked} values)"


def _prepare(tmp_path, database_url):
    data_dir = tmp_path / "data"
    env = app_env(data_dir, database_url)
    run_cli(["demo"], env)
    run_cli(["manage", "shell", "-c", WRITE_MARKER], env)
    before = _dump(env)
    assert MARKER_BODY in _read_values(before) and MARKER_TITLE in _read_values(before)
    return data_dir, env, before


def test_rotate_then_retire_leaves_everything_readable_under_the_new_key_alone(tmp_path):
    with fresh_database("reattune_cli_rotate") as database_url:
        data_dir, env, before = _prepare(tmp_path, database_url)
        (old_key,) = _keys(data_dir)

        result = run_cli(["rotate-keys"], env)
        assert "--retire-old" in result.stdout, result.stdout
        result = run_cli(["rotate-keys", "--retire-old", "--grace", "0"], env)
        assert "Retired 1 old key(s)" in result.stdout, result.stdout

        (new_key,) = _keys(data_dir)  # exactly one key left
        assert new_key != old_key
        assert (data_dir / "encryption.keys").stat().st_mode & 0o777 == 0o600

        # The app, which now has only the new key, reads every row as before...
        after = _dump(env)
        assert {label: t["read"] for label, t in after.items()} == {
            label: t["read"] for label, t in before.items()
        }
        # ...and each stored value opens with the new key alone, never with the old one.
        _assert_only_key_opens_everything(after, new_key, [old_key])


def test_rotate_without_retiring_keeps_the_old_key_second(tmp_path):
    with fresh_database("reattune_cli_rotate") as database_url:
        data_dir, env, before = _prepare(tmp_path, database_url)
        (old_key,) = _keys(data_dir)

        result = run_cli(["rotate-keys"], env)
        assert "--retire-old" in result.stdout, result.stdout

        keys = _keys(data_dir)
        assert len(keys) == 2 and keys[1] == old_key and keys[0] != old_key, keys
        after = _dump(env)
        assert _read_values(after) == _read_values(before)
        # Already re-encrypted: the old key is kept for reading but no longer needed.
        _assert_only_key_opens_everything(after, keys[0], [old_key])
