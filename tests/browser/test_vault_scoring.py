"""The vault's safety check is scored in the browser (static/reattune/vault.js, a port of
reattune/domain/safety/screen.py): the JavaScript must give the Python's result on every
answer combination tried here, refusals included. Runs vault.js under node (no browser).

The screen data the browser scores with is the one the page embeds (vault.views.safety builds
it from data/safety/screen.yaml), built here the same way.
"""

import json
import random
import subprocess

from reattune.domain.safety.screen import (
    ScreenAnswerError,
    evaluate_screen,
    load_screen,
    parse_submission,
)
from tests.browser import REPO

VAULT_JS = REPO / "reattune" / "static" / "reattune" / "vault.js"

RUN = """
require(process.argv[1]);
const V = globalThis.reattuneVault;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {scores: [], parses: []};
for (const answers of input.answers) {
  try { out.scores.push(V.evaluateScreen(answers, input.screen)); }
  catch (e) { out.scores.push({error: e.name}); }
}
for (const fields of input.fields) {
  try { out.parses.push({answers: V.parseSubmission(fields, input.screen)}); }
  catch (e) { out.parses.push({error: e.name, message: e.message, missing: e.missing}); }
}
process.stdout.write(JSON.stringify(out));
"""


def page_screen():
    """What vault.views.safety puts in the page for the browser to score with."""
    from reattune.vault.views import screen_scoring

    return screen_scoring(load_screen())


def python_score(answers, screen):
    try:
        result = evaluate_screen(answers, screen)
    except ScreenAnswerError:
        return {"error": "ScreenAnswerError"}
    return {
        "positive": result.positive,
        "areas": sorted(result.areas),
        "urgent": result.urgent,
        "noted": sorted(result.noted),
        "answered": result.answered,
        "outcome_ids": list(result.outcome_ids),
    }


def python_parse(fields, screen):
    try:
        return {"answers": parse_submission(fields, screen)}
    except ScreenAnswerError as error:
        return {"error": "ScreenAnswerError", "message": str(error), "missing": list(error.missing)}


def answer_sets(screen):
    rng = random.Random(17)
    choices = {i.id: [*i.scale.values, None] for i in screen.items}
    sets = [{}, {i.id: None for i in screen.items}]
    for item in screen.items:  # each value of each item alone, and with every other at zero
        for value in choices[item.id]:
            sets.append({item.id: value})
            sets.append({i.id: (value if i is item else i.scale.values[0]) for i in screen.items})
    for _ in range(600):
        sets.append({i.id: rng.choice(choices[i.id]) for i in screen.items if rng.random() < 0.8})
    yes_no = next(i.id for i in screen.items if i.scale.type == "yes_no")
    frequency = next(i.id for i in screen.items if i.scale.type == "frequency")
    # integers for yes/no, and answers that must be refused
    sets += [{yes_no: 1}, {yes_no: 0}, {yes_no: 2}, {yes_no: "yes"}, {frequency: True}]
    sets += [{frequency: 4}, {frequency: -1}, {frequency: "2"}, {frequency: 1.5}, {"nope": 1}]
    return sets


def field_sets(screen):
    rng = random.Random(29)
    ids = [i.id for i in screen.items]

    def form_value(item, value):
        if value is None:
            return "skip"
        if item.scale.type == "yes_no":
            return "yes" if value else "no"
        return str(value)

    sets = [{}, {i: ["skip"] for i in ids}, {ids[0]: ["1"]}]
    for _ in range(150):
        fields = {i.id: [form_value(i, rng.choice([*i.scale.values, None]))] for i in screen.items}
        sets.append(fields)
    full = {i.id: [form_value(i, i.scale.values[0])] for i in screen.items}
    sets += [
        {**full, "csrfmiddlewaretoken": ["x"]},
        {**full, "extra": ["1"]},
        {**full, ids[0]: ["1", "2"]},
        {**full, ids[0]: ["9"]},
        {**full, ids[0]: [" 2 "]},
        {**full, ids[0]: ["", "1"]},
        {**full, ids[0]: ["²"]},
        {k: v for k, v in full.items() if k != ids[3]},
    ]
    return sets


def test_the_browser_scores_the_safety_check_exactly_as_python():
    screen = load_screen()
    answers, fields = answer_sets(screen), field_sets(screen)
    payload = json.dumps({"screen": page_screen(), "answers": answers, "fields": fields})
    run = subprocess.run(
        ["node", "-e", RUN, str(VAULT_JS)],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,  # a hang guard, even on a busy machine
    )
    out = json.loads(run.stdout)
    differences = [
        (a, js, python_score(a, screen))
        for a, js in zip(answers, out["scores"], strict=True)
        if js != python_score(a, screen)
    ]
    assert not differences, differences[:5]
    differences = [
        (f, js, python_parse(f, screen))
        for f, js in zip(fields, out["parses"], strict=True)
        if {k: v for k, v in js.items() if k != "message"}
        != {k: v for k, v in python_parse(f, screen).items() if k != "message"}
    ]
    assert not differences, differences[:5]
    positives = sum(1 for s in out["scores"] if s.get("positive"))
    refusals = sum(1 for s in out["scores"] if "error" in s)
    assert positives > 100 and refusals >= 8, (positives, refusals)
