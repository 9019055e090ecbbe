"""Precision, recall and F1 per label of the coach analyzer on the labelled corpus.

Run from the repository root: python bench/coach_eval.py
Prints a table and writes bench/results/coach_eval.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reattune.domain.coach import analyze  # noqa: E402
from reattune.domain.coach.labels import LABELS  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "coach_corpus.jsonl"
RESULTS = ROOT / "bench" / "results" / "coach_eval.json"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(corpus: list[dict]) -> dict:
    if not corpus:
        return {"messages": 0, "exact_match": 0.0, "macro_f1": 0.0, "labels": {}, "errors": []}
    counts = {label: {"tp": 0, "fp": 0, "fn": 0} for label in LABELS}
    errors: list[dict] = []
    for item in corpus:
        expected = set(item["labels"])
        got = analyze(item["text"]).labels
        for label in LABELS:
            if label in got and label in expected:
                counts[label]["tp"] += 1
            elif label in got:
                counts[label]["fp"] += 1
            elif label in expected:
                counts[label]["fn"] += 1
        if got != expected:
            errors.append(
                {
                    "text": item["text"],
                    "missing": sorted(expected - got),
                    "extra": sorted(got - expected),
                }
            )
    per_label = {}
    for label, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            **c,
            "support": c["tp"] + c["fn"],
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    exact = sum(1 for item in corpus if analyze(item["text"]).labels == set(item["labels"]))
    return {
        "messages": len(corpus),
        "exact_match": round(exact / len(corpus), 4),
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(per_label), 4),
        "labels": per_label,
        "errors": errors,
    }


def _table(title: str, report: dict) -> None:
    print(f"\n{title}: {report['messages']} messages")
    print(f"{'label':<20} {'support':>7} {'precision':>9} {'recall':>7} {'f1':>6}")
    for label, row in report["labels"].items():
        print(
            f"{label:<20} {row['support']:>7} {row['precision']:>9.3f} "
            f"{row['recall']:>7.3f} {row['f1']:>6.3f}"
        )
    print(f"macro F1 {report['macro_f1']:.3f}, exact label-set match {report['exact_match']:.3f}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    corpus = load_corpus()
    # "development" sentences were used while writing the lexicons; "holdout" sentences were
    # written afterwards and never used for tuning, so they show how well it generalises.
    report = {
        "all": evaluate(corpus),
        "development": evaluate([item for item in corpus if item.get("split") != "holdout"]),
        "holdout": evaluate([item for item in corpus if item.get("split") == "holdout"]),
    }
    for name in ("all", "development", "holdout"):
        _table(name, report[name])
    if "--errors" in argv:
        for error in report["all"]["errors"]:
            print(f"- {error['text']!r} missing={error['missing']} extra={error['extra']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
