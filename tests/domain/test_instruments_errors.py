"""Every kind of malformed instrument file fails with file, field path and problem."""

from __future__ import annotations

import re

import pytest

from reattune.domain.instruments import (
    InstrumentError,
    load_instrument_file,
    load_instruments,
    parse_instrument,
)

from ._helpers import BAD_DIR, tiny

CASES = {
    "yaml_syntax.yaml": r"line 5, column \d+: YAML syntax error: ",
    "empty.yaml": r"\(file\): file is empty",
    "schema_missing_text.yaml": r"items\[1\]: 'text' is a required property",
    "schema_bad_type.yaml": r"version: 'one' is not of type 'integer'",
    "schema_bad_kind.yaml": r"kind: 'quiz' is not one of",
    "unknown_scale.yaml": r"items\[3\]\.scale: unknown scale 'freq5'",
    "unknown_construct.yaml": r"items\[2\]\.construct: unknown construct 'chat'",
    "unknown_concept.yaml": r"items\[2\]\.concept: unknown concept 'sign:no_such_sign'",
    "ambiguous_concept.yaml": r"items\[2\]\.concept: 'divided_attention' is both a sign and a "
    r"cause; write 'sign:divided_attention' or 'cause:divided_attention'",
    "unknown_area.yaml": r"constructs\[0\]\.area: unknown area 'chatting'",
    "unknown_care_channel.yaml": r"items\[4\]\.care_channel: unknown care channel 'poems'",
    "duplicate_item.yaml": r"items\[2\]\.id: duplicate item id 't1' \(also items\[0\]\)",
    "reverse_categorical.yaml": r"items\[4\]\.reverse: cannot reverse-key an item on the "
    r"non-numeric scale 'pick'",
    "band_gap.yaml": r"constructs\[0\]\.bands\[1\]\.max: band gap: scores above 1\.5 up to 2 "
    r"have no band",
    "band_order.yaml": r"constructs\[0\]\.bands\[1\]\.max: bands must ascend",
    "min_answered_too_high.yaml": r"constructs\[0\]\.min_answered: 9 is more than",
    "label_out_of_range.yaml": r"scales\[0\]\.labels\.5: label for 5, outside 0\.\.2",
    "categorical_scored.yaml": r"items\[3\]\.scale: construct 'talk' mixes scales",
}


def test_every_fixture_has_a_case():
    assert {p.name for p in BAD_DIR.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_message(name):
    with pytest.raises(InstrumentError) as info:
        load_instrument_file(BAD_DIR / name)
    message = str(info.value)
    assert re.match(re.escape(name) + ": " + CASES[name], message), message
    assert info.value.file == name
    assert info.value.path == BAD_DIR / name


def test_malformed_file_in_an_extra_folder_fails_loading(tmp_path):
    (tmp_path / "unknown_scale.yaml").write_text((BAD_DIR / "unknown_scale.yaml").read_text())
    with pytest.raises(InstrumentError, match=r"^unknown_scale.yaml: items\[3\]\.scale"):
        load_instruments([tmp_path])


def test_duplicate_instrument_id_and_version():
    with pytest.raises(InstrumentError) as info:
        load_instruments([BAD_DIR / "duplicate_version"], include_shipped=False)
    assert re.match(
        r"second\.yaml: version: duplicate instrument 'tiny' version 1 \(also in .*first\.yaml\)",
        str(info.value),
    )


def test_missing_folder(tmp_path):
    with pytest.raises(InstrumentError, match=r"nowhere: \(folder\): instrument folder does not"):
        load_instruments([tmp_path / "nowhere"])


def test_mean_on_a_categorical_scale():
    data = tiny()
    data["constructs"][1]["scoring"] = "mean"
    data["constructs"][1]["bands"] = [{"max": 3, "label": "x", "wording": "x"}]
    with pytest.raises(InstrumentError, match=r"constructs\[1\]\.scoring: mean scoring needs"):
        parse_instrument(data, "mem.yaml")


def test_scored_construct_without_bands():
    data = tiny()
    del data["constructs"][0]["bands"]
    with pytest.raises(InstrumentError, match=r"mem.yaml: constructs\[0\]\.bands: a scored"):
        parse_instrument(data, "mem.yaml")


def test_band_below_range_and_unreachable_band():
    data = tiny()
    data["constructs"][0]["bands"] = [
        {"max": 2, "label": "a", "wording": "a"},
        {"max": 3, "label": "b", "wording": "b"},
    ]
    with pytest.raises(InstrumentError, match=r"bands\[1\]: band can never apply"):
        parse_instrument(data, "mem.yaml")
    data["constructs"][0]["bands"] = [{"max": -1, "label": "a", "wording": "a"}]
    with pytest.raises(InstrumentError, match=r"bands\[0\]\.max: -1 is below the lowest"):
        parse_instrument(data, "mem.yaml")


def test_construct_without_items_and_unlabelled_end():
    data = tiny()
    data["constructs"].append(
        {"id": "lonely", "title": "x", "area": "affection", "scoring": "none", "min_answered": 1}
    )
    with pytest.raises(InstrumentError, match=r"constructs\[2\]: construct 'lonely' has no items"):
        parse_instrument(data, "mem.yaml")
    data = tiny()
    data["scales"][0]["labels"] = {0: "Never", 1: "Sometimes"}
    with pytest.raises(
        InstrumentError, match=r"scales\[0\]\.labels: the end value 2 needs a label"
    ):
        parse_instrument(data, "mem.yaml")


def test_unknown_top_level_field_and_extension_keys():
    with pytest.raises(InstrumentError, match=r"mem.yaml: \(top\): unknown field 'colour'"):
        parse_instrument(tiny(colour="blue"), "mem.yaml")
    parse_instrument(tiny(**{"x-anchors": [1, 2]}), "mem.yaml")
