"""The vault's format in Python: the same bytes the browser makes (docs/vault.md).

The server never calls the decrypting half of this module on a request: it stores what the
browser sends as it is. It is here for `reattune vault decrypt` (a person's own machine, with
their passphrase or recovery key), for `reattune demo`, and for tests. No Django import.

Every binary value is base64url without padding ("b64u"). A keyring is a dict with the keys of
the API: vault_id, format, kdf, wrapped_key_passphrase, wrapped_key_recovery, key_version.
"""

import base64
import binascii
import hashlib
import json
import os
import re
import unicodedata
import uuid
from typing import TypeGuard

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = 1  # the keyring's format (its wrapping; unchanged by item format 2)
#: The item format written now. An item's ciphertext names its format ("2." in front; none:
#: format 1) and that number is bound in the item's additional data (docs/vault.md, "Items").
ITEM_FORMAT = 2
ITEM_FORMATS = (1, 2)
KINDS = ("journal", "safety")
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
RECOVERY_BYTES = 20
SALT_BYTES = 16
# What the server accepts (the browser uses the minimums; a later client may raise them).
ARGON2_MIN_MEMORY_KIB = 65_536
ARGON2_MAX_MEMORY_KIB = 4_194_304  # 4 GiB: more would stop any phone from unlocking
ARGON2_MIN_ITERATIONS = 3
ARGON2_MAX_ITERATIONS = 64
ARGON2_MAX_PARALLELISM = 16
PBKDF2_MIN_ITERATIONS = 600_000
PBKDF2_MAX_ITERATIONS = 100_000_000
SALT_MIN_BYTES, SALT_MAX_BYTES = 16, 64
MAX_CIPHERTEXT_CHARS = 150_000
# b64u of nonce(12) || AES-GCM(32-byte key) = 12 + 32 + 16 = 60 bytes = 80 characters.
WRAPPED_KEY_CHARS = 80
# The smallest item: nonce, tag and at least "{}" of JSON.
MIN_CIPHERTEXT_BYTES = NONCE_BYTES + TAG_BYTES + 2
MIN_CIPHERTEXT_CHARS = -(-MIN_CIPHERTEXT_BYTES * 4 // 3)

B64U_PATTERN = r"^[A-Za-z0-9_-]+$"
#: An item's ciphertext: format 1 is base64url alone, format 2 is "2." then base64url.
CIPHERTEXT_PATTERN = r"^(?:2\.)?[A-Za-z0-9_-]+$"
WRAPPED_KEY_PATTERN = r"^[A-Za-z0-9_-]{80}$"
UUID4_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_UUID4 = re.compile(UUID4_PATTERN)
_B64U = re.compile(B64U_PATTERN)

WRAP_AAD = "reattune-vault/1/wrap/{purpose}/{vault_id}"
ITEM_AAD = "reattune-vault/{item_format}/item/{vault_id}/{item_id}/{kind}"
RECOVERY_INFO = b"reattune-vault/1/recovery"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class FormatError(ValueError):
    """A value that is not in the vault's format (bad base64url, wrong length, unknown KDF,
    an item format this code does not know...)."""


class WrongKey(ValueError):
    """The passphrase or recovery key does not open this vault (the GCM tag failed)."""


# --- encoding ------------------------------------------------------------------------------


def b64u_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: object) -> bytes:
    """Strict: only A-Z a-z 0-9 - _, no padding, and the canonical form (unused bits zero)."""
    if not isinstance(text, str) or not _B64U.fullmatch(text) or len(text) % 4 == 1:
        raise FormatError("not base64url without padding")
    try:
        data = base64.b64decode(
            text.translate(str.maketrans("-_", "+/")) + "=" * (-len(text) % 4), validate=True
        )
    except (binascii.Error, ValueError) as error:
        raise FormatError("not base64url without padding") from error
    if b64u_encode(data) != text:
        raise FormatError("not the canonical base64url form")
    return data


def is_uuid4(text: object) -> TypeGuard[str]:
    return isinstance(text, str) and bool(_UUID4.fullmatch(text))


def new_uuid4() -> str:
    return str(uuid.uuid4())


# --- key derivation ------------------------------------------------------------------------


def check_kdf(kdf) -> None:
    """Raise FormatError unless `kdf` is a KDF description the server accepts."""
    if not isinstance(kdf, dict):
        raise FormatError("kdf must be an object")

    def whole(name, low, high):
        value = kdf.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise FormatError(f"kdf.{name} must be a whole number from {low} to {high}")

    name = kdf.get("name")
    if name == "argon2id":
        allowed = {"name", "memory_kib", "iterations", "parallelism", "salt"}
        whole("memory_kib", ARGON2_MIN_MEMORY_KIB, ARGON2_MAX_MEMORY_KIB)
        whole("iterations", ARGON2_MIN_ITERATIONS, ARGON2_MAX_ITERATIONS)
        whole("parallelism", 1, ARGON2_MAX_PARALLELISM)
    elif name == "pbkdf2-sha256":
        allowed = {"name", "iterations", "salt"}
        whole("iterations", PBKDF2_MIN_ITERATIONS, PBKDF2_MAX_ITERATIONS)
    else:
        raise FormatError("kdf.name must be argon2id or pbkdf2-sha256")
    if set(kdf) - allowed:
        raise FormatError(f"kdf has unknown fields: {', '.join(sorted(set(kdf) - allowed))}")
    try:
        salt = b64u_decode(kdf.get("salt"))
    except FormatError as error:
        raise FormatError("kdf.salt must be base64url without padding") from error
    if not SALT_MIN_BYTES <= len(salt) <= SALT_MAX_BYTES:
        raise FormatError(f"kdf.salt must be {SALT_MIN_BYTES} to {SALT_MAX_BYTES} bytes")


