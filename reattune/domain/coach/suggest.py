"""Suggestions: an I-statement rewrite, antidotes, validating responses and a question back.

The rewrite is built from the user's own words: the feeling they named (or one from the
vocabulary that fits the pattern found), the situation without the absolute, and their own
request if they made one. All wording comes from the language's templates.yaml.
"""

from __future__ import annotations

import re

from . import learned
from .analyzer import analyze
from .labels import BLAME_LABELS, SEVERITY
from .lexicon import Lexicon, load_lexicon
from .model import Analysis, Feeling, Suggestions
from .text import SENTENCE_MARKS, TOKEN_RE

_TRAILING = re.compile(r"[\s.,;:!?…\"'“”)\]]+$")
_NON_TEXT = re.compile(r"[^\w\s',-]")
_REWRITE_LABELS = frozenset(SEVERITY)
_SITUATION_LABELS = ("absolute", "you_blame", "complaint", "disguised_blame")
_CHARACTER_LABELS = frozenset({"criticism", "contempt"})


def suggest(analysis: Analysis) -> Suggestions:
    """Suggestions for a message that has been analysed.

    A message with nothing that may land as blame is left alone: no rewrite, and `kept` says
    what is already good in it. A plain complaint without a feeling gets a rewrite that adds
    one.
    """
    lex = load_lexicon(analysis.lang)
    templates = lex.templates
    labels = analysis.labels
    antidotes = [
        (name, text)
        for label, (name, text) in templates["antidotes"].items()
        if label in labels and (label != "no_feeling_named" or labels & _REWRITE_LABELS)
    ]
    questions = templates["question_back"]
    question = questions.get("meaning") if "meaning" in analysis.levels else None
    rewrite = _rewrite(analysis, lex) if _needs_rewrite(analysis) else None
    return Suggestions(
        rewrite=rewrite,
        antidotes=antidotes,
        question_back=question or questions["default"],
        kept=None if rewrite else _kept(analysis, lex),
    )


def _needs_rewrite(analysis: Analysis) -> bool:
    labels = analysis.labels
    if labels & BLAME_LABELS:
        return True
    # A complaint that already says how it felt is a good complaint: leave it alone. One only
    # the learned stage saw is left alone too: the rewrite takes its moment from the rules'
    # spans, and without one it would only be the plainer form, no better than the message.
    return (
        "complaint" in labels
        and not _own_hard_feelings(analysis)
        and any(f.label == "complaint" and not learned.from_the_model(f) for f in analysis.findings)
    )


def _own_hard_feelings(analysis: Analysis) -> list[Feeling]:
    return [f for f in analysis.feelings if f.owned and f.valence == "negative"]


# ----- what a good message already does -----


def _kept(analysis: Analysis, lex: Lexicon) -> str | None:
    """One sentence on what is already good, for a message that is left as it is."""
    kept = lex.templates["rewrite"].get("kept")
    if not kept:
        return None
    labels = analysis.labels
    parts: list[str] = []
    own = [f for f in analysis.feelings if f.owned]
    if own:
        words = "”, “".join(dict.fromkeys(analysis.text[s:e] for s, e in (f.span for f in own)))
        parts.append(kept["feeling"].replace("{words}", words))
    elif "i_statement" in labels:
        parts.append(kept["need"])
    if "complaint" in labels:
        parts.append(kept["moment"])
    if _own_request(analysis, lex) or _asked_request(analysis, lex):
        parts.append(kept["request"])
    if "curiosity_question" in labels:
        parts.append(kept["question"])
    if "validation" in labels:
        parts.append(kept["validation"])
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{kept['intro']} {listed}. {kept['end']}"


# ----- the I-statement rewrite -----

