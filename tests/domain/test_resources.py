"""Help resources as data: sources, formats, fallback and host overrides. No Django."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reattune.domain.safety.resources import (
    ISO_COUNTRIES,
    RESOURCES_DIR,
    SafetyDataError,
    country_from_locale,
    is_valid_phone,
    load_professional,
    load_resources,
    resources_for,
)

REQUIRED = ["US", "GB", "IE", "CA", "AU", "NZ", "DE", "FR", "NL", "ES", "IT"]
PHONE = re.compile(r"^\+?[0-9][0-9 \-]*$")
RES = load_resources(override_dir=None)


def all_lines(res=RES):
    for country in res.countries.values():
        yield from country.crisis_lines
        yield from country.dv_lines
        yield from country.behaviour_lines


def test_iso_list_is_complete():
    assert len(ISO_COUNTRIES) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in ISO_COUNTRIES)
    assert "UK" not in ISO_COUNTRIES and "GB" in ISO_COUNTRIES


def test_required_countries_are_covered():
    assert set(REQUIRED) <= set(RES.countries)


def test_countries_are_iso_and_match_file_names():
    for path in RESOURCES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["kind"] == "country":
            assert data["country"] in ISO_COUNTRIES
            assert path.stem == data["country"]


def test_every_entry_has_an_official_https_source_and_a_date():
    entries = [c.emergency for c in RES.countries.values()] + list(all_lines())
    entries += list(RES.directories)
    assert entries
    for entry in entries:
        assert entry.source and entry.source.startswith("https://"), entry
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.checked), entry


def test_every_number_has_a_valid_phone_format():
    numbers = []
    for country in RES.countries.values():
        numbers += [country.emergency.number, *country.emergency.other_numbers]
    for line in all_lines():
        numbers += [line.phone, *line.other_phones] + ([line.sms] if line.sms else [])
    assert len(numbers) > 25
    for number in numbers:
        assert PHONE.fullmatch(number) and is_valid_phone(number), number


def test_every_line_is_described():
    for line in all_lines():
        assert line.name and len(line.description) > 20


def test_known_national_numbers():
    expected = {
        "US": "911",
        "CA": "911",
        "GB": "999",
        "IE": "112",
        "AU": "000",
        "NZ": "111",
        "DE": "112",
        "FR": "112",
        "NL": "112",
        "ES": "112",
        "IT": "112",
    }
    for code, number in expected.items():
        assert resources_for(code, RES).emergency.number == number


def test_sources_are_collected_per_country():
    us = resources_for("US", RES)
    assert us.sources[0] == us.emergency.source
    assert set(us.sources) >= {line.source for line in us.crisis_lines}
    assert RES.directories[0].source in us.sources


def test_directory_is_always_shown():
    for code in [*REQUIRED, "BR", "ZZ", None]:
        assert resources_for(code, RES).directory


def test_unknown_country_gets_the_fallback_without_a_guessed_number():
    for code in ("BR", "jp", "ZZ", "", None, "English", 12):
        res = resources_for(code, RES)
        assert res.is_fallback
        assert res.emergency.number is None
        assert res.emergency.label == "your local emergency number"
        assert not res.crisis_lines and not res.dv_lines
        assert "112" not in (res.message or "")
    assert resources_for("br", RES).country == "BR"


def test_a_country_without_a_national_line_lists_only_regional_ones():
    canada = resources_for("CA", RES)
    assert canada.note and canada.directory
    lines = (*canada.dv_lines, *canada.behaviour_lines)
    assert lines and all(line.region for line in lines)


def test_country_codes_are_normalised():
    assert resources_for("gb", RES).country == "GB"
    assert resources_for(" uk ", RES).country == "GB"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("en-GB", "GB"),
        ("en_US.UTF-8", "US"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "CA"),
        ("de", None),
        ("de,en-AU;q=0.5", "AU"),
        ("zh-Hant-TW", "TW"),
        ("", None),
        (None, None),
        ("xx-ZZ", None),
    ],
)
def test_country_from_locale(value, code):
    assert country_from_locale(value) == code


def test_professional_text_lists_no_provider():
    prof = load_professional(RES)
    assert {k.id for k in prof.kinds} == {
        "couples_therapy",
        "individual_therapy",
        "relationship_coaching",
    }
    assert "Emotionally Focused Therapy" in " ".join(k.text for k in prof.kinds)
    assert prof.what_to_look_for and prof.how_to_find and prof.safety_note
    assert prof.local == ()
    text = " ".join([prof.intro, *prof.what_to_look_for, *prof.how_to_find])
    assert not re.search(r"https?://|www\.|\d{3}", text), "no provider or number in the default"


# ---- host overrides


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_override_adds_local_professionals_and_keeps_the_default_text(tmp_path):
    write(
        tmp_path,
        "professional.yaml",
        """
