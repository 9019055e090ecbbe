"""`reattune coach "text"`: the coach in a terminal. Reads stdin when no text is given.

Needs no database and no settings: the coach is plain Python.
"""

import json
import sys


def run(args) -> int:
    from reattune.coach.present import feedback
    from reattune.domain.coach import MAX_CHARS, TextTooLong

    text = " ".join(args.text) if args.text else sys.stdin.read()
    if not text.strip():
        print('Give the coach some text: reattune coach "what you want to say"', file=sys.stderr)
        return 2
    try:
        result = feedback(text)
    except TextTooLong:
        print(
            f"The coach reads up to {MAX_CHARS:,} characters at a time; this is {len(text):,}.",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(
            json.dumps(
                {"analysis": result["analysis"], "suggestions": result["suggestions"]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    _print_readable(text, result)
    return 0


def _print_readable(text: str, result: dict) -> None:
    if not result["concerns"]:
        print("Nothing here is likely to land as blame.")
    for finding in result["concerns"]:
        print(f'- {finding["title"]} "{finding["quotes"][0]}": {finding["explanation"]}')
    for finding in result["nudges"]:
        print(f"~ {finding['explanation']}")
    for finding in result["strengths"]:
        print(f"+ {finding['title']}: {finding['explanation']}")
    suggestions = result["suggestions"] or {}
    if suggestions.get("rewrite"):
        print(f"\nAnother way to say it:\n  {suggestions['rewrite']}")
    if suggestions.get("question_back"):
        print(f"\nYou could also ask:\n  {suggestions['question_back']}")


def register(sub) -> None:
    parser = sub.add_parser("coach", help="feedback on something you want to say (offline)")
    parser.add_argument("text", nargs="*", help="the text; read from standard input when absent")
    parser.add_argument("--json", action="store_true", help="print the full analysis as JSON")
    parser.set_defaults(func=run)
