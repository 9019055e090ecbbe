"""A vault owner's entry never becomes private where the host could read it, on any path.

Once a person has a vault, "private" means "in the vault": only they can read it. A shared
entry made private is moved into the vault (the browser encrypts it, the server deletes its
readable copy in the same step: POST /api/v1/vault/items with replaces_entry); the plain switch
is refused (journal.actions.MoveIntoVault, 409, nothing changed) and the page offers the move.
An entry private from before the vault, or moved out of it, or imported, stays readable by the
host until it moves in, and the person's journal says so.

The paths are found from the code, not a hand-kept list, so a new one fails here until it is
looked at:

* pages: every page alex (who has a vault) can reach, crawled as the free-text registry
  does, and every form on them posted once with each private choice taken (a radio or a
  checkbox offering "private"); after each post, no entry of alex's is private and readable
  that was not before, and a form that offered private says where private words go;
* API: every operation of the OpenAPI schema whose body chooses who sees something;
* code (CLI, import, demo): every place in reattune/ that writes a journal entry's
  visibility is one of the two actions that hold the rule, or the import (explained).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from reattune.exports.actions import do_import
from reattune.exports.archive import export_bytes
from reattune.journal.actions import MoveIntoVault, do_create_entry, do_update_entry
from reattune.journal.models import Entry
from reattune.vault.actions import do_create_keyring
from tests.access import matrix
from tests.base import BaseTestCase, make_world
from tests.test_free_text_safety_registry import _resolve, _schema, crawl, parse, route_name
from tests.test_vault_api import sealed, vector_keyring

ROOT = Path(__file__).resolve().parents[1] / "reattune"

# Form fields (by name) that offer a private choice, and what this test does with them.
PAGE_PRIVATE_FIELDS = {
    "visibility": "a journal entry: private, or shared with the partner",
}
# Private choices that are not journal entries, each with its reason: the vault holds journal
# entries and safety checks, and these are neither.
PAGE_PRIVATE_NOT_ENTRIES = {
    "private": "a check-in answer kept from the partner (rituals): not a vault kind; its "
    "page says the partner never sees it and whoever runs the server could read it "
    "(tests/test_rituals_pages.py)",
}
API_PRIVATE_FIELDS = {"visibility"}
API_PRIVATE_NOT_ENTRIES = {
    "private_fields": PAGE_PRIVATE_NOT_ENTRIES["private"],
}
# What the schema must hold: a new operation choosing visibility is looked at here first.
API_OPERATIONS = {("POST", "/api/v1/journal"), ("PUT", "/api/v1/journal/{entry_id}")}

# Every module that reaches the journal's Entry model directly, and what it does with it.
ENTRY_MODULES = {
    "journal/actions.py": "do_create_entry and do_update_entry: the rule itself",
    "journal/portability.py": "the import: rows as they were in the person's own export "
    "(readable there too); the journal page tells a vault owner which are outside the vault",
    "journal/api.py": "reads; writes only through the actions",
    "journal/views.py": "reads; writes only through the actions",
    "journal/forms.py": "the length limit only",
    "journal/demo.py": "writes through do_create_entry (the demo couple, before the vault)",
    "vault/actions.py": "deletes an entry moved into the vault, in the same step",
    "care/views.py": "a therapist reads the shared journal",
}


def readable_private(user) -> set[int]:
    return set(Entry.objects.filter(author=user, visibility="private").values_list("pk", flat=True))


def tells(response) -> bool:
    """The person is told where private words go: a 409 that names the vault, the vault's own
    page, or (an entry private from before the vault, kept as it was) the page that says it is
    outside the vault, with the way in."""
    page = response.content.decode(errors="replace")
    final = response.redirect_chain[-1][0] if response.redirect_chain else ""
    if urlsplit(final).path == "/vault/journal/":
        return True
    if 'href="/vault/journal/' not in page:
        return False
    return response.status_code == 409 or "This entry is outside your vault" in page


@pytest.fixture
def world(db):
    """The test world, alex with a vault; alex's signed-in client is world["alex_client"]."""
    world = make_world()
    do_create_keyring(world["alex"], **vector_keyring())
    world["alex_client"] = matrix.Personas(world, personas=("alex",))
    return world


def private_choices(form) -> list[tuple[str, str]]:
    """(name, value) of every choice in a form that offers to keep something private."""
    out = []
    for kind, name, value, _attrs in form.fields:
        if kind == "radio" and value == "private":
            out.append((name, value))
        elif kind == "checkbox" and name and "private" in name:
            out.append((name, value))
    return out


