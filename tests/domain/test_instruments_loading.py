"""The shipped instruments load, have the promised shape, and the catalog handles versions."""

from __future__ import annotations

import json

import pytest

from reattune.domain.concepts import load_concepts
from reattune.domain.instruments import (
    SHIPPED_DIR,
    Instrument,
    InstrumentError,
    load_instruments,
    parse_instrument,
)

from ._helpers import TINY, tiny

SHIPPED = {
    "connection_check": ("checkup", 24, 36),
    "whats_behind_it": ("checkup", 30, 70),
    "closeness_pulse": ("pulse", 3, 4),
    "time_for_help": ("help", 5, 15),
}


@pytest.fixture(scope="module")
def catalog():
    return load_instruments()


def test_shipped_instruments_load(catalog):
    assert set(catalog.ids()) == set(SHIPPED)
    for instrument_id, (kind, lo, hi) in SHIPPED.items():
        instrument = catalog.latest(instrument_id)
        assert isinstance(instrument, Instrument)
        assert instrument.kind == kind
        assert lo <= len(instrument.items) <= hi, instrument_id
        assert instrument.source.parent == SHIPPED_DIR


def test_every_item_concept_exists(catalog):
    concepts = load_concepts()
    for instrument in catalog.values():
        for item in instrument.items:
            assert concepts.resolve(item.concept).ref == item.concept
            if item.care_channel:
                assert concepts.has("care_channel", item.care_channel)
        for construct in instrument.constructs.values():
            if construct.concept:
                assert concepts.resolve(construct.concept).ref == construct.concept
            if construct.area:
                assert concepts.has("area", construct.area)


def test_connection_check_covers_every_sign_and_area():
    instrument = load_instruments().latest("connection_check")
    concepts = load_concepts()
    signs = {item.concept for item in instrument.items}
    assert signs == {c.ref for c in concepts.all("sign")}
    areas = {c.area for c in instrument.constructs.values()}
    assert areas == set(concepts.ids("area"))
    assert all(c.higher_means == "strain" for c in instrument.constructs.values())
    assert sum(item.reverse for item in instrument.items) >= 4
    assert {instrument.scales[i.scale].id for i in instrument.items} == {"freq5"}
    # every item's construct matches its sign's area
    for item in instrument.items:
        sign = concepts.resolve(item.concept)
        assert instrument.constructs[item.construct].area == sign.area


def test_whats_behind_it_has_one_item_per_channel_per_question():
    instrument = load_instruments().latest("whats_behind_it")
    channels = set(load_concepts().ids("care_channel"))
    for construct in ("care_receive", "care_give", "care_guess"):
        items = instrument.items_for(construct)
        assert sorted(i.care_channel for i in items) == sorted(channels)
    assert all(i.about == "partner" for i in instrument.items_for("pursue_partner"))
    assert all(i.about == "partner" for i in instrument.items_for("withdraw_partner"))
    assert all(i.about == "self" for i in instrument.items_for("pursue_self"))
    for construct in (
        "life_load",
        "role_functioning",
        "divided_attention",
        "conflict_avoidance",
        "safety_erosion",
        "unspoken_grievances",
        "attachment_anxiety",
        "attachment_avoidance",
        "learned_avoidance",
        "mental_health",
    ):
        assert construct in instrument.constructs


def test_time_for_help_covers_the_help_signs():
    instrument = load_instruments().latest("time_for_help")
    concepts = load_concepts()
    assert {c.concept for c in instrument.constructs.values()} == {
        c.ref for c in concepts.all("help_sign")
    }


def test_instrument_to_dict_is_json(catalog):
    for instrument in catalog.values():
        data = instrument.to_dict()
        json.dumps(data)
        assert len(data["items"]) == len(instrument.items)


def test_versions_supersede_and_retired_stay_loadable(tmp_path):
    (tmp_path / "tiny_v1.yaml").write_text(TINY)
    v2 = tiny(version=2)
    v2["items"][3]["text"] = "Four, reworded"
    (tmp_path / "tiny_v2.json").write_text(json.dumps(v2))
    (tmp_path / "notes.txt").write_text("not an instrument")
    catalog = load_instruments([tmp_path])
    assert catalog.versions("tiny") == [1, 2]
    assert catalog.latest("tiny").version == 2
    assert catalog.get("tiny", 1).version == 1
    assert catalog.get(("tiny", 2)).item("t4").text == "Four, reworded"
    assert catalog.is_retired("tiny", 1)
    assert not catalog.is_retired("tiny", 2)
    assert catalog.get("tiny", 9) is None
    assert catalog.latest("nope") is None
    assert [i.id for i in catalog.current("checkup")].count("tiny") == 1
    # shipped ones are still there
    assert catalog.latest("connection_check") is not None


def test_extra_folder_only(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY)
    catalog = load_instruments([tmp_path], include_shipped=False)
    assert list(catalog) == [("tiny", 1)]


def test_host_cannot_shadow_a_shipped_version(tmp_path):
    shipped = (SHIPPED_DIR / "closeness_pulse.yaml").read_text()
    (tmp_path / "my_pulse.yaml").write_text(shipped)
    with pytest.raises(InstrumentError, match=r"my_pulse.yaml: version: duplicate instrument"):
        load_instruments([tmp_path])


def test_parse_instrument_from_memory():
    instrument = parse_instrument(tiny())
    assert instrument.key == ("tiny", 1)
    assert instrument.scales["freq3"].labels == {0: "Never", 1: "Sometimes", 2: "Often"}
    assert instrument.item("t2").reverse is True
    assert instrument.item("t1").about == "self"
    assert not instrument.constructs["choice"].scored
