"""The data-file kit: one reader, one schema check, one error, one start-up check of every file."""

import shutil

import pytest
import yaml

from reattune.domain import datafile
from reattune.domain.coach.lexicon import LexiconError as CoachLexiconError
from reattune.domain.concepts import ConceptError, ConceptFileError
from reattune.domain.data_check import fingerprint, validate_all, validate_all_once
from reattune.domain.datafile import (
    DATA_DIR,
    DataFileError,
    check,
    field_path,
    read_yaml,
    validator,
)
from reattune.domain.instruments import InstrumentError
from reattune.domain.plan.library import PracticeError
from reattune.domain.safety.crisis import LexiconError as CrisisLexiconError
from reattune.domain.safety.resources import SafetyDataError


def test_field_paths_read_like_the_file():
    assert field_path(["items", 3, "scale"]) == "items[3].scale"
    assert field_path([0, "id"]) == "[0].id"
    assert field_path([]) == "(top)"
    assert field_path([], top="(top level)") == "(top level)"


def test_every_loader_error_is_a_data_file_error():
    for error in (
        InstrumentError,
        PracticeError,
        ConceptFileError,
        SafetyDataError,
        CoachLexiconError,
        CrisisLexiconError,
    ):
        assert issubclass(error, DataFileError), error
    assert issubclass(ConceptFileError, ConceptError)  # callers catching ConceptError still do


def test_the_error_names_file_field_and_problem(tmp_path):
    err = DataFileError(tmp_path / "x.yaml", "items[3].scale", "unknown scale 'freq5'")
    assert str(err) == "x.yaml: items[3].scale: unknown scale 'freq5'"
    assert (err.file, err.field, err.where, err.problem) == (
        "x.yaml",
        "items[3].scale",
        "items[3].scale",
        "unknown scale 'freq5'",
    )
    assert err.path == tmp_path / "x.yaml"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (None, "(file)", "cannot read"),
        ("a: [1,\n", "line 2, column 1", "YAML syntax error"),
        ("# only a comment\n", "(file)", "file is empty"),
    ],
)
def test_reading_reports_missing_broken_and_empty_files(tmp_path, text, field, problem):
    path = tmp_path / "x.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_yaml(path)
    assert caught.value.file == "x.yaml"
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_reading_keeps_dates_as_text_and_raises_the_loaders_error(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("checked: 2025-01-31\n", encoding="utf-8")
    assert read_yaml(path) == {"checked": "2025-01-31"}
    with pytest.raises(PracticeError):
        read_yaml(tmp_path / "missing.yaml", PracticeError)


def test_validators_are_built_once_per_schema_and_definition():
    assert validator("concepts.schema.json") is validator("concepts.schema.json")
    assert validator("practice.schema.json", "ladderFile") is not validator(
        "practice.schema.json", "ritualsFile"
    )


def test_check_names_the_field_and_unknown_fields():
    with pytest.raises(DataFileError, match=r"^c.yaml: signs.numbness.title: 3 is not of type"):
        check(
            {
                "areas": {},
                "signs": {"numbness": {"area": "x", "title": 3}},
                "causes": {},
                "patterns": {},
                "care_channels": {},
                "practices": {},
            },
            "concepts.schema.json",
            "c.yaml",
        )
    with pytest.raises(PracticeError, match=r"^l.yaml: \(top\): unknown field 'colour'"):
        check(
            {"colour": 1},
            "practice.schema.json",
            "l.yaml",
            definition="ladderFile",
            error=PracticeError,
        )


def test_the_shipped_data_passes_every_check():
    found = validate_all()
    assert found["concepts"] == 1
    assert found["coach_lexicons"] == 15
    assert found["crisis_lexicons"] >= 1
    assert all(count > 0 for count in found.values()), found
    # a copy of the data folder passes too (nothing depends on where it lives)
    assert validate_all(DATA_DIR) == found


BROKEN_TOP = [
    ("concepts.yaml", "concepts.yaml", "(top)", ConceptError),
    ("learn/signs.yaml", "signs.yaml", "(top)", ConceptError),
    ("instruments/connection_check.yaml", "connection_check.yaml", "(top)", InstrumentError),
    ("practices.yaml", "practices.yaml", "(top)", PracticeError),
    ("ladder.yaml", "ladder.yaml", "(top)", PracticeError),
    ("agreements.yaml", "agreements.yaml", "(top)", PracticeError),
    ("rituals.yaml", "rituals.yaml", "(top)", PracticeError),
    ("lexicons/en/templates.yaml", "en/templates.yaml", "(top level)", CoachLexiconError),
    ("lexicons/en/crisis.yaml", "en/crisis.yaml", "(top)", CrisisLexiconError),
    ("resources/GB.yaml", "GB.yaml", "(top level)", SafetyDataError),
    ("resources/professional.yaml", "professional.yaml", "(top level)", SafetyDataError),
    ("safety/screen.yaml", "screen.yaml", "(top level)", SafetyDataError),
    ("safety/safety_plan.yaml", "safety_plan.yaml", "(top level)", SafetyDataError),
    ("safety/safety_mode.yaml", "safety_mode.yaml", "(top level)", SafetyDataError),
]


def _copy(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


@pytest.mark.parametrize(("relative", "name", "field", "error"), BROKEN_TOP)
def test_one_broken_file_of_any_kind_fails_the_whole_check(tmp_path, relative, name, field, error):
    root = _copy(tmp_path)
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + "\ncolour: red\n", encoding="utf-8")
    with pytest.raises(error) as caught:
        validate_all(root)
    assert isinstance(caught.value, DataFileError)
    assert caught.value.field == field
    assert caught.value.problem == "unknown field 'colour'"
    assert name in str(caught.value)


def test_a_stamp_skips_the_check_only_for_the_very_files_found_good(tmp_path):
    root = _copy(tmp_path)
    stamp = tmp_path / "state" / ".data-check"
    stamp.parent.mkdir()
    found = validate_all_once(stamp, root)
    assert found == validate_all(root)
    assert stamp.read_text(encoding="ascii").strip() == fingerprint(root)
    assert oct(stamp.stat().st_mode & 0o777) == "0o600"
    assert validate_all_once(stamp, root) is None  # nothing changed: not checked again

    # one byte more in any file: checked again, and the broken file still stops start-up
    path = root / "lexicons" / "en" / "crisis.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\ncolour: red\n", encoding="utf-8")
    with pytest.raises(CrisisLexiconError, match="unknown field 'colour'"):
        validate_all_once(stamp, root)
    assert stamp.read_text(encoding="ascii").strip() != fingerprint(root)
    with pytest.raises(CrisisLexiconError):  # and again on the next start
        validate_all_once(stamp, root)

    path.write_text(good, encoding="utf-8")
    assert validate_all_once(stamp, root) is None  # the good files, as stamped before