def test_every_page_form_keeps_a_vault_owners_private_entries_out_of_the_hosts_reach(world):
    alex, _ = world["alex_client"].client("alex")
    pages = crawl(alex)
    # The pages that matter are among those crawled (the crawl really reaches them).
    shared_pk = world["alex_shared"].pk
    for path in (
        "/journal/new/",
        f"/journal/{shared_pk}/edit/",
        f"/journal/{world['alex_private'].pk}/edit/",
    ):
        name = route_name(path)
        pages.setdefault(f"{name} {path}", (path, alex.get(path).content.decode()))
    before = readable_private(world["alex"])
    found_fields = set()
    checked = []
    failures = []
    for name, (url, html) in sorted(pages.items()):
        for form in parse(url, html).forms:
            if form.method != "post":
                continue
            choices = private_choices(form)
            found_fields.update(field for field, _value in choices)
            for target in [form.action, *form.targets]:
                data = form.data(None, "")
                for kind, field, value, _attrs in form.fields:
                    # A browser drops the newline that opens a textarea; HTMLParser keeps it.
                    if kind == "textarea" and data.get(field) == value and value[:1] == "\n":
                        data[field] = value[1:]
                offered = False
                for field, value in choices:
                    if field in PAGE_PRIVATE_FIELDS:
                        data[field] = value
                        offered = True
                    elif field in PAGE_PRIVATE_NOT_ENTRIES:
                        data.setdefault(field, value)
                with transaction.atomic():
                    # A form before may have logged out or changed the session (its rows are
                    # rolled back, the client's cookie is not): each post starts from the
                    # signed-in cookies again.
                    alex, _ = world["alex_client"].client("alex")
                    response = alex.post(target, data, follow=True)
                    label = f"{name} ({url}) -> {urlsplit(target).path}"
                    checked.append(label)
                    now = readable_private(world["alex"])
                    if now - before:
                        failures.append(f"{label}: made entries {sorted(now - before)} private")
                    if Entry.objects.filter(pk=shared_pk, visibility="private").exists():
                        failures.append(f"{label}: the shared entry became private")
                    if offered and not tells(response):
                        failures.append(f"{label}: {response.status_code}, not told where")
                    transaction.set_rollback(True)
    assert found_fields <= set(PAGE_PRIVATE_FIELDS) | set(PAGE_PRIVATE_NOT_ENTRIES), found_fields
    assert any(f"/journal/{shared_pk}/edit/" in label for label in checked), checked
    assert any("/journal/new/" in label for label in checked)
    assert not failures, "\n".join(failures)


def _private_fields(schema, node, out, path=()):
    node = _resolve(schema, node)
    for option in node.get("anyOf", [node]):
        option = _resolve(schema, option)
        for prop, sub in option.get("properties", {}).items():
            if prop == "visibility" or "private" in prop:
                out.add(prop)
            _private_fields(schema, sub, out, (*path, prop))
        if option.get("type") == "array":
            _private_fields(schema, option.get("items", {}), out, path)