# Words before "you" that make its clause a question or a negated question ("why can't you
# be…", "didn't you…"): the words after "you" then do not describe what happened.
_QUESTION_BEFORE_YOU = frozenset(
    "can't cant won't wont don't dont didn't didnt couldn't wouldn't shouldn't isn't aren't "
    "weren't can could would will should did are were is have has had".split()
)
_PAST_AUXILIARIES = frozenset(
    "didn't didnt hadn't hadnt weren't werent wasn't wasnt were was had did should've shoulda "
    "could've would've".split()
)
_IRREGULAR_PAST = frozenset(
    "said told made got left thought bought brought kept felt heard paid sent spent went came "
    "took gave forgot forgot ate drove ran saw wrote broke chose began threw hung stood sat "
    "woke wore won lost met hit put shut let caught taught fought found held knew understood "
    "slept swore rang sang".split()
)
_PAST_MARKERS = re.compile(
    r"\b(?:yesterday|last (?:night|week|time|weekend|month|year|friday|saturday|sunday|monday|"
    r"tuesday|wednesday|thursday)|this morning|earlier|ago|on (?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday))\b"
)
# Grammar the rewrite never hands back: a subjunctive "you be", a doubled word, "you was".
_UNGRAMMATICAL = re.compile(
    r"\byou (?:be|is|was|has|does|doesn't|am|not)\b|\bwhen you \w{3,}ing\b|\b(\w+) \1\b"
    r"|\bwhen you (?:to|a|an|the|my|your|of)\b",
    re.I,
)
_CLAUSE_END = re.compile(r",|\bbut\b|\bwhen\b|\band then\b|\bbecause\b|\bso\b", re.I)
# Where a second clause joins the first ("… and you always check your phone", "… and always
# …", "… or just …"): an "and", "or", "but" followed by a new subject or an absolute. Carrying
# a second clause into a request can ask for the very thing the user wants less of; a verb or
# an object that follows ("stop and listen to me", "the dishes and the laundry", "say sorry or
# thank you") belongs to the request and stays.
_SECOND_CLAUSE = re.compile(
    r"\s*,?\s*\b(?:and|or|but|plus|while|yet)\s+(?=(?:you|you're|youre|you'll|you've|i|i'm|"
    r"im|we|he|she|they|it|it's|that|always|constantly|never|just|instead|still|even|also|"
    r"only|then)\b)",
    re.I,
)
_ADVERBS = frozenset(
    "never always constantly just even really once ever still literally actually also".split()
)
# Words that may open a sentence before a request asked as a question ("so, could we…").
_REQUEST_OPENERS = frozenset(
    "so and also please maybe hey babe ok okay but then just honestly i wonder if next time "
    "sorry love hun".split()
)
_PRONOUN_ONLY = frozenset("it them that this so one those these".split())
_REWRITE_BLAME = BLAME_LABELS


def _rewrite(analysis: Analysis, lex: Lexicon) -> str:
    rewrite = lex.templates["rewrite"]
    labels = analysis.labels
    main = next((label for label in SEVERITY if label in labels), "default")
    if "defensiveness" in labels and main not in _CHARACTER_LABELS:
        # A counter-attack with an absolute inside ("you never do them anyway") is answered
        # first as defensiveness: the rewrite owns a part rather than restating the charge.
        main = "defensiveness"
    feeling = _feeling(analysis, lex, main)
    situation, action, past, guessed = (
        ("", "", False, False) if main == "defensiveness" else _situation(analysis, lex)
    )
    request = _request(analysis, lex, main, action, guessed)
    if main == "defensiveness":
        past = _past_sentence(analysis)
    # Without a situation, the feeling keeps the tense the user wrote in ("I felt hurt").
    bare = rewrite[
        "no_situation_past" if past and "no_situation_past" in rewrite else "no_situation"
    ]
    if situation:
        template = rewrite["full_past" if past and "full_past" in rewrite else "full"]
        text = template.format(feeling=feeling, situation=situation, request=request)
    else:
        text = bare.format(feeling=feeling, request=request)
    text = " ".join(text.split())
    if situation and not _clean(text, analysis.lang):
        # Never hand back something worse than the user's words: without the situation
        # first (it may read as blame: "when you don't listen"), keeping their request.
        text = " ".join(bare.format(feeling=feeling, request=request).split())
    if not _clean(text, analysis.lang):
        fallback = rewrite.get("default_requests", {}).get(main, rewrite["default_request"])
        text = bare.format(feeling=feeling, request=fallback)
    return text


