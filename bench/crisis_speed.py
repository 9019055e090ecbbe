"""How long the crisis check takes, before and after its prefilter, in one run.

Run from the repository root: python bench/crisis_speed.py [--rounds N]
Prints milliseconds per call and regex characters per text character for a few texts and for
the whole dev corpus (tests/data/crisis/dev, one call per sentence; the holdout is never read),
and writes bench/results/crisis_speed.json.

"before" is the check as it was: every rule tried on every piece with a trigger word
(``crisis._check(..., prefilter=False)``) and the second stage scoring with the old per-feature
loop (kept below as ``_old_scores``). "after" is :func:`detect_crisis` as shipped: a rule is only
tried on a piece that has the strings every match of it contains, the trigger words are looked
for only once a rule matches, and the second stage sums whole columns. Both give the same
results (tests/domain/test_crisis.py::test_the_prefilter_changes_no_result and
tests/domain/test_crisis_model.py compare them); this script checks that too, on every text it
times.

Timed with CPU time of this process (time.process_time), in alternating rounds, keeping each
side's best round: a busy machine then slows neither side more than the other.

"cold start" times, in fresh processes (CPU seconds, best of --rounds), loading every shipped
lexicon and then the first check (rules only), then the first question to the learned second
stage (reading reattune/data/crisis_model.json and scoring one sentence). "after" is as shipped: a lexicon file is parsed once when it is
loaded, and that one parse gives each rule's lower-case twin and the strings it needs (the
case-insensitive pattern is only compiled if something asks for it), so the first check only
searches. "before" is the way it was, replayed: every rule's case-insensitive pattern compiled at
load, and the twins, the needed strings (parsing every pattern again) and the prefilter's search
made by the first check.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import subprocess  # noqa: E402

from bench.crisis_eval import load_part  # noqa: E402
from reattune.domain.safety import crisis, crisis_model  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "crisis_speed.json"
SENTENCE = "We argued about the holidays again and I felt very alone. "
TEXTS = {
    "check-in answer (120 chars)": "Honestly this week was heavy. Work ran late, we barely "
    "talked, and I felt alone on Sunday.",
    "1 kB": (SENTENCE * 20)[:1_000],
    "20 kB": (SENTENCE * 400)[:20_000],
    "20 kB one sentence": ("and we talked about the kids " * 700)[:20_000],
    "20 kB crisis words": ("I want to die. He said he would kill me. " * 500)[:20_000],
}


def _old_scores(self, text, meter=None):
    """crisis_model.Model.scores as it was (one feature at a time), for the "before" side."""
    counts = crisis_model.features(self.tokens(text), self.char_min, self.char_max)
    if not counts:
        return None
    if meter is not None:
        meter[0] += len(text) + sum(counts.values())
    n = len(self.labels)
    sums = [0] * n
    squares = 0
    for key, count in counts.items():
        squares += count * count
        row = self.weights.get(key)
        if row is not None:
            for k in range(n):
                sums[k] += count * row[k]
    norm = math.sqrt(squares)
    return [self.bias[k] + self.scale * sums[k] / norm for k in range(n)]


def before(text: str) -> crisis.CrisisResult:
    shipped = crisis_model.Model.scores
    crisis_model.Model.scores = _old_scores
    try:
        return crisis._check(text, None, crisis._Meter(), crisis.USE_MODEL, prefilter=False)
    finally:
        crisis_model.Model.scores = shipped


def after(text: str) -> crisis.CrisisResult:
    return crisis.detect_crisis(text)


def work(text: str, prefilter: bool) -> int:
    meter = crisis._Meter()
    crisis._check(text, None, meter, prefilter=prefilter)
    return meter.chars


_COLD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
old = sys.argv[2] == "before"
from reattune.domain.safety import crisis
made_at_load = crisis._compile_rule, crisis._prefilter
compiled = {}


def compile_rule_as_before(source, defs, path, where):
    pattern = crisis._compile(source, defs, path, where)
    compiled[pattern.pattern] = pattern
    return pattern.pattern


if old:  # the way it was: IGNORECASE patterns at load, everything else left to the first check
    crisis._compile_rule, crisis._prefilter = compile_rule_as_before, lambda rules: None
started = time.process_time()
lexicons = [crisis.load_lexicon(code) for code in crisis._shipped_languages()]
if old:
    crisis._compile_rule, crisis._prefilter = made_at_load
    for lexicon in lexicons:
        for rule in lexicon.rules:
            rule.__dict__["pattern"] = compiled[rule.source]
loaded = time.process_time()
crisis.detect_crisis("We argued about the holidays again and I felt alone.", model=False)
first = time.process_time()
crisis._model_spans("We argued about the holidays again and I felt alone.")  # reads the model
model = time.process_time()
print(json.dumps({"load_s": loaded - started, "first_check_s": first - loaded,
                  "first_model_check_s": model - first}))
"""


def cold_start(rounds: int) -> dict:
    """CPU seconds to load every lexicon and to run the first check, each in a fresh process."""
    out = {}
    for side in ("before", "after"):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", _COLD, str(ROOT), side],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(rounds)
        ]
        out[side] = {key: round(min(r[key] for r in runs), 3) for key in runs[0]}
    return out


def _cpu(fn, texts: list[str]) -> float:
    started = time.process_time()
    for text in texts:
        fn(text)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass
    dev = [c["text"] for cases in load_part("dev").values() for c in cases]
    cases = {name: [text] for name, text in TEXTS.items()}
    cases[f"dev corpus ({len(dev)} sentences, one call each)"] = dev
    after("warm up the lexicons, the model and the prefilter")
    before("warm up the lexicons, the model and the prefilter")
    rows = {}
    for name, texts in cases.items():
        mismatch = [t[:60] for t in texts if before(t) != after(t)]
        if mismatch:
            print(f"DIFFERENT RESULTS on {name}: {mismatch[:3]}", file=sys.stderr)
            return 1
        best = {"before": math.inf, "after": math.inf}
        for _ in range(args.rounds):
            for side, fn in (("before", before), ("after", after)):
                best[side] = min(best[side], _cpu(fn, texts))
        chars = sum(len(t) for t in texts)
        rows[name] = {
            "ms_before": round(best["before"] * 1000 / len(texts), 2),
            "ms_after": round(best["after"] * 1000 / len(texts), 2),
            "speed_up": round(best["before"] / max(best["after"], 1e-9), 1),
            "regex_chars_per_char_before": round(sum(work(t, False) for t in texts) / chars, 1),
            "regex_chars_per_char_after": round(sum(work(t, True) for t in texts) / chars, 1),
        }
    width = max(map(len, rows))
    print(f"{'text':<{width}}  ms/call before  after  x     regex chars/char before  after")
    for name, row in rows.items():
        print(
            f"{name:<{width}}  {row['ms_before']:>14}  {row['ms_after']:>5}  "
            f"{row['speed_up']:<5} {row['regex_chars_per_char_before']:>23}  "
            f"{row['regex_chars_per_char_after']:>5}"
        )
    cold = cold_start(args.rounds)
    for side, row in cold.items():
        print(
            f"cold start, {side}: load every lexicon {row['load_s']:.3f} s CPU, "
            f"first check {row['first_check_s']:.3f} s CPU"
        )
    report = {
        "machine": {
            "python": platform.python_version(),
            "nproc": os.cpu_count(),
            "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
        "rounds": args.rounds,
        "timer": "process_time, best round per side",
        "rows": rows,
        "cold_start_cpu_s": cold,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
