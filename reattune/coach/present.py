"""Shape coach results for pages and the API. No Django here: easy to test, reused by the CLI.

Nothing in this module logs or stores the text it is given.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from reattune.domain.coach import analyze, suggest

LABEL_TITLES = {
    "absolute": "All-or-nothing words",
    "you_blame": "Blame",
    "criticism": "Criticism of character",
    "complaint": "A specific complaint",
    "contempt": "Contempt",
    "defensiveness": "Defensiveness",
    "stonewalling": "Shutting down",
    "logistics_only": "Only logistics",
    "i_statement": "Speaking from yourself",
    "disguised_blame": "Blame dressed as an I-statement",
    "feeling_named": "A feeling named",
    "no_feeling_named": "No feeling named yet",
    "curiosity_question": "A curious question",
    "validation": "Validation",
}
NUDGES = {"no_feeling_named"}  # a tip, not a concern about how the words may land
GENTLE = {"complaint", "i_statement", "feeling_named", "curiosity_question", "validation"}


def _neutral(label: str) -> bool:
    """Levels (facts, feelings, meaning) describe the message; they are shown, not judged."""
    return label.startswith("level_")


def segments(text: str, findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The text cut at every span edge; each piece lists the labels that cover it."""
    edges = {0, len(text)}
    spans = []
    for finding in findings:
        if finding["label"] in NUDGES or _neutral(finding["label"]):
            continue  # covers the whole text; shown in the list, not as a highlight
        for start, end in finding["spans"]:
            start, end = max(0, start), min(len(text), end)
            if start < end:
                edges.update((start, end))
                spans.append((start, end, finding["label"]))
    points = sorted(edges)
    out = []
    for start, end in zip(points, points[1:], strict=False):
        labels = sorted({label for s, e, label in spans if s <= start and end <= e})
        out.append(
            {
                "text": text[start:end],
                "labels": labels,
                "gentle": bool(labels) and all(label in GENTLE for label in labels),
            }
        )
    return out


def feedback(text: str) -> dict[str, Any]:
    """Analysis, suggestions and highlight segments for one draft. Raises TextTooLong."""
    analysis = analyze(text)
    data = analysis.to_dict()
    suggestions = suggest(analysis)
    findings = [
        {
            **f,
            "title": LABEL_TITLES.get(f["label"], f["label"].replace("_", " ")),
            "gentle": f["label"] in GENTLE,
            "quotes": [text[s:e] for s, e in f["spans"]],
        }
        for f in data["findings"]
        if not _neutral(f["label"])
    ]
    return {
        "analysis": data,
        "findings": findings,
        "concerns": [f for f in findings if not f["gentle"] and f["label"] not in NUDGES],
        "nudges": [f for f in findings if f["label"] in NUDGES],
        "strengths": [f for f in findings if f["gentle"]],
        "segments": segments(text, data["findings"]),
        "suggestions": suggestions.to_dict() if suggestions is not None else None,
    }
