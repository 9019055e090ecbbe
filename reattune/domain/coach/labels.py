"""The coach's labels and what each one means (the corpus is annotated by these definitions).

absolute            always / never / every time applied to the partner's behaviour, in a sentence
                    that is not kind ("I love that you always…"), not softened ("you don't
                    always…"), not disowned ("I'm not saying you never…") and not quoted.
you_blame           the partner framed as the cause or the one at fault: "you make me…",
                    "your fault", "you don't care", "why do you…", "you should have…", and any
                    absolute about the partner.
criticism           a verdict on the partner's character ("you're so selfish", "what kind of
                    person…") rather than on something they did.
complaint           a specific thing the partner did or did not do, without absolute, criticism
                    or contempt in the same sentence.
contempt            insults, name-calling, mockery, sarcasm, disgust, eye-rolling.
defensiveness       denying responsibility, excuses, "yes, but", counter-attack, brushing the
                    partner's feeling aside ("you're overreacting").
stonewalling        shutting the conversation down or withdrawing ("whatever", "I'm done"),
                    unless the message promises to come back to it (a self-soothing pause).
logistics_only      arranging practical things, with no feeling, no relationship meaning, no
                    appreciation and none of the conflict patterns.
i_statement         the speaker owns a feeling or need ("I feel lonely", "I miss us", "I'd like
                    us to…"), with no blame, criticism or contempt in the same sentence.
disguised_blame     an I-statement form that carries blame ("I feel that you never listen",
                    "I'm hurt because you always…", "I'm sick of you…").
feeling_named       a word from the emotion vocabulary appears (anyone's feeling).
no_feeling_named    a non-empty message with no emotion word.
curiosity_question  an open, caring question about the partner's inner world.
validation          telling the partner their feeling makes sense, not taken back by "but".
level_content       facts, tasks, plans and events.
level_process       feelings, energy, well-being (every named feeling counts).
level_meaning       what it means for the relationship, the future, identity.
"""

from __future__ import annotations

LEVELS = ("content", "process", "meaning")

LABELS = (
    "absolute",
    "you_blame",
    "criticism",
    "complaint",
    "contempt",
    "defensiveness",
    "stonewalling",
    "logistics_only",
    "i_statement",
    "disguised_blame",
    "feeling_named",
    "no_feeling_named",
    "curiosity_question",
    "validation",
    "level_content",
    "level_process",
    "level_meaning",
)

# Findings that can land as blame; an opener must carry none of them.
BLAME_LABELS = frozenset(
    {
        "absolute",
        "you_blame",
        "criticism",
        "contempt",
        "defensiveness",
        "stonewalling",
        "disguised_blame",
    }
)

# Order in which a rewrite picks the pattern that matters most.
SEVERITY = (
    "contempt",
    "criticism",
    "disguised_blame",
    "absolute",
    "you_blame",
    "defensiveness",
    "stonewalling",
    "complaint",
)
