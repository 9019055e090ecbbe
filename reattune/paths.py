"""Where reattune keeps its files, and the first-run creation of its secrets.

Kept free of Django so the CLI can prepare the data directory before settings load.
"""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

SECRET_KEY_FILE = "secret.key"  # noqa: S105  # nosec B105 - a file name, not a secret
ENCRYPTION_KEYS_FILE = "encryption.keys"


def data_dir() -> Path:
    configured = os.environ.get("REATTUNE_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("reattune", appauthor=False))


def _write_private(path: Path, text: str) -> None:
    # O_EXCL: two processes starting at once must not overwrite each other's fresh key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def ensure_data_dir(directory: Path | None = None) -> Path:
    """Create the data directory and, on first run, the secret and encryption key files (0600)."""
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, make in (
        (SECRET_KEY_FILE, lambda: secrets.token_urlsafe(50) + "\n"),
        (ENCRYPTION_KEYS_FILE, lambda: Fernet.generate_key().decode() + "\n"),
    ):
        path = directory / name
        if not path.exists():
            try:
                _write_private(path, make())
            except FileExistsError:
                pass
    return directory
