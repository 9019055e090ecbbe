"""Help resources as data: emergency numbers, crisis and domestic-violence lines, professional help.

Files (shape: ``reattune/data/schemas/resources.schema.json``), in ``reattune/data/resources/``:

* ``XX.yaml`` (kind ``country``), one per ISO 3166-1 alpha-2 code; the file name must match its
  ``country`` field. Every number carries the official ``source`` it was checked against and the
  date it was ``checked``. Lines not known with certainty are left out (``not_found`` lists what
  was looked for). A line's ``for`` says who it serves (everyone, women, men, lgbtq);
  ``behaviour_lines`` are for people worried about their own behaviour.
* ``fallback.yaml`` (kind ``fallback``): used for every other country. It names no number
  (112 is not universal) and says "your local emergency number".
* ``international.yaml`` (kind ``international``): directories of help lines, shown with every
  country and always in place of a line we could not confirm.
* ``professional.yaml`` (kind ``professional``): the default text on kinds of professional help,
  what to look for and how to find it, without listing any provider, plus ``local`` entries a
  host may add (name, kind, how to reach, languages).

Host override: pass ``override_dir`` to :func:`load_resources` (the app passes the folders of
``REATTUNE_RESOURCE_DIRS``). A file there with the same name as a shipped file replaces the fields
it names (top-level keys) and keeps the rest; a new ``XX.yaml`` adds a country. Every problem
raises :class:`SafetyDataError` naming the file, the field and the problem.

Plain Python: no Django. The screen module shares :class:`SafetyDataError` and the YAML reader.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import datafile
from ..datafile import DATA_DIR, DataFileError, field_path

DATA_ROOT = DATA_DIR  # the name screen.py and policy.py import
RESOURCES_DIR = DATA_DIR / "resources"

PHONE_RE = re.compile(r"^\+?[0-9]+(?:[ -][0-9]+)*$")
SPECIAL_FILES = ("fallback", "international", "professional")

# ISO 3166-1 alpha-2 (officially assigned codes).
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
# Common non-ISO spellings people or browsers use.
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


# ---------------------------------------------------------------- errors and reading


class SafetyDataError(DataFileError):
    """A safety data file is wrong. ``str()`` names the file (its whole path: it may be in a
    host's override folder), the field and the problem."""

    def __init__(self, path: Path | str, where: str, problem: str):
        super().__init__(path, where, problem)
        self.path = str(path)
        self.args = (f"{self.path}: {where}: {problem}",)


def read_yaml(path: Path) -> dict:
    """Read a safety data file: a mapping, with dates as text and keys as strings."""
    data = datafile.read_yaml(path, SafetyDataError)
    if not isinstance(data, dict):
        raise SafetyDataError(path, "(top level)", "expected a mapping of fields")
    return datafile.plain(data)


def schema_check(data: Mapping, schema_name: str, source: Path | str) -> None:
    """Raise SafetyDataError for the most relevant schema error, if any."""
    datafile.check(data, schema_name, source, error=SafetyDataError, top="(top level)")


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class EmergencyNumber:
    number: str | None  # None: the fallback, "your local emergency number"
    label: str
    other_numbers: tuple[str, ...] = ()
    note: str | None = None
    source: str | None = None
    checked: str | None = None


@dataclass(frozen=True)
class HelpLine:
    name: str
    phone: str
    description: str
    source: str
    checked: str
    other_phones: tuple[str, ...] = ()
    sms: str | None = None
    url: str | None = None
    hours: str | None = None
    region: str | None = None
    languages: tuple[str, ...] = ()
    audience: tuple[str, ...] = ("everyone",)  # "for" in the data: everyone, women, men, lgbtq

    @property
    def for_everyone(self) -> bool:
        return "everyone" in self.audience

    @property
    def audience_label(self) -> str | None:
        """ "For women", "For men and LGBTQ+ people" ...; None for a line open to everyone."""
        if self.for_everyone:
            return None
        names = [AUDIENCE_NAMES[a] for a in self.audience]
        return "For " + (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        )


AUDIENCE_NAMES = {"women": "women", "men": "men", "lgbtq": "LGBTQ+ people"}


@dataclass(frozen=True)
class Directory:
    name: str
    url: str
    description: str
    source: str
    checked: str
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountryResources:
    """Everything the help and crisis pages need for one country."""

    country: str | None  # ISO code asked for (upper case), None when none was given
    name: str | None
    emergency: EmergencyNumber
    crisis_lines: tuple[HelpLine, ...]
    dv_lines: tuple[HelpLine, ...]
    directory: tuple[Directory, ...]
    sources: tuple[str, ...]
    is_fallback: bool = False
    behaviour_lines: tuple[HelpLine, ...] = ()  # for people worried about their own behaviour
    note: str | None = None
    message: str | None = None  # the fallback's explanation

    @property
    def has_crisis_line(self) -> bool:
        return bool(self.crisis_lines)

    @property
    def has_dv_line(self) -> bool:
        return bool(self.dv_lines)


@dataclass(frozen=True)
class HelpKind:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class LocalEntry:
    name: str
    kind: str
    reach: Mapping[str, str]
    languages: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ProfessionalHelp:
    title: str
    intro: str
    kinds: tuple[HelpKind, ...]
    what_to_look_for: tuple[str, ...]
    how_to_find: tuple[str, ...]
    local: tuple[LocalEntry, ...] = ()
    safety_note: str | None = None
    local_title: str | None = None


@dataclass(frozen=True)
class ResourceSet:
    countries: Mapping[str, CountryResources]
    fallback: CountryResources
    directories: tuple[Directory, ...]
    professional: ProfessionalHelp
    files: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- parsing


def _line(raw: Mapping) -> HelpLine:
    return HelpLine(
        name=raw["name"],
        phone=raw["phone"],
        description=raw["description"],
        source=raw["source"],
        checked=raw["checked"],
        other_phones=tuple(raw.get("other_phones") or ()),
        sms=raw.get("sms"),
        url=raw.get("url"),
        hours=raw.get("hours"),
        region=raw.get("region"),
        languages=tuple(raw.get("languages") or ()),
        audience=tuple(raw.get("for") or ("everyone",)),
    )


def _directory(raw: Mapping) -> Directory:
    return Directory(
        name=raw["name"],
        url=raw["url"],
        description=raw["description"],
        source=raw["source"],
        checked=raw["checked"],
        covers=tuple(raw.get("covers") or ()),
    )


def _sources(emergency: EmergencyNumber, lines: Iterable[HelpLine], dirs: Iterable[Directory]):
    seen: list[str] = []
    for src in [emergency.source, *(x.source for x in lines), *(d.source for d in dirs)]:
        if src and src not in seen:
            seen.append(src)
    return tuple(seen)


def _check_dates(data: Mapping, path: Path) -> None:
    """Every `checked` must be a real calendar date."""

    def walk(node, parts):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "checked" and isinstance(value, str):
                    try:
                        dt.date.fromisoformat(value)
                    except ValueError:
                        raise SafetyDataError(
                            path, field_path([*parts, key]), f"{value!r} is not a real date"
                        ) from None
                walk(value, [*parts, key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*parts, i])

    walk(data, [])


def _country(data: Mapping, path: Path, directories: tuple[Directory, ...]) -> CountryResources:
    code = data["country"]
    if code not in ISO_COUNTRIES:
        raise SafetyDataError(path, "country", f"{code!r} is not an ISO 3166-1 alpha-2 code")
    if path.stem != code:
        raise SafetyDataError(path, "country", f"{code!r} does not match the file name {path.name}")
    raw = data["emergency"]
    emergency = EmergencyNumber(
        number=raw["number"],
        label=raw["label"],
        other_numbers=tuple(raw.get("other_numbers") or ()),
        note=raw.get("note"),
        source=raw["source"],
        checked=raw["checked"],
    )
    crisis = tuple(_line(x) for x in data["crisis_lines"])
    dv = tuple(_line(x) for x in data["dv_lines"])
    behaviour = tuple(_line(x) for x in data.get("behaviour_lines") or ())
    return CountryResources(
        country=code,
        name=data["name"],
        emergency=emergency,
        crisis_lines=crisis,
        dv_lines=dv,
        behaviour_lines=behaviour,
        directory=directories,
        sources=_sources(emergency, [*crisis, *dv, *behaviour], directories),
        note=data.get("note"),
    )


def _professional(data: Mapping) -> ProfessionalHelp:
    return ProfessionalHelp(
        title=data["title"],
        intro=data["intro"],
        kinds=tuple(HelpKind(k["id"], k["title"], k["text"]) for k in data["kinds"]),
        what_to_look_for=tuple(data["what_to_look_for"]),
        how_to_find=tuple(data["how_to_find"]),
        local=tuple(
            LocalEntry(
                name=e["name"],
                kind=e["kind"],
                reach=dict(e["reach"]),
                languages=tuple(e.get("languages") or ()),
                note=e.get("note"),
            )
            for e in data["local"]
        ),
        safety_note=data.get("safety_note"),
        local_title=data.get("local_title"),
    )


def _yaml_files(directory: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            continue
        if path.stem in files:
            raise SafetyDataError(path, "(file)", f"two files for {path.stem!r}")
        files[path.stem] = path
    return files


def _expected_kind(stem: str, path: Path) -> str:
    if stem in SPECIAL_FILES:
        return stem
    if re.fullmatch(r"[A-Z]{2}", stem):
        return "country"
    raise SafetyDataError(
        path,
        "(file)",
        "file names must be an ISO country code (e.g. DE.yaml) or one of "
        + ", ".join(f"{s}.yaml" for s in SPECIAL_FILES),
    )


def load_resources(
    override_dir: Path | str | Iterable[Path | str] | None = None,
    *,
    base_dir: Path | str | None = None,
) -> ResourceSet:
    """Read, merge and check the shipped resource files and a host's override folders.

    ``override_dir`` is one folder or several, applied in order (a later folder's file
    overrides the same file of an earlier one, field by field); none by default.
    Raises :class:`SafetyDataError` on any problem.
    """
    if override_dir is None:
        overrides: tuple[Path, ...] = ()
    elif isinstance(override_dir, str | Path):
        overrides = (Path(override_dir),)
    else:
        overrides = tuple(Path(folder) for folder in override_dir)
    base = Path(base_dir) if base_dir is not None else RESOURCES_DIR
    return _load(base, overrides)


@lru_cache(maxsize=8)
def _load(base: Path, overrides: tuple[Path, ...]) -> ResourceSet:
    documents: dict[str, tuple[dict, Path]] = {}
    for stem, path in _yaml_files(base).items():
        _expected_kind(stem, path)
        documents[stem] = (read_yaml(path), path)
    for over in overrides:
        if not over.is_dir():
            raise SafetyDataError(over, "(folder)", "the resources override folder does not exist")
        for stem, path in _yaml_files(over).items():
            kind = _expected_kind(stem, path)
            data = read_yaml(path)
            if stem in documents:
                merged = dict(documents[stem][0])
                merged.update(data)
                documents[stem] = (merged, path)
            else:
                data.setdefault("kind", kind)
                documents[stem] = (data, path)

    for stem, (data, path) in documents.items():
        kind = _expected_kind(stem, path)
        schema_check(data, "resources.schema.json", path)
        if data["kind"] != kind:
            raise SafetyDataError(path, "kind", f"expected {kind!r} for {path.name}")
        _check_dates(data, path)

    for stem in SPECIAL_FILES:
        if stem not in documents:
            raise SafetyDataError(base / f"{stem}.yaml", "(file)", "missing")

    directories = tuple(_directory(d) for d in documents["international"][0]["directories"])
    countries = {}
    for stem, (data, path) in documents.items():
        if data["kind"] == "country":
            countries[stem] = _country(data, path, directories)
    fb = documents["fallback"][0]
    fallback_emergency = EmergencyNumber(number=None, label=fb["emergency_label"])
    fallback = CountryResources(
        country=None,
        name=None,
        emergency=fallback_emergency,
        crisis_lines=(),
        dv_lines=(),
        directory=directories,
        sources=_sources(fallback_emergency, (), directories),
        is_fallback=True,
        message=fb["message"],
    )
    return ResourceSet(
        countries=countries,
        fallback=fallback,
        directories=directories,
        professional=_professional(documents["professional"][0]),
        files=tuple(str(p) for _, p in documents.values()),
    )


def clear_cache() -> None:
    """Forget loaded files (after a host edits its override folder)."""
    _load.cache_clear()


# ---------------------------------------------------------------- look-ups


def normalise_country(code: object) -> str | None:
    """'gb', ' GB ', 'UK' -> 'GB'; anything that is not an ISO alpha-2 code -> None."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    return code if code in ISO_COUNTRIES else None


def resources_for(
    country_code: str | None, resources: ResourceSet | None = None
) -> CountryResources:
    """The resources for ``country_code``; the fallback for unknown or unlisted countries.

    Never raises for a bad code: an unknown code gets the fallback (no guessed number).
    """
    res = resources if resources is not None else load_resources()
    code = normalise_country(country_code)
    if code is not None and code in res.countries:
        return res.countries[code]
    fb = res.fallback
    if code is None:
        return fb
    return CountryResources(
        country=code,
        name=None,
        emergency=fb.emergency,
        crisis_lines=(),
        dv_lines=(),
        directory=fb.directory,
        sources=fb.sources,
        is_fallback=True,
        message=fb.message,
    )


def load_professional(resources: ResourceSet | None = None) -> ProfessionalHelp:
    return (resources if resources is not None else load_resources()).professional


_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2})\b")


def country_from_locale(value: str | None) -> str | None:
    """Country from a locale or an Accept-Language header: 'en-GB', 'de_DE.UTF-8',
    'fr-CA,fr;q=0.9' -> 'GB', 'DE', 'CA'. The first tag with a region wins; None if none has one.
    """
    if not isinstance(value, str):
        return None
    for part in value.split(","):
        tag = part.split(";")[0].strip()
        m = _LANG_TAG.match(tag)
        if m:
            code = normalise_country(m.group(1))
            if code:
                return code
    return None


def is_valid_phone(value: object) -> bool:
    return isinstance(value, str) and bool(PHONE_RE.fullmatch(value))