def api_private_operations() -> dict[tuple[str, str], set[str]]:
    schema = _schema()
    out = {}
    for route, ops in schema["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            fields: set[str] = set()
            _private_fields(schema, body["schema"], fields)
            if fields:
                out[(method.upper(), route)] = fields
    return out


class ApiPathsTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        do_create_keyring(self.alex, **vector_keyring())

    def test_every_operation_choosing_who_sees_an_entry_is_known(self):
        found = api_private_operations()
        journal = {op for op, fields in found.items() if fields & API_PRIVATE_FIELDS}
        self.assertEqual(journal, API_OPERATIONS)
        others = set().union(*(f - API_PRIVATE_FIELDS for f in found.values()))
        self.assertLessEqual(others, set(API_PRIVATE_NOT_ENTRIES))

    def test_no_operation_makes_a_vault_owners_entry_private_and_readable(self):
        before = readable_private(self.alex)
        shared = self.alex_shared
        calls = {
            ("POST", "/api/v1/journal"): ("/api/v1/journal", {"body": "new words"}),
            ("PUT", "/api/v1/journal/{entry_id}"): (
                f"/api/v1/journal/{shared.pk}",
                # The sharpest case: the same words, only the choice changes.
                {"body": shared.body, "title": shared.title, "version": shared.version},
            ),
        }
        self.assertEqual(set(calls), API_OPERATIONS)
        for (method, _route), (path, body) in sorted(calls.items()):
            response = self.api("alex", method.lower(), path, {**body, "visibility": "private"})
            self.assertEqual(response.status_code, 409, (path, response.content))
            self.assertIn("/api/v1/vault/items", response.json()["detail"])
        self.assertEqual(readable_private(self.alex), before)
        self.assertEqual(Entry.objects.get(pk=shared.pk).visibility, "shared")
        self.assertIn(
            "replaces_entry",
            self.api(
                "alex",
                "put",
                f"/api/v1/journal/{shared.pk}",
                {"body": shared.body, "visibility": "private"},
            ).json()["detail"],
        )

    def test_the_move_in_is_the_one_step_that_makes_a_shared_entry_private(self):
        import uuid

        shared = self.alex_shared
        item_id = str(uuid.uuid4())
        body = {
            "item_id": item_id,
            "kind": "journal",
            "ciphertext": sealed(item_id),
            "replaces_entry": shared.pk,
        }
        moved = self.api("alex", "post", "/api/v1/vault/items", body)
        self.assertEqual(moved.status_code, 201, moved.content)
        self.assertFalse(Entry.objects.filter(pk=shared.pk).exists())
        # The partner no longer sees it; nothing of it is left where the host can read it.
        self.assertEqual(self.api("sam", "get", f"/api/v1/journal/{shared.pk}").status_code, 404)
        self.assertFalse([e for e in Entry.objects.all() if e.body == shared.body])

    def test_the_rule_is_in_the_action_for_every_path(self):
        with self.assertRaises(MoveIntoVault):
            do_update_entry(self.alex_shared, self.alex_shared.body, "private")
        # Shared stays shared, and a person without a vault switches as before.
        do_update_entry(self.alex_shared, self.alex_shared.body, "shared")
        sams = do_update_entry(self.sam_shared, self.sam_shared.body, "private")
        self.assertEqual(sams.visibility, "private")
        # Private to shared is not held back: shared words are the partner's to read.
        made_shared = do_update_entry(self.alex_private, self.alex_private.body, "shared")
        self.assertEqual(made_shared.visibility, "shared")


class ToldPlainlyTests(BaseTestCase):
    """What stays readable by the host (entries from before the vault, moved out, imported)
    is said plainly on the person's own journal pages, with the way into the vault."""

    def setUp(self):
        super().setUp()
        do_create_keyring(self.alex, **vector_keyring())

    def test_the_journal_says_which_private_entries_are_outside_the_vault(self):
        page = self.client_for("alex").get("/journal/").content.decode()
        self.assertIn("One of your private entries is outside your vault", page)
        self.assertIn("whoever runs this server could read it", page)
        self.assertIn("Private, outside your vault", page)
        detail = self.client_for("alex").get(f"/journal/{self.alex_private.pk}/").content.decode()
        self.assertIn("This entry is outside your vault", detail)
        self.assertIn(f'href="/vault/journal/?move={self.alex_private.pk}"', detail)
        shared = self.client_for("alex").get(f"/journal/{self.alex_shared.pk}/").content.decode()
        self.assertIn("Make private: move into my vault", shared)
        # Without a vault nothing changes; the partner never sees any of it.
        sams = self.client_for("sam").get("/journal/").content.decode()
        self.assertNotIn("outside your vault", sams)
        partner = self.client_for("sam").get(f"/journal/{self.alex_shared.pk}/").content.decode()
        self.assertNotIn("move into my vault", partner)
        self.assertNotIn("?move=", partner)

    def test_an_import_of_private_entries_into_a_vault_owners_account_is_told(self):
        data = export_bytes(self.alex)
        report = do_import(io.BytesIO(data), email="alex-elsewhere@example.org")
        from reattune.accounts.models import User

        moved = User.objects.get(email="alex-elsewhere@example.org")
        self.assertTrue(report.new_account)
        self.assertTrue(readable_private(moved))
        client = Client()
        client.force_login(moved)
        page = client.get("/journal/").content.decode()
        self.assertIn("outside your vault", page)
        self.assertIn('href="/vault/journal/"', page)

    def test_an_entry_moved_out_of_the_vault_is_told(self):
        import uuid

        item_id = str(uuid.uuid4())
        from reattune.vault.actions import do_create_item

        do_create_item(self.alex, item_id, "journal", sealed(item_id))
        do_create_entry(self.alex, "moved out words", "private", submit_key=uuid.UUID(item_id))
        page = self.client_for("alex").get("/journal/").content.decode()
        self.assertIn("2 of your private entries are outside your vault", page)


JOURNAL_MODELS = re.compile(r"journal\.models import|journal import models")


def test_every_module_that_can_write_journal_entries_is_known():
    """A module that reaches the Entry model directly could write one around the actions'
    rule: each is here with what it does, so a new one is looked at first."""
    modules = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in rel and JOURNAL_MODELS.search(path.read_text()):
            modules.add(rel)
    assert modules == set(ENTRY_MODULES), sorted(modules)
    # The writers among them hold the rule or are the import, as said.
    actions = (ROOT / "journal/actions.py").read_text()
    assert "refuse_readable_switch(entry, visibility)" in actions
    assert "refuse_readable_private(author, visibility, submit_key)" in actions
