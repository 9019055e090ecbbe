"""Figures of the crisis detector on the fresh check batch in this folder.

Run from the repository root: .venv/bin/python tests/data/crisis/dev/fresh/measure.py [--errors]
Prints, per language, recall on explicit and on indirect crisis sentences and the share of
everyday sentences flagged, for the rules alone and for the rules then the model. This batch is
a check only: nothing is trained or tuned on it (README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[5]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reattune.domain.safety.crisis import detect_crisis  # noqa: E402

HERE = Path(__file__).resolve().parent


def cases() -> dict[str, list[dict]]:
    out = {}
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["language"]] = data["cases"]
    return out


def figures(model: bool, errors: bool = False) -> dict[str, tuple[float, float, float]]:
    out = {}
    totals = [0, 0, 0, 0, 0, 0]
    for lang, items in cases().items():
        exp = ind = none = exp_hit = ind_hit = none_hit = 0
        for case in items:
            result = detect_crisis(case["text"], model=model)
            if case["label"] == "none":
                none += 1
                none_hit += result.hit
                wrong = result.hit
            else:
                right = case["label"] in result.kinds
                if case["explicit"]:
                    exp, exp_hit = exp + 1, exp_hit + right
                else:
                    ind, ind_hit = ind + 1, ind_hit + right
                wrong = not right
            if errors and wrong:
                print(f"  {lang} {case['label']:>16} {sorted(result.kinds)} {case['text']}")
        for i, x in enumerate((exp, exp_hit, ind, ind_hit, none, none_hit)):
            totals[i] += x
        out[lang] = (exp_hit / exp, ind_hit / ind, none_hit / none)
    exp, exp_hit, ind, ind_hit, none, none_hit = totals
    out["all"] = (exp_hit / exp, ind_hit / ind, none_hit / none)
    return out


def main() -> int:
    errors = "--errors" in sys.argv
    for name, model in (("rules only", False), ("rules then model", True)):
        print(f"{name}: explicit recall / indirect recall / false alarms")
        for lang, (e, i, f) in figures(model, errors).items():
            print(f"  {lang:>4}  {e:.2f}  {i:.2f}  {f:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
