"""Recall and false alarms of the crisis detector, per kind and language, on dev and holdout.

Run from the repository root: python bench/crisis_eval.py [--errors] [--dev-only]
Reads every tests/data/crisis/{dev,holdout}/<lang>.yaml, prints one table per part and writes
bench/results/crisis_eval.json.

The dev part was used while writing the lexicons; the holdout part was written separately and
is never used to tune them, so it shows how well the rules generalise. ``--errors`` lists the
misses and false alarms of the dev part only (the holdout's are counted, never listed).

Figures per part and language:
- recall per topic (crisis topics), and for explicit vs indirect statements;
- false-alarm rate: everyday sentences (label none) that raised any kind, also per none topic;
- kind accuracy: of the crisis sentences caught, the share whose kinds include the label.
Targets on the holdout, per language: recall >= 0.97 explicit, >= 0.90 indirect, false
alarms <= 3%.

Each part is shown twice, so what the learned second stage (crisis_model.py) adds is visible:
"rules only" (``detect_crisis(..., model=False)``) and "rules then model". On the dev part the
model was trained on these very sentences, so its dev figures come from the out-of-fold
decisions of scripts/train_crisis_model.py's cross-validation (bench/results/crisis_model_cv.json,
written with the model; the table says when it does not match the shipped model file). On the
holdout the shipped model is run as is.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reattune.domain.safety import crisis_model  # noqa: E402
from reattune.domain.safety.crisis import (  # noqa: E402
    USE_MODEL,
    CrisisResult,
    detect_crisis,
    model_work,
    scan_work,
)

CORPUS = ROOT / "tests" / "data" / "crisis"
RESULTS = ROOT / "bench" / "results" / "crisis_eval.json"
MODEL_CV = ROOT / "bench" / "results" / "crisis_model_cv.json"
PARTS = ("dev", "holdout")
CRISIS_TOPICS = (
    "ideation_explicit",
    "ideation_indirect",
    "hopelessness",
    "means_preparation",
    "self_harm",
    "partner_threat",
    "strangulation",
    "fear_home",
    "harm_to_others",
)
NONE_TOPICS = ("violent_idiom", "hyperbole", "negated", "reported_or_third_person_news", "everyday")
TARGETS = {"explicit": 0.97, "indirect": 0.90, "false_alarm": 0.03}


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_part(part: str, base: Path = CORPUS) -> dict[str, list[dict]]:
    """{language: cases} for one part; the language comes from the file (or its name)."""
    out: dict[str, list[dict]] = {}
    for path in sorted((base / part).glob("*.yaml")):
        # libyaml's loader when PyYAML has it: the same data, parsed about eight times faster
        # (the corpus is loaded when the crisis tests are collected, in every test process).
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # noqa: S506  # nosec B506 - a SafeLoader
        lang = str(data.get("language") or path.stem)
        out.setdefault(lang, []).extend(data.get("cases") or [])
    return out


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def rules_only(text: str, lang: str | None = None) -> CrisisResult:
    return detect_crisis(text, lang, model=False)


def rules_then_model(text: str, lang: str | None = None) -> CrisisResult:
    return detect_crisis(text, lang, model=True)


def out_of_fold() -> tuple[object, str]:
    """A detector giving the rules' answer, else the model's out-of-fold decision for a dev
    sentence (from the training script's cross-validation), and a note on where it came from."""
    try:
        cv = json.loads(MODEL_CV.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, f"{MODEL_CV.relative_to(ROOT)} missing: run scripts/train_crisis_model.py"
    digest = hashlib.sha256(crisis_model.MODEL_FILE.read_bytes()).hexdigest()
    note = "model out of fold (5-fold grouped cross-validation on dev)"
    if cv.get("model_sha256") != digest:
        note += "; WARNING: made for another model file, rerun scripts/train_crisis_model.py"
    fired = cv["fired"]  # {text key: label} of the dev cases the out-of-fold model flagged

    def detector(text: str, lang: str | None = None) -> CrisisResult:
        result = rules_only(text, lang)
        if result.hit:
            return result
        label = fired.get(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16])
        if label is None:
            return result
        return CrisisResult(True, frozenset({label}))

    return detector, note


def evaluate(cases: list[dict], lang: str | None = None, detector=None) -> dict:
    """Figures for one list of cases (see the module docstring)."""
    detector = detector or rules_only
    topics: dict[str, list[int]] = {}
    explicit = [0, 0]
    indirect = [0, 0]
    kind_ok = [0, 0]
    alarms = [0, 0]
    none_topics: dict[str, list[int]] = {}
    errors: list[dict] = []
    for case in cases:
        text, label = case["text"], case["label"]
        result = detector(text, lang)
        if label == "none":
            row = none_topics.setdefault(case.get("topic", "everyday"), [0, 0])
            row[1] += 1
            alarms[1] += 1
            if result.hit:
                row[0] += 1
                alarms[0] += 1
                errors.append({"text": text, "expected": "none", "got": sorted(result.kinds)})
            continue
        row = topics.setdefault(case.get("topic", "?"), [0, 0])
        bucket = explicit if case.get("explicit") else indirect
        row[1] += 1
        bucket[1] += 1
        if result.hit:
            row[0] += 1
            bucket[0] += 1
            kind_ok[1] += 1
            kind_ok[0] += label in result.kinds
            if label not in result.kinds:
                errors.append({"text": text, "expected": label, "got": sorted(result.kinds)})
        else:
            errors.append({"text": text, "expected": label, "got": []})
    crisis_total = sum(r[1] for r in topics.values())
    return {
        "cases": len(cases),
        "crisis": crisis_total,
        "none": alarms[1],
        "recall": _rate(sum(r[0] for r in topics.values()), crisis_total),
        "recall_explicit": _rate(*explicit),
        "recall_indirect": _rate(*indirect),
        "explicit_cases": explicit[1],
        "indirect_cases": indirect[1],
        "false_alarm_rate": _rate(*alarms),
        "kind_accuracy": _rate(*kind_ok),
        "recall_per_topic": {
            t: {"recall": _rate(*r), "n": r[1]} for t, r in sorted(topics.items())
        },
        "false_alarms_per_topic": {
            t: {"rate": _rate(*r), "n": r[1]} for t, r in sorted(none_topics.items())
        },
        "errors": errors,
    }


def meets_targets(report: dict) -> bool:
    def ok(value, target, above=True):
        return value is None or (value >= target if above else value <= target)

    return (
        ok(report["recall_explicit"], TARGETS["explicit"])
        and ok(report["recall_indirect"], TARGETS["indirect"])
        and ok(report["false_alarm_rate"], TARGETS["false_alarm"], above=False)
    )


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.3f}"


