"""Precision, recall and F1 per label of the coach analyzer on the labelled corpus.

Run from the repository root: python bench/coach_eval.py [--dev-only] [--errors] [--no-cv]
Prints a table per part and writes bench/results/coach_eval.json.

The analyzer is the rules plus the learned second stage (reattune/domain/coach/learned.py),
which learned.USE_MODEL switches on or off for analyze(); holdout2 is measured as analyze()
gives it (so with the switch as set). The learned stage is measured here either way. On the
development part it is measured out of fold: `development (CV)` scores each message with a model trained (by
scripts/train_coach_model.py's procedure, with the shipped setting and cut-offs) on the other
four folds, next to `development, rules only`. In-sample figures of the shipped model on the
messages it was trained on are never printed. --no-cv skips the cross-validation (about a
minute) and prints the development part with the rules only.

Three parts, kept apart:
  development  tests/data/coach_corpus.jsonl without a split: written with the lexicons and
               used to tune them.
  holdout      tests/data/coach_corpus.jsonl, split "holdout": 60 messages written after the
               first lexicons, kept for reference.
  holdout2     tests/data/coach_holdout.jsonl: written separately, in another voice, and never
               used to tune anything. Only its figures are printed or written, never a message
               (--errors lists development and holdout messages only). --dev-only skips it
               without opening it: use that while tuning.
The holdout targets are checked on holdout2: macro F1 at least 0.90, at least 0.85 on
contempt, criticism, defensiveness, disguised blame and stonewalling, no label below 0.80.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reattune.domain.coach import analyze, learned  # noqa: E402
from reattune.domain.coach.analyzer import analyze_with  # noqa: E402
from reattune.domain.coach.labels import LABELS  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "coach_corpus.jsonl"
HOLDOUT2 = ROOT / "tests" / "data" / "coach_holdout.jsonl"
RESULTS = ROOT / "bench" / "results" / "coach_eval.json"
TARGET_MACRO_F1 = 0.90
TARGET_KEY_LABELS = ("contempt", "criticism", "defensiveness", "disguised_blame", "stonewalling")
TARGET_KEY_F1 = 0.85
TARGET_ANY_F1 = 0.80


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def rules_only(text: str) -> set[str]:
    return analyze_with(text, "en", None).labels


def shipped(text: str) -> set[str]:
    """As analyze() gives them: the rules, and the learned stage if learned.USE_MODEL."""
    return analyze(text).labels


def with_model(text: str) -> set[str]:
    return analyze_with(text, "en", learned.load_model()).labels


def evaluate(corpus: list[dict], labels_of=shipped) -> dict:
    if not corpus:
        return {"messages": 0, "exact_match": 0.0, "macro_f1": 0.0, "labels": {}, "errors": []}
    counts = {label: {"tp": 0, "fp": 0, "fn": 0} for label in LABELS}
    errors: list[dict] = []
    for item in corpus:
        expected = set(item["labels"])
        got = labels_of(item["text"])
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
    exact = len(corpus) - len(errors)
    return {
        "messages": len(corpus),
        "exact_match": round(exact / len(corpus), 4),
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(per_label), 4),
        "labels": per_label,
        "errors": errors,
    }


def figures_only(report: dict) -> dict:
    """The report without any message: for the separate holdout."""
    return {key: value for key, value in report.items() if key != "errors"}


def targets(report: dict) -> dict:
    """The holdout targets on one part: each one met or not."""
    rows = report["labels"]
    # A label with no example in the part cannot be judged; it is left out of "no label below".
    judged = {label: row["f1"] for label, row in rows.items() if row["support"]}
    return {
        f"macro F1 >= {TARGET_MACRO_F1}": report["macro_f1"] >= TARGET_MACRO_F1,
        **{
            f"{label} F1 >= {TARGET_KEY_F1}": rows[label]["f1"] >= TARGET_KEY_F1
            for label in TARGET_KEY_LABELS
        },
        f"every label F1 >= {TARGET_ANY_F1}": all(f1 >= TARGET_ANY_F1 for f1 in judged.values()),
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


def cross_validated_development() -> dict:
    """The development part, rules plus learned stage, every message scored out of fold."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from train_coach_model import cross_validated

    items, folds, models = cross_validated()
    by_text: dict[str, set[str]] = {}
    for item, fold in zip(items, folds, strict=True):
        by_text[item["text"]] = analyze_with(item["text"], "en", models[fold]).labels
    return evaluate(items, by_text.__getitem__)


def main(argv: list[str] | None = None, holdout2: Path = HOLDOUT2) -> int:
    argv = sys.argv[1:] if argv is None else argv
    corpus = load_corpus()
    development = [item for item in corpus if item.get("split") != "holdout"]
    first_holdout = [item for item in corpus if item.get("split") == "holdout"]
    # "development" sentences were used while writing the lexicons and training the model;
    # "holdout" sentences were written afterwards (the model never saw them), and "holdout2"
    # separately by someone else: neither was used to tune.
    report = {
        "development, rules only": evaluate(development, rules_only),
        "holdout, rules only": evaluate(first_holdout, rules_only),
    }
    names = list(report)
    # The learned stage is measured whether or not learned.USE_MODEL switches it on.
    if "--no-cv" not in argv:
        report["development (CV), rules + model"] = cross_validated_development()
        names.append("development (CV), rules + model")
    report["holdout, rules + model"] = evaluate(first_holdout, with_model)
    names.append("holdout, rules + model")
    if "--dev-only" in argv:
        report["holdout2"] = {"skipped": "--dev-only"}
    elif not holdout2.is_file():
        report["holdout2"] = {"skipped": f"{holdout2.name} not present"}
    else:
        report["holdout2"] = figures_only(evaluate(load_corpus(holdout2)))
        report["holdout2"]["targets"] = targets(report["holdout2"])
        names.append("holdout2")
    for name in names:
        _table(name, report[name])
    if "holdout2" in names:
        print("\nholdout targets on holdout2:")
        for target, met in report["holdout2"]["targets"].items():
            print(f"  {target}: {'met' if met else 'NOT met'}")
    else:
        print(f"\nholdout2: {report['holdout2']['skipped']}")
    if "--errors" in argv:
        # Development and the first holdout only: holdout2's messages are never shown.
        shown = "development (CV), rules + model"
        if shown not in report:
            shown = "development, rules only"
        first = (
            "holdout, rules + model"
            if "holdout, rules + model" in report
            else "holdout, rules only"
        )
        for error in report[shown]["errors"] + report[first]["errors"]:
            print(f"- {error['text']!r} missing={error['missing']} extra={error['extra']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