def _clean(text: str, lang: str) -> bool:
    """Grammatical as far as the checks go, and nothing in it may land as blame."""
    return not _UNGRAMMATICAL.search(text) and not analyze(text, lang).labels & _REWRITE_BLAME


def _feeling(analysis: Analysis, lex: Lexicon, main: str) -> str:
    """The speaker's own hard feeling if they named one (as a word that fits "I feel …"),
    else one from the templates for the pattern found."""
    for feeling in _own_hard_feelings(analysis):
        if lex.vocabulary[feeling.word].adjective and not _negated(analysis.text, feeling):
            return feeling.word
    defaults = lex.templates["rewrite"]["default_feelings"]
    return defaults.get(main, defaults["default"])


_NEGATION = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:[\w']+\s+)?$")


def _negated(text: str, feeling: Feeling) -> bool:
    start = feeling.span[0]
    return _NEGATION.search(text.lower().replace("’", "'")[max(0, start - 16) : start]) is not None


def _situation(analysis: Analysis, lex: Lexicon) -> tuple[str, str, bool, bool]:
    """The situation in the user's words, from the partner subject to the end of its clause:
    (situation, action for a "never" request, past tense?, was it a guess at the partner's
    mind?). The situation is left out (empty) when it cannot be said well."""
    text = analysis.text
    starts = sorted(
        span[0]
        for finding in analysis.findings
        if finding.label in _SITUATION_LABELS and not learned.from_the_model(finding)
        for span in finding.spans
    )
    if not starts:
        return "", "", _past_sentence(analysis), False
    first = starts[0]
    sentence_start = max(text.rfind(mark, 0, first) for mark in ".!?;\n") + 1
    sentence_end = min(
        (i for i in (text.find(mark, first) for mark in ".!?;\n") if i != -1), default=len(text)
    )
    question = text.startswith("?", sentence_end)
    lowered_text = text.lower().replace("’", "'")
    past = False
    # Take the clause that begins with the partner as subject ("you never help with…").
    clause_start = subject_end = None
    previous = ""
    for match in TOKEN_RE.finditer(lowered_text, sentence_start, sentence_end):
        token = match.group()
        if token in ("you", "you're", "youre", "u", "you've", "youve"):
            clause_start, subject_end = match.span()
            break
        previous = token
    if clause_start is None or subject_end is None:
        return "", "", past or _past_sentence(analysis), False
    verb_match = TOKEN_RE.search(lowered_text, subject_end, sentence_end)
    verb = verb_match.group() if verb_match else ""
    while verb in _ADVERBS and verb_match:
        verb_match = TOKEN_RE.search(lowered_text, verb_match.end(), sentence_end)
        verb = verb_match.group() if verb_match else ""
    if previous in ("did", "didn't", "didnt"):
        past = True  # "why didn't you call?"
    subject = lowered_text[clause_start:subject_end]
    if subject not in ("you're", "youre", "you've", "youve") and previous != "if":
        # ("you're married", "you've never": present; "if you helped": a wish)
        following = TOKEN_RE.findall(lowered_text, verb_match.end() if verb_match else 0)[:1]
        past = past or _is_past(verb, following)
    if not verb:  # no verb to tell: the time words do ("… last night")
        past = _PAST_MARKERS.search(lowered_text, sentence_start, sentence_end) is not None
    if previous in _QUESTION_BEFORE_YOU or (question and previous not in ("do", "why", "")):
        return "", "", past, False  # "why can't you be…": not what happened
    for label in _CHARACTER_LABELS:
        # Anywhere in the sentence: mock praise before the partner ("nice of you to remember
        # my birthday", "yeah yeah, you're a saint") makes the clause no moment to picture.
        if any(s < sentence_end and sentence_start < e for s, e in analysis.spans_for(label)):
            return "", "", past, False  # a trait or mockery, not a situation
    # One clause: stop at a second "when", a "but" or a comma that starts another thought.
    rest = _CLAUSE_END.split(text[subject_end:sentence_end], maxsplit=1)[0]
    clause = (text[clause_start:subject_end] + rest).replace("’", "'")
    clause = _NON_TEXT.sub(" ", clause)
    clause = " ".join(clause.split())
    lowered = clause[0].lower() + clause[1:] if clause else clause
    action = ""
    never = re.match(
        r"(?:you|u) (?:never|don't ever|dont ever|do not ever)(?: once| ever)? (.+)", lowered, re.I
    )
    unedited = lowered
    lowered = _edited(lowered, lex)
    words = lowered.split()
    if lowered.lower().startswith("u "):
        lowered = "you " + lowered[2:]
    if lex.mind_reading is not None and lex.mind_reading.search(lowered.lower()):
        return "", "", past, True  # a guess at the partner's mind, not a moment
    if len(words) < 2 or 2 < len(words) <= 4 and all(w.lower() in _PRONOUN_ONLY for w in words[2:]):
        return "", "", past, False  # "you don't do them": nothing left to picture
    if never:
        # The request asks only for what the first clause says was missing: in "you never
        # listen and you always check your phone" the second clause is what the user wants
        # less of.
        first_clause = _edited(_SECOND_CLAUSE.split(unedited, maxsplit=1)[0], lex)
        if first_clause.lower().startswith("you don't "):
            action = first_clause[len("you don't ") :]
    lowered = re.sub(r"\bi\b", "I", lowered)
    return lowered, action, past, False


def _edited(clause: str, lex: Lexicon) -> str:
    """A clause with the language's situation edits made (no absolutes) and no trailing
    filler words or punctuation."""
    for pattern, replacement in lex.situation_edits:
        clause = pattern.sub(replacement, clause)
    clause = _TRAILING.sub("", " ".join(clause.split()))
    words = clause.split()
    while len(words) > 2 and words[-1].lower() in lex.trailing_words:
        words.pop()
    return " ".join(words)


def _is_past(verb: str, after: list[str] | tuple = ()) -> bool:
    if verb in ("should", "could", "would") and after:
        return after[0] in ("have", "of")  # "you should have asked": what did not happen
    return verb in _PAST_AUXILIARIES or verb in _IRREGULAR_PAST or verb.endswith("ed")


def _past_sentence(analysis: Analysis) -> bool:
    """Is the message about something that happened ("I forgot, but…", "you left")? Read
    from time words and the first verb after a subject."""
    lowered = analysis.text.lower().replace("’", "'")
    if _PAST_MARKERS.search(lowered):
        return True
    tokens = TOKEN_RE.findall(lowered)
    for index, token in enumerate(tokens[:-1]):
        if token in ("i", "you", "u", "we") and (index == 0 or tokens[index - 1] != "if"):
            # (after "if", a past form is a wish: "if you helped, I wouldn't be so tired")
            following = [t for t in tokens[index + 1 : index + 4] if t not in _ADVERBS]
            return bool(following) and _is_past(following[0], following[1:2])
    return False


def _own_request(analysis: Analysis, lex: Lexicon) -> str:
    """What the user said they would like ("I'd like…", "I need…"), in their words."""
    text = analysis.text.replace("’", "'")
    match = lex.request_frames.search(text.lower())
    if not match:
        return ""
    own = _TRAILING.sub("", text[match.end() :].split("\n")[0]).strip()
    return re.split(r"[.!?;]", own)[0].strip()


def _asked_request(analysis: Analysis, lex: Lexicon) -> str:
    """A request asked as a question ("Could we keep phones away?") as what the user would
    like ("us to keep phones away")."""
    lowered = analysis.text.lower().replace("’", "'")
    for pattern, replacement in lex.request_questions:
        for match in pattern.finditer(lowered):
            sentence_start = max(lowered.rfind(mark, 0, match.start()) for mark in ".!?;\n") + 1
            before = TOKEN_RE.findall(lowered, sentence_start, match.start())
            if not _REQUEST_OPENERS.issuperset(before):
                continue  # "why would you…" is no request
            start, end = match.span(1)
            words = " ".join(analysis.text[start:end].replace("’", "'").strip(" ,").split())
            if len(words.split()) < 2 or words.lower().startswith(("not ", "n't")):
                continue  # "let's not": no request to keep
            return _TRAILING.sub("", match.expand(replacement).replace(match.group(1), words))
    return ""


def _request(analysis: Analysis, lex: Lexicon, main: str, action: str, guessed: bool) -> str:
    rewrite = lex.templates["rewrite"]
    for own in (_own_request(analysis, lex), _asked_request(analysis, lex)):
        if own and _fair(own, analysis.lang):
            return own
    if action and _fair(action, analysis.lang):
        return rewrite["request_from_never"].format(action=action)
    if guessed and "mind_reading_request" in rewrite:
        return rewrite["mind_reading_request"]
    return rewrite.get("default_requests", {}).get(main, rewrite["default_request"])


def _fair(request: str, lang: str) -> bool:
    """A request that carries no blame, absolute or insult of its own."""
    return not analyze(f"I'd like {request}.", lang).labels & _REWRITE_BLAME


# ----- validating responses -----


def _negated_feelings(analysis: Analysis, validating: dict) -> set[int]:
    """Indexes of feelings said with a negation in their clause ("you don't love me", "I'm not
    happy"): those are never mirrored back as if they were felt."""
    words = {w.lower() for w in validating.get("negation_words", ())}
    undone = {w.lower() for w in validating.get("negation_undone_by", ())}
    window = int(validating.get("negation_window", 4))
    text = analysis.text.replace("\u2019", "'")
    negated: set[int] = set()
    for index, feeling in enumerate(analysis.feelings):
        start = feeling.span[0]
        clause_start = max(text.rfind(mark, 0, start) for mark in SENTENCE_MARKS + ",") + 1
        tokens = [m.group().lower() for m in TOKEN_RE.finditer(text, clause_start, start)]
        if "but" in tokens or "just" in tokens:
            cut = max(i for i, t in enumerate(tokens) if t in ("but", "just"))
            tokens = tokens[cut + 1 :]
        recent = tokens[-window:]
        for i, token in enumerate(recent):
            plain = token.replace("'", "")
            if plain in words or token.endswith("n't"):
                after = recent[i + 1] if i + 1 < len(recent) else ""
                if after not in undone:
                    negated.add(index)
                    break
    return negated


def validating_responses(partner_text: str, lang: str = "en") -> list[str]:
    """Responses to consider for what a partner shared: the feeling reflected before any advice.

    A feeling said with a negation is never mirrored: "I feel like you don't love me anymore"
    does not get "I feel that way about you too".
    """
    analysis = analyze(partner_text, lang)
    lex = load_lexicon(lang)
    validating = lex.templates["validating"]
    responses: list[str] = []
    negated = _negated_feelings(analysis, validating)
    missing_good = any(analysis.feelings[i].valence == "positive" for i in negated)
    kept = [f for i, f in enumerate(analysis.feelings) if i not in negated]
    feelings = sorted(kept, key=lambda f: (-f.intensity, f.span[0]))
    if missing_good:
        responses.extend(validating.get("negated") or validating["default"])
    if feelings:
        strongest = feelings[0]
        reflectable = [f for f in feelings if lex.vocabulary[f.word].adjective]
        if reflectable:
            responses.append(validating["reflect_named"].format(feeling=reflectable[0].word))
        if not (missing_good and strongest.valence == "positive"):
            responses.extend(validating["families"].get(strongest.family, []))
    if "meaning" in analysis.levels:
        responses.append(validating["meaning"])
    if not feelings and not missing_good:
        if "content" in analysis.levels and "process" not in analysis.levels:
            responses.append(validating["content"])
        responses.extend(validating["default"])
    elif "process" not in analysis.levels:
        responses.append(validating["process"])
    unique: list[str] = []
    for line in responses:
        if line not in unique:
            unique.append(line)
    return unique[:4]
