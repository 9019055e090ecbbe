"""Settings read from the environment: a value the code cannot read stops start-up with its name."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from reattune.settings import env_bool


@pytest.mark.parametrize("word", ["1", "true", "Yes", " on "])
def test_it_reads_true_words(word):
    with mock.patch.dict(os.environ, {"REATTUNE_X": word}):
        assert env_bool("REATTUNE_X") is True


@pytest.mark.parametrize("word", ["0", "false", "NO", "off"])
def test_it_reads_false_words(word):
    with mock.patch.dict(os.environ, {"REATTUNE_X": word}):
        assert env_bool("REATTUNE_X", default=True) is False


def test_an_empty_value_gives_the_default():
    with mock.patch.dict(os.environ, {"REATTUNE_X": " "}):
        assert env_bool("REATTUNE_X", default=True) is True


@pytest.mark.parametrize("word", ["ture", "enable", "2", "y e s"])
def test_it_refuses_anything_else_and_names_the_variable(word):
    with mock.patch.dict(os.environ, {"REATTUNE_X": word}):
        with pytest.raises(ImproperlyConfigured, match="REATTUNE_X"):
            env_bool("REATTUNE_X")


def test_a_typo_stops_the_server_with_a_clear_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REATTUNE_DATA_DIR=str(tmp_path), REATTUNE_HTTPS="ture")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-m", "reattune", "manage", "check"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode != 0
    assert "REATTUNE_HTTPS" in run.stderr and "ture" in run.stderr
