"""One check of every domain data file, for start-up.

:func:`validate_all` loads every file under ``reattune/data`` (or a copy of that folder) with
its own loader, plus a host's instrument and resource folders; the first broken file raises its
loader's :class:`~reattune.domain.datafile.DataFileError`, which names the file, the field and
the problem. ``AssessmentsConfig.ready()`` calls it, so a broken file stops the app before it
serves anyone. Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

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
        load_lexicon(lang, None if shipped else str(lexicons))
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
