"""`reattune coach "text"`: the coach in a terminal. Reads stdin when no text is given.

Needs no database and no settings: the coach is plain Python. The text goes through the one
safety check first (reattune.care.support): on crisis language the command prints plain words
and the help lines of your country (`--country`, else the REATTUNE_COUNTRY or LANG environment
variable), and no feedback or rewrite; `--json` then prints only `support`.
"""

import json
import os
import sys


def _country(args) -> str | None:
    from reattune.domain.safety.resources import country_from_locale, normalise_country

    chosen = normalise_country(args.country or os.environ.get("REATTUNE_COUNTRY", "") or "")
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            # "en_GB.UTF-8" -> "en-GB"
            return country_from_locale(value.split(".")[0].split("@")[0].replace("_", "-"))
    return None


def draft_support(text: str, country: str | None) -> dict | None:
    from reattune.care.support import build_support, resource_set
    from reattune.domain.safety.check import check_text
    from reattune.domain.safety.resources import resources_for

    check = check_text(text, "draft")
    if check is None:
        return None
    return build_support(check, resources_for(country, resource_set()))


def run(args) -> int:
    from reattune.coach.present import feedback
    from reattune.domain.coach import MAX_CHARS, TextTooLong

    text = " ".join(args.text) if args.text else sys.stdin.read()
    if not text.strip():
        print('Give the coach some text: reattune coach "what you want to say"', file=sys.stderr)
        return 2
    support = draft_support(text, _country(args))
    if support is not None:
        if args.json:
            print(json.dumps({"support": support}, ensure_ascii=False, indent=2))
        else:
            _print_support(support)
        return 0
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


def _print_support(support: dict) -> None:
    print(support["message"])
    number = support["emergency"]["number"]
    print(
        f"\nIn an emergency, call {number}."
        if number
        else "\nIn an emergency, call your local emergency number."
    )
    for line in support["lines"]:
        hours = f", {line['hours'].lower()}" if line.get("hours") else ""
        region = f" ({line['region']})" if line.get("region") else ""
        print(f"- {line['name']}{region}: {line['phone']}{hours}")
    if support.get("note"):
        print(f"\n{support['note']}")
    for entry in support["directory"]:
        print(f"- {entry['name']}: {entry['url']}")
    if support.get("safety_check_url"):
        print(
            f"\nIn the app, the private safety check ({support['safety_check_url']}) asks a few "
            "questions about your safety; your partner is never told you took it, nor what you answered."
        )
    if not support.get("country_name"):
        print("\nFor the lines of your country, add --country XX (for example --country GB).")


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
    elif suggestions.get("kept"):
        print(f"\nLeave it as it is: {suggestions['kept']}")
    if suggestions.get("question_back"):
        print(f"\nYou could also ask:\n  {suggestions['question_back']}")


def register(sub) -> None:
    parser = sub.add_parser("coach", help="feedback on something you want to say (offline)")
    parser.add_argument("text", nargs="*", help="the text; read from standard input when absent")
    parser.add_argument("--json", action="store_true", help="print the full analysis as JSON")
    parser.add_argument(
        "--country",
        default="",
        help="two-letter country code for help lines (default: REATTUNE_COUNTRY, else LANG)",
    )
    parser.set_defaults(func=run)
