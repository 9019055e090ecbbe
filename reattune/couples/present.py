"""Page shaping for the couple space: a time zone in words people read.

The stored value stays the IANA name ("Europe/Amsterdam"); what a person reads is its city and
country ("Amsterdam, Netherlands"). Which country a zone belongs to comes from the time zone
database's own table (zone.tab, shipped with tzdata, or the system's copy), the country's name
from pycountry: both maintained elsewhere, nothing written out by hand here.
"""

import functools
import re
import unicodedata
from importlib import resources
from pathlib import Path

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})
UTC_LABEL = "UTC (Coordinated Universal Time)"
# Old clock names that are abbreviations ("CET", "EST5EDT"), not places.
_ABBREVIATION = re.compile(r"[A-Z]{3,4}(?:[0-9]{1,2}[A-Z]{3,4})?")
SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")


def _database_file(name: str) -> str:
    """A file of the time zone database: tzdata's copy, else the system's, else nothing."""
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    try:
        return (SYSTEM_ZONEINFO / name).read_text("utf-8")
    except OSError:
        return ""


@functools.cache
def zone_countries() -> dict[str, str]:
    """{IANA zone name: ISO 3166-1 alpha-2 country code} for every zone in zone.tab."""
    found = {}
    for line in _database_file("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            found[fields[2]] = fields[0]
    return found


@functools.cache
def zone_links() -> dict[str, str]:
    """{older or other name: the zone it stands for} from the database's links ("US/Eastern":
    "America/New_York", "Europe/Kiev": "Europe/Kyiv")."""
    found = {}
    for line in _database_file("tzdata.zi").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            found[fields[2]] = fields[1]
    return found


def _offset_label(name: str) -> str | None:
    """Etc/GMT+5 and the like, in the sign people expect: "UTC−05:00" (the names' own sign is
    the other way round, as POSIX has it)."""
    if not name.startswith("Etc/GMT") or len(name) <= len("Etc/GMT"):
        return None
    sign, hours = name[len("Etc/GMT")], name[len("Etc/GMT") + 1 :]
    if sign not in "+-" or not hours.isdigit():
        return None
    return f"UTC{'−' if sign == '+' else '+'}{int(hours):02d}:00"


@functools.cache
def _country(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return ""
    return getattr(found, "common_name", None) or found.name


def _city(name: str) -> str:
    """The place a zone is named after: its last part, with spaces ("Buenos Aires")."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def zone_label(name: str | None) -> str:
    """A time zone as a person reads it: "Amsterdam, Netherlands", "UTC (Coordinated
    Universal Time)", "UTC−05:00" for Etc/GMT+5; an older name as the zone it stands for
    ("US/Eastern": "New York, United States"); a name in no table by its city and region;
    never blank for a name."""
    if not name:
        return ""
    written = name
    if name not in zone_countries():  # an older name: the zone it stands for
        name = zone_links().get(name, name)
    if name in UTC_NAMES or name in ("Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0"):
        return UTC_LABEL
    if _ABBREVIATION.fullmatch(written):
        # "CET", "EST", "PST8PDT": a kind of clock, not a place. tzdata now links these to one
        # city ("CET" to Brussels), and naming that city would tell a couple a place they
        # never chose; the clock's own name is what they picked.
        return written
    offset = _offset_label(name)
    if offset:
        return offset
    country = _country(zone_countries().get(name, ""))
    city = _city(name)
    if country:
        return city if city == country else f"{city}, {country}"
    region = name.split("/", 1)[0] if "/" in name else ""
    return f"{city} ({region.replace('_', ' ')})" if region and region != "Etc" else city


def _sort_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


@functools.cache
def _zone_choices() -> tuple[tuple[str, str], ...]:
    rows = []
    for name, code in zone_countries().items():
        country = _country(code) or code
        city = _city(name)
        rows.append((name, country if city == country else f"{country}: {city}"))
    rows.sort(key=lambda row: _sort_key(row[1]))
    return (("UTC", UTC_LABEL), *rows)


def zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The time zone picker's options, (IANA name, words) sorted by country then city
    ("Netherlands: Amsterdam"), UTC first; `current` is kept among them when the table does
    not list it (an older name such as "US/Eastern" still shows, and stays chosen)."""
    choices = list(_zone_choices())
    if current and current not in {value for value, _ in choices}:
        choices.insert(1, (current, zone_label(current)))
    return choices