def _cell(cell: dict | None, key: str) -> str:
    return f"{(_fmt(cell[key]) + ' /' + str(cell['n'])) if cell else '-':>11}"


def _table(part: str, reports: dict[str, dict]) -> None:
    langs = list(reports)
    print(f"\n== {part}: " + ", ".join(f"{k} {reports[k]['cases']}" for k in langs) + " cases")
    if not langs:
        print("(no files)")
        return
    print(f"{'':<32}" + "".join(f"{lang:>11}" for lang in langs))
    rows = [
        ("recall, all crisis", "recall"),
        ("recall, explicit (>= 0.97)", "recall_explicit"),
        ("recall, indirect (>= 0.90)", "recall_indirect"),
        ("false alarms (<= 0.03)", "false_alarm_rate"),
        ("kind accuracy", "kind_accuracy"),
    ]
    for title, key in rows:
        print(f"{title:<32}" + "".join(f"{_fmt(reports[lang][key]):>11}" for lang in langs))
    print("recall per topic")
    for topic in CRISIS_TOPICS:
        cells = [reports[lang]["recall_per_topic"].get(topic) for lang in langs]
        print(f"  {topic:<30}" + "".join(_cell(c, "recall") for c in cells))
    print("false alarms per topic")
    for topic in NONE_TOPICS:
        cells = [reports[lang]["false_alarms_per_topic"].get(topic) for lang in langs]
        print(f"  {topic:<30}" + "".join(_cell(c, "rate") for c in cells))
    verdict = ", ".join(
        f"{lang} {'ok' if meets_targets(reports[lang]) else 'MISSED'}" for lang in langs
    )
    print(f"targets: {verdict}")


