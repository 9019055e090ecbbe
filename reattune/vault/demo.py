"""Demo vault: Alex's vault, with a new passphrase on every run (like the demo passwords), and
one journal entry in it, encrypted here exactly as the browser would (vault/format.py).

Returns the passphrase and the entry's text for `reattune demo --json` (vault_passphrase,
vault_marker), so the vault can be opened and checked from outside.
"""

import secrets
import uuid

from django.utils import timezone

from reattune.vault import actions
from reattune.vault import format as vault_format
from reattune.vault.models import VaultKeyring


def step(alex, sam, args):
    keyring = VaultKeyring.objects.filter(owner=alex).first()
    if keyring is not None:
        actions.do_delete_vault(keyring)
    passphrase = "demo vault " + secrets.token_urlsafe(12)
    material, vault_key, _recovery = vault_format.create_keyring(passphrase)
    material.pop("key_version")
    actions.do_create_keyring(alex, **material)
    marker = f"Something I keep only for myself, in the vault ({secrets.token_hex(6)})."
    item_id = str(uuid.uuid4())
    ciphertext = vault_format.encrypt_item(
        vault_key,
        material["vault_id"],
        item_id,
        "journal",
        {
            "title": "Only mine",
            "body": marker,
            "written_at": timezone.localtime(timezone.now()).isoformat(),
        },
    )
    actions.do_create_item(alex, item_id=item_id, kind="journal", ciphertext=ciphertext)
    return {"vault_passphrase": passphrase, "vault_marker": marker}