def new_kdf(memory_kib: int = ARGON2_MIN_MEMORY_KIB, iterations: int = 3, salt=None) -> dict:
    return {
        "name": "argon2id",
        "memory_kib": memory_kib,
        "iterations": iterations,
        "parallelism": 1,
        "salt": b64u_encode(salt if salt is not None else os.urandom(SALT_BYTES)),
    }


def passphrase_bytes(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def passphrase_kek(passphrase: str, kdf: dict) -> bytes:
    """The key that wraps the vault key, from the passphrase (NFC, UTF-8) and `kdf`."""
    check_kdf(kdf)
    salt = b64u_decode(kdf["salt"])
    if kdf["name"] == "argon2id":
        return hash_secret_raw(
            secret=passphrase_bytes(passphrase),
            salt=salt,
            time_cost=kdf["iterations"],
            memory_cost=kdf["memory_kib"],
            parallelism=kdf["parallelism"],
            hash_len=KEY_BYTES,
            type=Type.ID,
            version=19,
        )
    return hashlib.pbkdf2_hmac(
        "sha256", passphrase_bytes(passphrase), salt, kdf["iterations"], KEY_BYTES
    )


# --- the recovery key ----------------------------------------------------------------------


def recovery_text(raw: bytes) -> str:
    """20 bytes as 32 base32 letters in 8 groups of 4: ABCD-EFGH-..."""
    if len(raw) != RECOVERY_BYTES:
        raise FormatError("a recovery key is 20 bytes")
    letters = base64.b32encode(raw).decode("ascii")
    return "-".join(letters[i : i + 4] for i in range(0, 32, 4))


def parse_recovery(text: str) -> bytes:
    """The 20 bytes of a recovery key typed in any case, with or without spaces and dashes."""
    letters = re.sub(r"[\s-]+", "", text or "").upper()
    if len(letters) != 32 or any(c not in _BASE32 for c in letters):
        raise FormatError("a recovery key is 32 letters and digits (A-Z, 2-7)")
    return base64.b32decode(letters)


def recovery_kek(raw: bytes, vault_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=vault_id.encode("utf-8"),
        info=RECOVERY_INFO,
    ).derive(raw)


# --- AES-GCM -------------------------------------------------------------------------------


def seal(key: bytes, plaintext: bytes, aad: str, nonce: bytes | None = None) -> str:
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    if len(nonce) != NONCE_BYTES:
        raise FormatError("a nonce is 12 bytes")
    return b64u_encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode("utf-8")))


def open_sealed(key: bytes, sealed: str, aad: str) -> bytes:
    data = b64u_decode(sealed)
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise FormatError("too short to be sealed")
    try:
        return AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], aad.encode("utf-8"))
    except InvalidTag as error:
        raise WrongKey("the key does not open this") from error


def wrap_key(kek: bytes, vault_key: bytes, vault_id: str, purpose: str, nonce=None) -> str:
    if purpose not in ("passphrase", "recovery"):
        raise FormatError("purpose is passphrase or recovery")
    return seal(kek, vault_key, WRAP_AAD.format(purpose=purpose, vault_id=vault_id), nonce)


def unwrap_key(kek: bytes, wrapped: str, vault_id: str, purpose: str) -> bytes:
    key = open_sealed(kek, wrapped, WRAP_AAD.format(purpose=purpose, vault_id=vault_id))
    if len(key) != KEY_BYTES:
        raise FormatError("a vault key is 32 bytes")
    return key


# --- keyrings ------------------------------------------------------------------------------


def create_keyring(
    passphrase: str,
    *,
    vault_id: str | None = None,
    vault_key: bytes | None = None,
    recovery: bytes | None = None,
    kdf: dict | None = None,
    nonces: tuple[bytes, bytes] | None = None,
) -> tuple[dict, bytes, str]:
    """A new keyring: (keyring, vault key, recovery key as shown once).

    Everything random comes from os.urandom unless given (known test vectors give it)."""
    vault_id = vault_id or new_uuid4()
    if not is_uuid4(vault_id):
        raise FormatError("vault_id must be a lower-case UUID4")
    vault_key = vault_key if vault_key is not None else os.urandom(KEY_BYTES)
    recovery = recovery if recovery is not None else os.urandom(RECOVERY_BYTES)
    kdf = kdf or new_kdf()
    first, second = nonces or (None, None)
    keyring = {
        "vault_id": vault_id,
        "format": FORMAT,
        "kdf": kdf,
        "wrapped_key_passphrase": wrap_key(
            passphrase_kek(passphrase, kdf), vault_key, vault_id, "passphrase", first
        ),
        "wrapped_key_recovery": wrap_key(
            recovery_kek(recovery, vault_id), vault_key, vault_id, "recovery", second
        ),
        "key_version": 1,
    }
    return keyring, vault_key, recovery_text(recovery)


