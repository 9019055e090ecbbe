"""Page shaping for care: what the help pages and the care template tags show."""

from reattune.care import support
from reattune.domain.safety.resources import ISO_COUNTRIES


def country_choices():
    """The countries with listed help lines (code, name) by name, then every other ISO code."""
    res = support.resource_set()
    listed = sorted(((c.country, c.name) for c in res.countries.values()), key=lambda x: x[1])
    others = sorted(ISO_COUNTRIES - set(res.countries))
    return listed, others
