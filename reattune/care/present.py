"""Page shaping for care: what the help pages and the care template tags show."""

import unicodedata

from reattune.care import support
from reattune.domain.safety.resources import ISO_COUNTRIES


def country_name(code: str | None) -> str:
    """The English name of an ISO 3166-1 alpha-2 code, from pycountry ('' for none).

    The everyday name where pycountry has one ("South Korea", not "Korea, Republic of");
    the code itself for a code pycountry does not know, so nothing is ever shown blank.
    """
    if not code:
        return ""
    import pycountry

    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code.upper()
    return getattr(found, "common_name", None) or found.name


def _sort_key(name: str) -> str:
    """Sort by name as a reader would: accents and case ignored ("Åland" near "Albania")."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def country_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The countries with listed help lines, then every other ISO country; each a list of
    (code, English name) sorted by name, the code kept as the value a form sends."""
    res = support.resource_set()
    # The help-line files name a country in its own language ("Deutschland"); the list is in
    # the language of the pages, as every other name in it and the browser default are.
    listed = sorted(
        ((c.country, country_name(c.country)) for c in res.countries.values()),
        key=lambda x: _sort_key(x[1]),
    )
    others = sorted(
        ((code, country_name(code)) for code in ISO_COUNTRIES - set(res.countries)),
        key=lambda x: _sort_key(x[1]),
    )
    return listed, others
