import json
import subprocess
import sys

from reattune.cli import main


def test_it_prints_readable_feedback(capsys):
    assert main(["coach", "You never listen to me"]) == 0
    out = capsys.readouterr().out
    assert "Blame" in out
    assert "Another way to say it" in out


def test_it_reads_stdin_and_prints_json():
    result = subprocess.run(
        [sys.executable, "-m", "reattune", "coach", "--json"],
        input="I feel lonely when we only talk about chores",
        text=True,
        capture_output=True,
        timeout=120,  # a hang guard: a busy 2-core machine starts Python slowly
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any(f["label"] == "feeling_named" for f in data["analysis"]["findings"])


def test_it_refuses_empty_and_too_long_text(capsys):
    assert main(["coach", " "]) == 2
    assert main(["coach", "x" * 5001]) == 2
    assert "5,000 characters" in capsys.readouterr().err


GOOD_COMPLAINT = (
    "I felt lonely last night when you were on your phone. Could we keep phones away at dinner?"
)


def test_a_good_message_is_left_as_it_is(capsys):
    assert main(["coach", GOOD_COMPLAINT]) == 0
    out = capsys.readouterr().out
    assert "Another way to say it" not in out
    assert "Leave it as it is" in out
