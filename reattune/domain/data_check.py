"""One check of every domain data file, for start-up.

:func:`validate_all` loads every file under ``reattune/data`` (or a copy of that folder) with
its own loader, plus a host's instrument and resource folders; the first broken file raises its
loader's :class:`~reattune.domain.datafile.DataFileError`, which names the file, the field and
the problem. ``AssessmentsConfig.ready()`` calls it, so a broken file stops the app before it
serves anyone. Plain Python: no Django.

:func:`validate_all_once` is what start-up calls: it remembers, in a stamp file in the data
folder, the fingerprint of the files it last found good (their bytes, this module's code and
the versions that read them) and skips the work when nothing changed. Every ``reattune``
command starts Django, so without it each one spent about a second compiling lexicons it
would never use; a changed byte in any data file, or another version of the code, checks
everything again.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

from .coach.lexicon import FILES as COACH_FILES
from .coach.lexicon import load_lexicon
from .concepts import load_concepts, load_learn
from .datafile import DATA_DIR, check
from .instruments.loader import SUFFIXES, load_instruments, shipped_catalog
from .plan.library import load_agreements, load_ladder, load_practices, load_rituals
from .safety import crisis
from .safety.policy import load_safety_mode
from .safety.resources import load_resources
from .safety.screen import load_safety_plan, load_screen


def validate_all(
    root: Path | str | None = None,
    *,
    instrument_dirs: Iterable[Path | str] = (),
    resource_dirs: Iterable[Path | str] = (),
    compile_crisis: bool = False,
) -> dict[str, int]:
    """Load and check every data file under ``root`` (default: the shipped ``DATA_DIR``), plus
    a host's instrument and resource folders. The first broken file raises its loader's
    :class:`DataFileError` (file, field, problem). Returns how many files of each kind passed.

    Meant for start-up (an ``AppConfig.ready()``). For the shipped data the loaders' caches are
    filled, so the work is not done twice; for another ``root`` nothing is cached but the
    coach lexicons and resources (their caches are keyed by folder).
    """
    shipped = root is None
    base = DATA_DIR if shipped else Path(root)

    def at(*parts: str) -> Path | None:
        return None if shipped else base.joinpath(*parts)

    def count(folder: Path, pattern: str = "*.yaml") -> int:
        return sum(1 for _ in folder.glob(pattern))

    done: dict[str, int] = {}
    concepts = load_concepts(at("concepts.yaml"))
    done["concepts"] = 1
    load_learn(at("learn"), None if shipped else concepts)
    done["learn"] = count(base / "learn")

    instrument_dirs = [Path(d) for d in instrument_dirs]
    if shipped:
        shipped_catalog()
        if instrument_dirs:
            load_instruments(instrument_dirs, concepts=concepts)
    else:
        load_instruments(
            [base / "instruments", *instrument_dirs], include_shipped=False, concepts=concepts
        )
    done["instruments"] = sum(
        1
        for folder in [base / "instruments", *instrument_dirs]
        for path in folder.iterdir()
        if path.suffix.lower() in SUFFIXES
    )

    load_practices(at("practices.yaml"), None if shipped else concepts)
    load_ladder(at("ladder.yaml"))
    load_agreements(at("agreements.yaml"))
    load_rituals(at("rituals.yaml"))
    done["practices"] = 4

    resource_dirs = [Path(d) for d in resource_dirs]
    load_resources(resource_dirs or None, base_dir=at("resources"))
    done["resources"] = count(base / "resources") + sum(count(d) for d in resource_dirs)

    load_screen(at("safety", "screen.yaml"))
    load_safety_plan(at("safety", "safety_plan.yaml"))
    load_safety_mode(at("safety", "safety_mode.yaml"))
    done["safety"] = 3

    # The lexicons last: compiling them is the slow part.
    lexicons = base / "lexicons"
    coach = sorted(
        folder.name
        for folder in lexicons.iterdir()
        if folder.is_dir() and any((folder / f"{name}.yaml").exists() for name in COACH_FILES)
    )
    for lang in coach:
        # The shipped lexicons are loaded as the coach loads them, `load_lexicon(lang)`: the
        # cache is keyed by the call's arguments, and `load_lexicon(lang, None)` would compile
        # (about a second) and keep a second copy of the same lexicon.
        if shipped:
            load_lexicon(lang)
        else:
            load_lexicon(lang, str(lexicons))
    done["coach_lexicons"] = len(coach) * len(COACH_FILES)
    if compile_crisis:
        done["crisis_lexicons"] = len(crisis.validate_all_lexicons(None if shipped else lexicons))
    else:
        # Compiling every language's patterns takes seconds: every process checks the files'
        # shape here, and `reattune serve` compiles them once before its workers start
        # (cli.cmd_serve), so a broken pattern still stops the server with its file named.
        found = sorted(lexicons.glob("*/crisis.yaml"))
        for path in found:
            check(crisis._read(path), "crisis_lexicon.schema.json", path, error=crisis.LexiconError)
        done["crisis_lexicons"] = len(found)

    return done


def fingerprint(
    root: Path | str | None = None,
    *,
    instrument_dirs: Iterable[Path | str] = (),
    resource_dirs: Iterable[Path | str] = (),
    compile_crisis: bool = False,
) -> str:
    """A digest of everything :func:`validate_all` reads and of the code that judges it: every
    file under the data folder and the host's folders (names and bytes), the domain package's
    source, and the Python, PyYAML and jsonschema versions."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(repr((sys.version, yaml.__version__, version("jsonschema"))).encode())
    digest.update(repr(compile_crisis).encode())
    domain = Path(__file__).resolve().parent
    folders = [Path(root) if root is not None else DATA_DIR, domain]
    folders += [Path(d) for d in instrument_dirs] + [Path(d) for d in resource_dirs]
    for number, folder in enumerate(folders):
        digest.update(f"\0folder {number}\0".encode())
        if not folder.is_dir():
            digest.update(b"missing")
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            name = path.relative_to(folder).as_posix().encode()
            content = path.read_bytes()
            digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
            digest.update(content)
    return digest.hexdigest()


def validate_all_once(
    stamp: Path | None,
    root: Path | str | None = None,
    *,
    instrument_dirs: Iterable[Path | str] = (),
    resource_dirs: Iterable[Path | str] = (),
    compile_crisis: bool = False,
) -> dict[str, int] | None:
    """:func:`validate_all`, unless ``stamp`` holds the :func:`fingerprint` of these very files
    (then None: they were found good before and not one byte changed). After a check that
    passes, the fingerprint is written to ``stamp``; a folder that cannot be written only
    means the check runs again next time. A broken file raises as :func:`validate_all` does
    and leaves the stamp as it was, so the next start checks again."""
    what = {
        "instrument_dirs": list(instrument_dirs),
        "resource_dirs": list(resource_dirs),
        "compile_crisis": compile_crisis,
    }
    key = fingerprint(root, **what)
    if stamp is not None:
        try:
            if stamp.read_text(encoding="ascii").strip() == key:
                return None
        except (OSError, UnicodeDecodeError):
            pass
    done = validate_all(root, **what)
    if stamp is not None:
        partial = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(key + "\n")
            os.replace(partial, stamp)
        except OSError:
            partial.unlink(missing_ok=True)
    return done