local:
  - name: Riverside Couples Clinic
    kind: couples_therapy
    reach: {phone: "+44 20 7946 0000", url: "https://example.org/"}
    languages: [en, pl]
""",
    )
    res = load_resources(tmp_path)
    prof = res.professional
    assert prof.local[0].name == "Riverside Couples Clinic"
    assert prof.local[0].languages == ("en", "pl")
    assert prof.kinds == RES.professional.kinds


def test_override_adds_a_country_and_replaces_fields(tmp_path):
    write(
        tmp_path,
        "BR.yaml",
        """
country: BR
name: Brasil
emergency: {number: "190", label: Polícia, source: "https://www.gov.br/", checked: 2026-01-05}
crisis_lines: []
dv_lines: []
""",
    )
    write(tmp_path, "US.yaml", "name: United States of America\n")
    res = load_resources(tmp_path)
    assert resources_for("BR", res).emergency.number == "190"
    assert not resources_for("BR", res).is_fallback
    us = resources_for("US", res)
    assert us.name == "United States of America"
    assert us.emergency.number == "911"


def test_several_override_folders_apply_in_order(tmp_path):
    first, second = tmp_path / "clinic", tmp_path / "branch"
    first.mkdir()
    second.mkdir()
    write(first, "US.yaml", "name: From the clinic\n")
    write(first, "GB.yaml", "name: Britain (clinic)\n")
    write(second, "US.yaml", "name: From the branch\n")
    res = load_resources([first, second])
    assert resources_for("US", res).name == "From the branch"  # the later folder wins
    assert resources_for("GB", res).name == "Britain (clinic)"  # the earlier one still counts
    assert resources_for("US", res).emergency.number == "911"  # field by field


def test_the_domain_reads_no_environment_variable(tmp_path, monkeypatch):
    """Overrides come only from REATTUNE_RESOURCE_DIRS through the app's settings; the old,
    undocumented REATTUNE_RESOURCES_DIR does nothing."""
    write(tmp_path, "US.yaml", "name: Env override\n")
    monkeypatch.setenv("REATTUNE_RESOURCES_DIR", str(tmp_path))
    assert resources_for("US", load_resources()).name != "Env override"


@pytest.mark.parametrize(
    ("name", "text", "field", "problem"),
    [
        (
            "US.yaml",
            'emergency: {number: "91a", label: x, source: "https://x.org/", checked: 2026-01-01}\n',
            "emergency.number",
            "does not match",
        ),
        (
            "US.yaml",
            'emergency: {number: "911", label: x, source: "http://x.org/", checked: 2026-01-01}\n',
            "emergency.source",
            "does not match",
        ),
        (
            "US.yaml",
            'emergency: {number: "911", label: x, checked: 2026-01-01}\n',
            "emergency",
            "'source' is a required property",
        ),
        (
            "US.yaml",
            'emergency: {number: "911", label: x, source: "https://x.org/", checked: 2026-02-30}\n',
            "emergency.checked",
            "not a real date",
        ),
        ("US.yaml", "country: CA\n", "country", "does not match the file name"),
        (
            "XK.yaml",
            "country: XK\nname: x\ncrisis_lines: []\ndv_lines: []\n"
            'emergency: {number: "1", label: x, source: "https://x.org/", checked: 2026-01-01}\n',
            "country",
            "not an ISO 3166-1 alpha-2 code",
        ),
        ("Germany.yaml", "kind: country\n", "(file)", "file names must be"),
        (
            "US.yaml",
            "dv_lines: [{name: x, phone: '1', description: d, checked: 2026-01-01}]\n",
            "dv_lines[0]",
            "'source' is a required property",
        ),
        (
            "professional.yaml",
            "local: [{name: X, kind: psychic, reach: {phone: '1'}}]\n",
            "local[0].kind",
            "is not one of",
        ),
        ("US.yaml", "crisis_lines: [\n", "line", "YAML syntax error"),
    ],
)
def test_validation_errors_name_file_field_and_problem(tmp_path, name, text, field, problem):
    path = write(tmp_path, name, text)
    with pytest.raises(SafetyDataError) as info:
        load_resources(tmp_path)
    err = info.value
    assert err.path == str(path)
    assert err.where.startswith(field), err
    assert problem in err.problem, err
    assert str(path) in str(err)


def test_missing_override_folder_is_reported(tmp_path):
    with pytest.raises(SafetyDataError, match="does not exist"):
        load_resources(tmp_path / "nope")


# --- lines for men, LGBTQ+ people and people worried about their own behaviour (issue 14) -----


def test_a_line_for_women_never_says_anyone():
    for country in RES.countries.values():
        for line in country.dv_lines:
            if "women" in line.audience:
                assert "anyone" not in line.description.lower(), (country.country, line.name)
                assert "women" in line.description.lower(), (country.country, line.name)


def test_audience_lines_say_who_they_are_for():
    words = {"men": "men", "lgbtq": "lgb"}
    for country in RES.countries.values():
        for line in (*country.dv_lines, *country.behaviour_lines):
            for who, word in words.items():
                if who in line.audience:
                    assert word in line.description.lower(), (country.country, line.name)
            assert line.audience_label is None or line.audience_label.startswith("For ")


@pytest.mark.parametrize(
    ("code", "men", "lgbtq", "behaviour"),
    [
        ("GB", "0808 801 0327", "0800 999 5428", "0808 802 4040"),
        ("AU", "1300 78 99 78", "1800 184 527", "1300 766 491"),
        ("DE", "0800 1239900", None, None),
        ("ES", None, "028", None),
        ("FR", None, None, "08 019 019 11"),
        ("IE", "01 554 3811", None, None),
        ("IT", None, "800 713 713", None),
        ("NL", None, None, "0800-2000"),
        ("NZ", None, None, "0800 439 276"),
        ("CA", None, None, "211"),
        ("US", None, "617-742-4911", "877-898-3411"),
    ],
)
def test_lines_for_men_lgbtq_people_and_own_behaviour(code, men, lgbtq, behaviour):
    country = RES.countries[code]
    phones = {
        who: [x.phone for x in country.dv_lines if who in x.audience] for who in ("men", "lgbtq")
    }
    if men:
        assert men in phones["men"]
    if lgbtq:
        assert lgbtq in phones["lgbtq"]
    if behaviour:
        assert behaviour in [x.phone for x in country.behaviour_lines]
    for line in (*country.dv_lines, *country.behaviour_lines):
        assert line.source.startswith("https://") and line.checked


def test_every_country_says_which_lines_it_could_not_confirm():
    for path in sorted(RESOURCES_DIR.glob("[A-Z][A-Z].yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds = {
            "men": any("men" in x.get("for", ()) for x in data["dv_lines"]),
            "lgbtq": any("lgbtq" in x.get("for", ()) for x in data["dv_lines"]),
            "behaviour": bool(data.get("behaviour_lines")),
        }
        if not all(kinds.values()):
            assert data.get("not_found"), path.name


def test_an_unknown_audience_is_refused(tmp_path):
    (tmp_path / "GB.yaml").write_text(
        "behaviour_lines:\n  - {name: X, phone: '1', description: d, source: 'https://x.org/', "
        "checked: 2026-12-06, for: [children]}\n",
        encoding="utf-8",
    )
    with pytest.raises(SafetyDataError, match="behaviour_lines"):
        load_resources(override_dir=tmp_path)