def _added(part: str, rules: dict[str, dict], both: dict[str, dict]) -> None:
    """One line per language: rules only -> rules then model."""
    print(f"what the model adds ({part}): rules only -> rules then model")
    print(f"  {'':<4}{'explicit':>16}{'indirect':>16}{'false alarms':>16}{'kind accuracy':>16}")
    for lang in rules:
        cells = []
        for key in ("recall_explicit", "recall_indirect", "false_alarm_rate", "kind_accuracy"):
            cells.append(f"{_fmt(rules[lang][key])}->{_fmt(both[lang][key])}")
        print(f"  {lang:<4}" + "".join(f"{c:>16}" for c in cells))


def speed() -> dict:
    """Wall-clock figures (kept here, never in tests): milliseconds per call by text size."""
    sentence = "We argued about the holidays again and I felt very alone. "
    texts = {
        "1 kB": (sentence * 20)[:1_000],
        "20 kB": (sentence * 400)[:20_000],
        "20 kB one sentence": ("and we talked about the kids " * 700)[:20_000],
        "20 kB crisis words": ("I want to die. He said he would kill me. " * 500)[:20_000],
    }
    detect_crisis("warm up the lexicon cache and the model")
    out = {}
    for name, text in texts.items():
        runs = 5
        row = {}
        for key, use in (("ms_per_call", False), ("ms_per_call_with_model", True)):
            started = time.perf_counter()
            for _ in range(runs):
                detect_crisis(text, model=use)
            row[key] = round((time.perf_counter() - started) / runs * 1000, 1)
        row["regex_chars_per_char"] = round(scan_work(text) / len(text), 1)
        row["model_work_per_char"] = round(model_work(text) / len(text), 1)
        out[name] = row
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    started = time.perf_counter()
    report: dict = {"targets": TARGETS, "parts": {}}
    # --dev-only: for whoever is changing the lexicons, so holdout figures never steer the rules
    parts = ("dev",) if "--dev-only" in argv else PARTS
    for part in parts:
        corpus = load_part(part)
        per_lang = {lang: evaluate(cases, None) for lang, cases in sorted(corpus.items())}
        report["parts"][part] = per_lang
        _table(f"{part}, rules only", per_lang)
        if part == "dev":
            detector, note = out_of_fold()
        else:
            detector, note = rules_then_model, "the shipped model, never trained on this part"
        if not USE_MODEL:
            note += " (switched off in the app: crisis.USE_MODEL is False)"
        if detector is None:
            print(f"\n(no rules-then-model figures for {part}: {note})")
            continue
        with_model = {
            lang: evaluate(cases, None, detector) for lang, cases in sorted(corpus.items())
        }
        report["parts"][f"{part}+model"] = with_model
        _table(f"{part}, rules then model ({note})", with_model)
        _added(part, per_lang, with_model)
    report["speed"] = speed()
    print("\nspeed (every shipped lexicon; the model runs only when no rule matched):")
    for name, row in report["speed"].items():
        print(
            f"  {name:<22} {row['ms_per_call']:>8.1f} ms/call rules only "
            f"{row['ms_per_call_with_model']:>8.1f} ms/call with the model "
            f"{row['regex_chars_per_char']:>6.1f} regex chars/char "
            f"{row['model_work_per_char']:>6.1f} model features/char"
        )
    if "--errors" in argv:
        print("\ndev errors (holdout errors are never listed)")
        for lang, rep in report["parts"]["dev"].items():
            for err in rep["errors"]:
                print(f"- [{lang}] {err['text']!r} expected={err['expected']} got={err['got']}")
    for part in ("holdout", "holdout+model"):
        for per_lang in report["parts"].get(part, {}).values():
            per_lang["errors"] = len(per_lang["errors"])  # counted, not written out
    report["seconds"] = round(time.perf_counter() - started, 2)
    if "--dev-only" in argv:
        return 0  # the saved report always holds both parts
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
