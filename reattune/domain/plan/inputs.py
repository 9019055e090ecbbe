"""What a plan may be built from: results reduced to what their reader is shown.

Plain Python (no Django). Two builders, each returning ``(signals, roles)`` for the generator:

* :func:`couple_input` - for the couple's SHARED plan, which both partners read. It holds only
  what the couple view shows both of them, at the level it shows it:

  - ``area:<id>`` for each area that feels strained (the couple view's ``STRAIN_LEVEL``) to at
    least one partner, valued at the top of that partner's result band ("Some strain",
    "Noticeable strain", ...), and ``agree:area:<id>`` when it feels strained to both (the
    couple view's "What you both feel");
  - ``pattern:<id>`` = :data:`LISTED` for each pattern the couple view lists, nothing for a
    pattern it does not list, whatever its strength;
  - roles: pursuer and withdrawer only when the couple view lists the chase-and-retreat
    pattern.

  No sign, cause, help answer or single item reaches it, so no shared reason can quote one,
  and changing one answer changes the shared plan only when it changes an area's band, an
  area's strained / not strained, or a pattern the couple view lists.

* :func:`solo_input` - for one person's private solo plan: the areas that feel strained to
  them (``STRAIN_LEVEL``), the signs and likely causes their own results page lists
  (``SIGN_LEVEL``, ``CAUSE_LEVEL``, at most as many as it lists), and ``flag:escalation``
  when its help card lists escalating conflict (``HELP_LEVEL``). Their own items may show in
  their own view, and only there.

Every cut-off is imported from reattune.domain.instruments.insight, where the results page and
the couple view get them.
"""

from __future__ import annotations

from collections.abc import Mapping

from reattune.domain.instruments.insight import (
    PARTNERS,
    STRAIN_LEVEL,
    CoupleInsight,
    IndividualInsight,
    couple_insight,
)
from reattune.domain.instruments.loader import Catalog, shipped_catalog

LISTED = 1.0  # the value of a pattern the couple view lists (presence, not strength)
ESCALATION = "escalating_conflict"  # the help sign behind flag:escalation


def _band_top(area: str, label: str | None, lo, hi, catalog: Catalog) -> float | None:
    """Position (0..1) of the top of the band called ``label`` for an area's construct."""
    if label is None or lo is None or hi is None or hi <= lo:
        return None
    for instrument in catalog.current("checkup"):
        for construct in instrument.constructs.values():
            if construct.area != area:
                continue
            for band in construct.bands:
                if band.label == label:
                    return max(0.0, min(1.0, (band.max - lo) / (hi - lo)))
    return None


def area_levels(insight: IndividualInsight, catalog: Catalog | None = None) -> dict[str, float]:
    """Each strained area of one person at the level their partner is shown.

    An area counts when its strain reaches ``STRAIN_LEVEL`` (what the couple view calls
    strained); its level is the top of the result band the partner sees for it, so two
    answers that leave the band and the strained / not strained line alone give the same
    level.
    """
    catalog = catalog if catalog is not None else shipped_catalog()
    out: dict[str, float] = {}
    for row in insight.areas:
        strain = insight.area_strain(row["id"])
        if strain is None or strain < STRAIN_LEVEL:
            continue
        top = _band_top(row["id"], row.get("band"), row.get("min"), row.get("max"), catalog)
        out[row["id"]] = STRAIN_LEVEL if top is None else max(top, STRAIN_LEVEL)
    return out


def partner_visible_levels(insight: IndividualInsight) -> tuple:
    """One person's area results as their partner is shown them: band and strained or not.

    The shared plan depends on a person's answers only through these (and the couple view's
    list of patterns); the leak tests hold it.
    """
    return tuple(
        (
            row["id"],
            row.get("band"),
            (insight.area_strain(row["id"]) or 0.0) >= STRAIN_LEVEL,
        )
        for row in insight.areas
    )


def couple_input(
    mine: IndividualInsight,
    theirs: IndividualInsight,
    couple: CoupleInsight | None = None,
    catalog: Catalog | None = None,
) -> tuple[dict[str, float], dict[str, set[str]]]:
    """``(signals, roles)`` for the couple's shared plan (partner keys "a" = mine, "b")."""
    couple = couple if couple is not None else couple_insight(mine, theirs)
    levels = {"a": area_levels(mine, catalog), "b": area_levels(theirs, catalog)}
    signals: dict[str, float] = {}
    for row in couple.areas:
        values = [levels[p].get(row["id"]) for p in PARTNERS]
        shown = [v for v in values if v is not None]
        if not shown:
            continue
        signals[f"area:{row['id']}"] = max(shown)
        if len(shown) == len(PARTNERS):  # strained for both: the couple view's shared concern
            signals[f"agree:area:{row['id']}"] = min(shown)
    for pattern in couple.patterns:
        signals[f"pattern:{pattern}"] = LISTED
    roles: dict[str, set[str]] = {}
    pw = couple.pursue_withdraw
    if pw.get("present") and pw.get("pursuer") and pw.get("withdrawer"):
        roles = {pw["pursuer"]: {"pursuer"}, pw["withdrawer"]: {"withdrawer"}}
    return signals, roles


def solo_input(insight: IndividualInsight) -> tuple[dict[str, float], dict[str, set[str]]]:
    """``(signals, roles)`` for a private solo plan: what this person's results page lists."""
    raw: Mapping[str, float] = insight.signals
    signals: dict[str, float] = {}
    for row in insight.areas:  # every area is on the own results page, with its band
        strain = insight.area_strain(row["id"])
        if strain is not None and strain >= STRAIN_LEVEL:
            signals[f"area:{row['id']}"] = strain
    for sign in insight.strongest_signs:
        signals[sign["ref"]] = raw.get(sign["ref"], sign["strength"])
    for cause in insight.likely_causes:
        signals[cause["ref"]] = raw.get(cause["ref"], cause["strength"])
    for help_sign in insight.help.get("signs", ()):
        if help_sign["id"] == ESCALATION:
            signals["flag:escalation"] = raw.get(f"help_sign:{ESCALATION}", help_sign["strength"])
    return signals, {}
