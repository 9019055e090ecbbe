"""Messages per second on one core: the coach analyzer and VADER on the same corpus texts.

Run from the repository root: python bench/coach_speed.py [--rounds N]
Prints both rates and their ratio, and writes bench/results/coach_speed.json. The texts are
every message of tests/data/coach_corpus.jsonl (development and the first holdout). The
analyzer is timed as shipped (rules and, unless learned.USE_MODEL is off, the learned second
stage), and with the rules alone, so the learned stage's cost shows.

Both are timed with CPU time of this process (time.process_time), pinned to one CPU where the
system allows it, in alternating rounds, keeping each one's best round. CPU time keeps the
comparison fair on a busy machine, where wall-clock time also counts waiting for the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reattune.domain.coach import analyze, learned  # noqa: E402
from reattune.domain.coach.analyzer import analyze_with  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "coach_corpus.jsonl"
RESULTS = ROOT / "bench" / "results" / "coach_speed.json"
TARGET = 20000  # the target: at least 20,000 messages per second on one core


def load_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _rate(function, texts: list[str]) -> float:
    started = time.process_time()
    for text in texts:
        function(text)
    elapsed = time.process_time() - started
    return len(texts) / elapsed if elapsed > 0 else float("inf")


def measure(texts: list[str], rounds: int) -> dict:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    batch = texts * 4  # longer rounds measure more steadily
    for text in texts:  # warm up: compiled lexicons and caches on both sides
        analyze(text)
        vader.polarity_scores(text)

    def rules_only(text: str) -> object:
        return analyze_with(text, "en", None)

    model = learned.load_model()

    def with_model(text: str) -> object:
        return analyze_with(text, "en", model)

    ours: list[float] = []
    theirs: list[float] = []
    rules: list[float] = []
    modelled: list[float] = []
    for _ in range(rounds):
        modelled.append(_rate(with_model, batch))
        ours.append(_rate(analyze, batch))
        theirs.append(_rate(vader.polarity_scores, batch))
        rules.append(_rate(rules_only, batch))
    best_ours, best_vader, best_rules = max(ours), max(theirs), max(rules)
    best_modelled = max(modelled)
    return {
        "corpus": str(CORPUS.relative_to(ROOT)),
        "messages": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "rounds": rounds,
        "timer": "time.process_time (CPU time, one process)",
        "python": platform.python_version(),
        "learned_stage": learned.USE_MODEL,
        "ours_messages_per_second": round(best_ours),
        "rules_only_messages_per_second": round(best_rules),
        "with_learned_stage_messages_per_second": round(best_modelled),
        "vader_messages_per_second": round(best_vader),
        # time per message with the learned stage over time per message with the rules alone
        "learned_stage_time_ratio": round(best_rules / best_modelled, 3),
        "ratio_ours_to_vader": round(best_ours / best_vader, 3),
        "ours_rounds": [round(r) for r in ours],
        "vader_rounds": [round(r) for r in theirs],
        "target_messages_per_second": TARGET,
        "meets_target": best_ours >= TARGET,
        "faster_than_vader": best_ours > best_vader,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass
    report = measure(load_texts(), args.rounds)
    print(f"{report['messages']} messages, mean {report['mean_chars']} characters")
    shipped = "with" if report["learned_stage"] else "without"
    print(
        f"coach analyzer: {report['ours_messages_per_second']:>8} messages/s (one core;"
        f" as shipped, {shipped} the learned stage)"
    )
    print(f"  rules only:   {report['rules_only_messages_per_second']:>8} messages/s (one core)")
    print(
        f"  with learned stage: {report['with_learned_stage_messages_per_second']:>8} messages/s"
        " (one core)"
    )
    print(
        "  the learned stage takes"
        f" {report['learned_stage_time_ratio']:.2f} times the rules' time per message"
    )
    print(f"VADER:          {report['vader_messages_per_second']:>8} messages/s (one core)")
    print(f"ratio (coach / VADER): {report['ratio_ours_to_vader']:.2f}")
    print(
        f"target {TARGET}/s met: {report['meets_target']}; "
        f"faster than VADER: {report['faster_than_vader']}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
