"""Vault format 1 in Python (reattune/vault/format.py) against its known answers
(reattune/vault/vectors.json), and the same answers from the browser's own primitives: the
vendored hash-wasm (Argon2id) and WebCrypto (AES-GCM, HKDF, PBKDF2) under node."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from reattune.vault import format as vault_format

ROOT = Path(__file__).resolve().parent.parent
VECTORS_FILE = ROOT / "reattune" / "vault" / "vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
HASH_WASM = ROOT / "reattune/static/reattune/vendor/hash-wasm-4.13.0-argon2.umd.min.js"
b = vault_format.b64u_decode


@pytest.mark.parametrize("ring", VECTORS["keyrings"], ids=lambda r: r["name"])
def test_the_keyring_vectors_come_out_byte_for_byte(ring):
    kek = vault_format.passphrase_kek(ring["passphrase"], ring["kdf"])
    assert vault_format.b64u_encode(kek) == ring["passphrase_kek"]
    assert vault_format.passphrase_bytes(ring["passphrase"]) == b(ring["passphrase_nfc_utf8_b64u"])
    recovery = b(ring["recovery_bytes"])
    assert vault_format.recovery_text(recovery) == ring["recovery_key"]
    assert (
        vault_format.b64u_encode(vault_format.recovery_kek(recovery, ring["vault_id"]))
        == ring["recovery_kek"]
    )
    keyring, key, shown = vault_format.create_keyring(
        ring["passphrase"],
        vault_id=ring["vault_id"],
        vault_key=b(ring["vault_key"]),
        recovery=recovery,
        kdf=ring["kdf"],
        nonces=(b(ring["nonce_passphrase"]), b(ring["nonce_recovery"])),
    )
    assert keyring["wrapped_key_passphrase"] == ring["wrapped_key_passphrase"]
    assert keyring["wrapped_key_recovery"] == ring["wrapped_key_recovery"]
    assert shown == ring["recovery_key"]
    # And back: the passphrase, or the recovery key typed any which way, opens it.
    assert vault_format.open_keyring(keyring, passphrase=ring["passphrase"]) == key
    typed = ring["recovery_key"].lower().replace("-", " ")
    assert vault_format.open_keyring(keyring, recovery=typed) == key


def test_the_passphrase_is_normalised_to_nfc():
    ring = VECTORS["keyrings"][1]
    composed = "Caf\u00e9 au lait, s'il vous pla\u00eet"
    assert composed != ring["passphrase"]  # the vector is typed decomposed
    keyring = {**_keyring(ring)}
    assert vault_format.open_keyring(keyring, passphrase=composed) == b(ring["vault_key"])


@pytest.mark.parametrize("item", VECTORS["items"], ids=lambda i: f"{i['kind']}-{i['item_format']}")
def test_the_item_vectors_come_out_byte_for_byte(item):
    key = b(item["vault_key"])
    item_format = item["item_format"]
    aad = vault_format.item_aad(item["vault_id"], item["item_id"], item["kind"], item_format)
    assert aad == item["aad"]
    payload = json.loads(item["plaintext"])
    sealed = vault_format.encrypt_item(
        key, item["vault_id"], item["item_id"], item["kind"], payload, b(item["nonce"]), item_format
    )
    assert sealed == item["ciphertext"]
    opened = vault_format.decrypt_item(
        key, item["vault_id"], item["item_id"], item["kind"], item["ciphertext"]
    )
    assert opened == payload


def _keyring(ring):
    return {
        "vault_id": ring["vault_id"],
        "format": 1,
        "kdf": ring["kdf"],
        "wrapped_key_passphrase": ring["wrapped_key_passphrase"],
        "wrapped_key_recovery": ring["wrapped_key_recovery"],
        "key_version": 1,
    }


def test_a_wrong_passphrase_or_recovery_key_fails_on_the_tag():
    ring = VECTORS["keyrings"][0]
    with pytest.raises(vault_format.WrongKey):
        vault_format.open_keyring(_keyring(ring), passphrase=ring["passphrase"] + " ")
    other = vault_format.recovery_text(bytes(20))
    with pytest.raises(vault_format.WrongKey):
        vault_format.open_keyring(_keyring(ring), recovery=other)
    with pytest.raises(vault_format.FormatError):
        vault_format.open_keyring(_keyring(ring), recovery="not a recovery key")


def test_an_item_opens_only_under_its_own_id_kind_and_vault():
    item = VECTORS["items"][0]
    key = b(item["vault_key"])
    args = (item["vault_id"], item["item_id"], item["kind"])
    swapped = [
        ("1b8f4c1e-2a3d-4e5f-8a6b-7c8d9e0f1a2b", args[1], args[2]),
        (args[0], VECTORS["items"][1]["item_id"], args[2]),
        (args[0], args[1], "safety"),
    ]
    for other in swapped:
        with pytest.raises(vault_format.WrongKey):
            vault_format.decrypt_item(key, *other, item["ciphertext"])
    tampered = bytearray(b(item["ciphertext"]))
    tampered[20] ^= 1
    with pytest.raises(vault_format.WrongKey):
        vault_format.decrypt_item(key, *args, vault_format.b64u_encode(bytes(tampered)))
    with pytest.raises(vault_format.WrongKey):
        vault_format.decrypt_item(bytes(32), *args, item["ciphertext"])


def test_a_fresh_keyring_round_trips_and_a_rewrap_keeps_the_key():
    keyring, key, recovery = vault_format.create_keyring("a long passphrase for the test")
    assert len(key) == 32 and keyring["key_version"] == 1
    assert vault_format.is_uuid4(keyring["vault_id"])
    assert len(keyring["wrapped_key_passphrase"]) == vault_format.WRAPPED_KEY_CHARS
    assert len(recovery) == 39 and recovery.count("-") == 7
    item_id = vault_format.new_uuid4()
    payload = {"title": "t", "body": "ünïcödé ✓", "written_at": "2026-12-06T10:00:00+00:00"}
    sealed = vault_format.encrypt_item(key, keyring["vault_id"], item_id, "journal", payload)
    vault_format.check_ciphertext(sealed)
    changed, _ = vault_format.rewrap(keyring, key, "another long passphrase")
    assert changed["key_version"] == 2
    assert changed["kdf"]["salt"] != keyring["kdf"]["salt"]
    assert changed["wrapped_key_recovery"] == keyring["wrapped_key_recovery"]
    again = vault_format.open_keyring(changed, passphrase="another long passphrase")
    assert vault_format.decrypt_item(again, keyring["vault_id"], item_id, "journal", sealed) == (
        payload
    )
    with pytest.raises(vault_format.WrongKey):
        vault_format.open_keyring(changed, passphrase="a long passphrase for the test")
    assert vault_format.open_keyring(changed, recovery=recovery) == key
    # Two encryptions of the same item never share a nonce (random, 12 bytes).
    other = vault_format.encrypt_item(key, keyring["vault_id"], item_id, "journal", payload)
    assert other.startswith("2.") and sealed.startswith("2.")  # item format 2 is written
    assert b(other[2:])[:12] != b(sealed[2:])[:12]


@pytest.mark.parametrize(
    "text",
    ["QUJD=", "QU+D", "QU/D", "QUJD\n", "Q", "QR", "", "ä"],
)
def test_base64url_is_strict(text):
    with pytest.raises(vault_format.FormatError):
        vault_format.b64u_decode(text)


def test_base64url_round_trips_every_length():
    for n in range(1, 70):
        data = bytes(range(n))
        assert vault_format.b64u_decode(vault_format.b64u_encode(data)) == data


@pytest.mark.parametrize(
    "change",
    [
        {"memory_kib": 65_535},
        {"iterations": 2},
        {"parallelism": 0},
        {"name": "argon2i"},
        {"salt": "AAEC"},
        {"extra": 1},
        {"iterations": True},
    ],
)
def test_the_kdf_check_refuses_weak_or_unknown_settings(change):
    with pytest.raises(vault_format.FormatError):
        vault_format.check_kdf({**VECTORS["keyrings"][0]["kdf"], **change})


def test_the_kdf_check_accepts_the_minimums():
    vault_format.check_kdf(VECTORS["keyrings"][0]["kdf"])
    vault_format.check_kdf(VECTORS["keyrings"][2]["kdf"])
    with pytest.raises(vault_format.FormatError):
        vault_format.check_kdf({**VECTORS["keyrings"][2]["kdf"], "iterations": 599_999})


NODE_CHECK = r"""
const fs = require('fs'); const vm = require('vm');
const ctx = { WebAssembly, TextEncoder, TextDecoder, Uint8Array, Math, Date, Promise };
ctx.self = ctx; ctx.globalThis = ctx; ctx.window = ctx;
vm.createContext(ctx); vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), ctx);
const hw = ctx.hashwasm, subtle = globalThis.crypto.subtle;
const vec = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const b = (s) => Buffer.from(s, 'base64url'), u = (x) => Buffer.from(x).toString('base64url');
const enc = (s) => Buffer.from(s, 'utf8');
(async () => {
  const out = [];
  for (const k of vec.keyrings) {
    const pw = enc(k.passphrase.normalize('NFC'));
    let kek;
    if (k.kdf.name === 'argon2id') {
      kek = await hw.argon2id({password: pw, salt: b(k.kdf.salt), parallelism: k.kdf.parallelism,
        iterations: k.kdf.iterations, memorySize: k.kdf.memory_kib, hashLength: 32,
        outputType: 'binary'});
    } else {
      const base = await subtle.importKey('raw', pw, 'PBKDF2', false, ['deriveBits']);
      kek = new Uint8Array(await subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256',
        salt: b(k.kdf.salt), iterations: k.kdf.iterations}, base, 256));
    }
    const ikm = await subtle.importKey('raw', b(k.recovery_bytes), 'HKDF', false, ['deriveBits']);
    const rk = new Uint8Array(await subtle.deriveBits({name: 'HKDF', hash: 'SHA-256',
      salt: enc(k.vault_id), info: enc('reattune-vault/1/recovery')}, ikm, 256));
    const wrapped = {};
    for (const [purpose, key, nonce] of [['passphrase', kek, k.nonce_passphrase],
                                        ['recovery', rk, k.nonce_recovery]]) {
      const ck = await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
      const ct = await subtle.encrypt({name: 'AES-GCM', iv: b(nonce),
        additionalData: enc(`reattune-vault/1/wrap/${purpose}/${k.vault_id}`)}, ck, b(k.vault_key));
      wrapped[purpose] = u(Buffer.concat([b(nonce), Buffer.from(ct)]));
    }
    out.push({kek: u(kek), recovery_kek: u(rk), passphrase: wrapped.passphrase,
              recovery: wrapped.recovery});
  }
  const items = [];
  for (const it of vec.items) {
    const ck = await subtle.importKey('raw', b(it.vault_key), 'AES-GCM', false, ['encrypt']);
    const f = it.item_format;
    const aad = `reattune-vault/${f}/item/${it.vault_id}/${it.item_id}/${it.kind}`;
    const ct = await subtle.encrypt({name: 'AES-GCM', iv: b(it.nonce), additionalData: enc(aad)},
      ck, enc(JSON.stringify(JSON.parse(it.plaintext))));
    items.push((f === 1 ? '' : `${f}.`) + u(Buffer.concat([b(it.nonce), Buffer.from(ct)])));
  }
  console.log(JSON.stringify({keyrings: out, items}));
})().catch((e) => { console.error(e); process.exit(1); });
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browsers_primitives_give_the_same_answers(tmp_path):
    script = tmp_path / "check.js"
    script.write_text(NODE_CHECK, encoding="utf-8")
    result = subprocess.run(
        ["node", str(script), str(HASH_WASM), str(VECTORS_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    got = json.loads(result.stdout)
    for ring, js in zip(VECTORS["keyrings"], got["keyrings"], strict=True):
        assert js["kek"] == ring["passphrase_kek"], ring["name"]
        assert js["recovery_kek"] == ring["recovery_kek"], ring["name"]
        assert js["passphrase"] == ring["wrapped_key_passphrase"], ring["name"]
        assert js["recovery"] == ring["wrapped_key_recovery"], ring["name"]
    # JSON.stringify of the parsed plaintext is the same bytes as Python's compact dump.
    assert got["items"] == [item["ciphertext"] for item in VECTORS["items"]]
