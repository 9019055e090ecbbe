"""The coach's labels and what each one means (the corpus is annotated by these
definitions and by the labelling guide in docs/coach.md, which settles what they leave open).

absolute            always / never / every time applied to the partner's behaviour, in a sentence
                    that is not kind ("I love that you always…"), not softened ("you don't
                    always…"), not disowned ("I'm not saying you never…") and not quoted.
                    A disclaimer followed by "but" is a hedge, not a disowning: in "I'm not
                    saying you never help, but…" the absolute stands. A message about the
                    partner ("my husband never helps", as in a forum post) counts like one
                    addressed to them, for every label.
you_blame           the partner framed as the cause or the one at fault: "you make me…",
                    "your fault", "you don't care", "why do you…", "you should have…", questions
                    that carry a verdict ("how hard is it to…", "would it kill you…"), blame by
                    metaphor or hyperbole ("talking to you is like talking to a wall", "I'm not
                    your maid", "I've asked you a million times"), and any absolute about the
                    partner. Not a worried question that names the speaker's own fear ("Why
                    didn't you call? I was so worried").
criticism           a verdict on the partner's character ("you're so selfish", "what kind of
                    person…", "you're the laziest person I know") rather than on something they
                    did, also behind a hedge ("no offence, but you're…").
complaint           a specific thing the partner did or did not do, said as a statement, without
                    absolute, criticism, contempt or a counter-attack in the same sentence.
contempt            insults, name-calling, mockery, sarcasm, disgust, eye-rolling; sarcasm by its
                    shape too: thanks or praise for something overdue or gone wrong ("thanks
                    for finally noticing I exist", "you lost the keys again, well done"), mocking
                    titles ("whatever you say, genius"), "funny how I'm the only one who…".
defensiveness       denying responsibility, excuses, "yes, but", counter-attack ("maybe if you
                    helped…", "says the person who…", "I wouldn't yell if you listened"),
                    non-apologies ("I'm sorry you feel that way"), brushing the partner's
                    feeling aside ("you're overreacting", "it's not that deep").
stonewalling        shutting the conversation down or withdrawing ("whatever", "I'm done"),
                    unless the message promises to come back to it (a self-soothing pause).
logistics_only      arranging practical things, with no feeling, no relationship meaning, no
                    appreciation and none of the conflict patterns.
i_statement         the speaker owns a feeling or need ("I feel lonely", "I miss us", "I'd like
                    us to…", "feeling kinda down", "my heart sank"), with no blame, criticism or
                    contempt in the same sentence; a denied hard feeling ("I'm not mad, it's
                    just…") is not one.
disguised_blame     an I-statement form that carries blame ("I feel that you never listen",
                    "I'm hurt because you always…", "I'm sick of you…").
feeling_named       a word from the emotion vocabulary appears (anyone's feeling). The vocabulary
                    holds only feelings: "stupid", "exhausting", "stressful" are not (words for
                    how a situation feels to live through count as level_process).
no_feeling_named    a non-empty message with no emotion word.
curiosity_question  an open, caring question about the partner's inner world (asked with a
                    question mark, or in a message typed with no punctuation at all).
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