def open_keyring(keyring: dict, passphrase: str | None = None, recovery: str | None = None):
    """The vault key, from the passphrase or the recovery key. Raises WrongKey or FormatError."""
    if keyring.get("format") != FORMAT:
        raise FormatError(f"this vault is in format {keyring.get('format')!r}, not {FORMAT}")
    vault_id = keyring.get("vault_id")
    if not is_uuid4(vault_id):
        raise FormatError("vault_id must be a lower-case UUID4")
    if recovery is not None:
        kek = recovery_kek(parse_recovery(recovery), vault_id)
        return unwrap_key(kek, keyring["wrapped_key_recovery"], vault_id, "recovery")
    if passphrase is None:
        raise FormatError("give the passphrase or the recovery key")
    kek = passphrase_kek(passphrase, keyring["kdf"])
    return unwrap_key(kek, keyring["wrapped_key_passphrase"], vault_id, "passphrase")


def rewrap(
    keyring: dict, vault_key: bytes, passphrase: str, recovery: bytes | None = None
) -> tuple[dict, str | None]:
    """A passphrase change (and, with `recovery`, a new recovery key): the same vault key,
    wrapped again with a fresh salt; items are not touched. key_version goes up by one."""
    vault_id = keyring["vault_id"]
    kdf = new_kdf(keyring["kdf"].get("memory_kib", ARGON2_MIN_MEMORY_KIB))
    changed = {
        **keyring,
        "kdf": kdf,
        "wrapped_key_passphrase": wrap_key(
            passphrase_kek(passphrase, kdf), vault_key, vault_id, "passphrase"
        ),
        "key_version": keyring["key_version"] + 1,
    }
    if recovery is not None:
        changed["wrapped_key_recovery"] = wrap_key(
            recovery_kek(recovery, vault_id), vault_key, vault_id, "recovery"
        )
    return changed, (recovery_text(recovery) if recovery is not None else None)


# --- items ---------------------------------------------------------------------------------


def item_aad(vault_id: str, item_id: str, kind: str, item_format: int = 1) -> str:
    """The additional data of an item: its format, vault, id and kind."""
    if kind not in KINDS:
        raise FormatError(f"kind must be one of {', '.join(KINDS)}")
    if item_format not in ITEM_FORMATS:
        raise FormatError(f"item format {item_format!r} is not known here")
    return ITEM_AAD.format(item_format=item_format, vault_id=vault_id, item_id=item_id, kind=kind)


def split_ciphertext(ciphertext) -> tuple[int, str]:
    """(item format, base64url of nonce || AES-GCM output) of an item's ciphertext: "2." in
    front is format 2, no dot at all is format 1; anything else is refused (never guessed)."""
    if not isinstance(ciphertext, str):
        raise FormatError("ciphertext must be text")
    marker, dot, body = ciphertext.partition(".")
    if not dot:
        return 1, ciphertext
    if marker != "2":
        raise FormatError("this item names an item format this code does not know")
    return 2, body


def encrypt_item(
    vault_key: bytes,
    vault_id: str,
    item_id: str,
    kind: str,
    payload: dict,
    nonce=None,
    item_format: int = ITEM_FORMAT,
) -> str:
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = seal(vault_key, plaintext, item_aad(vault_id, item_id, kind, item_format), nonce)
    if item_format != 1:
        sealed = f"{item_format}.{sealed}"
    if len(sealed) > MAX_CIPHERTEXT_CHARS:
        raise FormatError("this item is too long for the vault")
    return sealed


def decrypt_item(vault_key: bytes, vault_id: str, item_id: str, kind: str, ciphertext: str):
    """The item's JSON. The format the ciphertext names is the one in the additional data, so a
    marker added, removed or changed fails on the tag (WrongKey), as any other change does."""
    item_format, body = split_ciphertext(ciphertext)
    plaintext = open_sealed(vault_key, body, item_aad(vault_id, item_id, kind, item_format))
    try:
        return json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FormatError("the item opened but holds no JSON") from error


def check_ciphertext(ciphertext) -> None:
    """Raise FormatError unless this can be an item's ciphertext (the server's only check)."""
    if not isinstance(ciphertext, str) or len(ciphertext) > MAX_CIPHERTEXT_CHARS:
        raise FormatError(f"ciphertext must be at most {MAX_CIPHERTEXT_CHARS:,} characters")
    _, body = split_ciphertext(ciphertext)
    if len(b64u_decode(body)) < MIN_CIPHERTEXT_BYTES:
        raise FormatError("ciphertext is too short to hold an item")


def check_wrapped_key(wrapped) -> None:
    if not isinstance(wrapped, str) or len(wrapped) != WRAPPED_KEY_CHARS:
        raise FormatError(f"a wrapped key is {WRAPPED_KEY_CHARS} characters")
    b64u_decode(wrapped)