def test_a_new_file_or_another_host_folder_changes_the_fingerprint(tmp_path):
    root = _copy(tmp_path)
    before = fingerprint(root)
    (root / "resources" / "extra.txt").write_text("x", encoding="utf-8")
    assert fingerprint(root) != before
    host = tmp_path / "host"
    host.mkdir()
    with_host = fingerprint(root, resource_dirs=[host])
    assert with_host != fingerprint(root)
    (host / "XX.yaml").write_text("x: 1\n", encoding="utf-8")
    assert fingerprint(root, resource_dirs=[host]) != with_host
    assert fingerprint(root, compile_crisis=True) != fingerprint(root)


def test_a_stamp_that_cannot_be_written_means_checking_every_time(tmp_path):
    root = _copy(tmp_path)
    stamp = tmp_path / "no such folder" / ".data-check"
    assert validate_all_once(stamp, root) == validate_all(root)
    assert validate_all_once(stamp, root) is not None
    assert not stamp.parent.exists()


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("relative", "change", "message"),
    [
        (
            "concepts.yaml",
            lambda d: d["signs"]["numbness"].update(area="nowhere"),
            "concepts.yaml: signs.numbness.area: unknown area 'nowhere'",
        ),
        (
            "concepts.yaml",
            lambda d: d["causes"].update({"Bad Id": "Bad"}),
            "concepts.yaml: causes: 'Bad Id' does not match",
        ),
        (
            "lexicons/en/emotions.yaml",
            lambda d: d["families"]["joy"]["words"]["glad"].update(needs_feel="yes"),
            "en/emotions.yaml: families.joy.words.glad.needs_feel: 'yes' is not of type 'boolean'",
        ),
        (
            "lexicons/en/blame.yaml",
            lambda d: d["cause"].append("{nope} x"),
            "en/blame.yaml: cause[",
        ),
        (
            "instruments/connection_check.yaml",
            lambda d: d["items"][0].update(scale="freq9"),
            "connection_check.yaml: items[0].scale: unknown scale 'freq9'",
        ),
    ],
)
def test_schema_and_meaning_problems_name_the_field(tmp_path, relative, change, message):
    root = _copy(tmp_path)
    _edit(root / relative, change)
    with pytest.raises(DataFileError) as caught:
        validate_all(root)
    assert message in str(caught.value)


def test_a_broken_host_resource_folder_fails_the_check(tmp_path):
    folder = tmp_path / "resources"
    folder.mkdir()
    (folder / "GB.yaml").write_text("kind: country\ncountry: GB\ncolour: red\n", encoding="utf-8")
    with pytest.raises(SafetyDataError) as caught:
        validate_all(_copy(tmp_path), resource_dirs=[folder])
    assert caught.value.path == str(folder / "GB.yaml")


def test_no_loader_computes_its_own_data_folder():
    from reattune.domain import concepts
    from reattune.domain.coach import lexicon
    from reattune.domain.instruments import loader
    from reattune.domain.plan import library
    from reattune.domain.safety import resources, screen

    assert concepts.CONCEPTS_FILE.parent == DATA_DIR
    assert loader.SHIPPED_DIR.parent == DATA_DIR
    assert library.PRACTICES_FILE.parent == DATA_DIR
    assert lexicon.LEXICON_ROOT.parent == DATA_DIR
    assert resources.RESOURCES_DIR.parent == DATA_DIR
    assert screen.SCREEN_FILE.parents[1] == DATA_DIR
    assert datafile.SCHEMA_DIR == DATA_DIR / "schemas"
