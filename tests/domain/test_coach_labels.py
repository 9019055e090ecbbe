"""Each coach label on sentences that should and should not carry it."""

import pytest

from reattune.domain.coach import analyze

POSITIVE = {
    "absolute": [
        "You never listen to me.",
        "You’re ALWAYS on your phone.",
        "Every time I bring up money you change the subject.",
        "you dont ever text back",
    ],
    "you_blame": [
        "It's your fault we were late.",
        "You make me so angry.",
        "How could you say that?",
        "You don't care about anything I say.",
    ],
    "criticism": ["You're so selfish.", "What kind of person forgets that?", "ur so lazy"],
    "complaint": [
        "You left the dishes in the sink last night.",
        "You didn't call when you were running late.",
        "I felt hurt when you left the party without me.",
    ],
    "contempt": ["You're an idiot.", "Thanks for nothing.", "Oh poor you.", "Wow. 🙄", "Grow up."],
    "defensiveness": [
        "It's not my fault.",
        "Yes, but you do it too.",
        "You're overreacting.",
        "I was only joking, relax.",
    ],
    "stonewalling": ["Whatever.", "I'm done talking about this.", "Leave me alone.", "Fine."],
    "logistics_only": ["Can you pick up milk on the way home?", "Dentist is at 3:30 on Thursday."],
    "i_statement": ["I feel lonely.", "I'm worried about us.", "I miss the way we used to talk."],
    "disguised_blame": [
        "I feel that you never listen.",
        "I feel like you don't care about me.",
        "I'm sick of you ignoring me.",
        "I feel hurt because you always choose work.",
    ],
    "feeling_named": ["I'm so lonely.", "You seem stressed.", "I feel a bit lost."],
    # The labelling guide (docs/coach.md): emoji, "tired", "fed up", "calm", "sorry" are not
    # named feelings (they still count for level_process).
    "no_feeling_named": ["What time is dinner?", "You never listen.", "I'm so tired.", "😢"],
    "curiosity_question": [
        "How are you feeling today?",
        "What's been on your mind lately?",
        "Tell me more about what happened.",
    ],
    "validation": [
        "That sounds really hard.",
        "It makes sense that you feel that way.",
        "I hear you.",
    ],
    "level_content": ["Can you book the vet for next week?"],
    "level_process": ["I'm exhausted.", "How are you feeling?"],
    "level_meaning": ["I'm worried about our relationship.", "I miss us."],
}

NEGATIVE = {
    "absolute": [
        "I love that you always make me laugh.",
        "I'm not saying you never help.",
        "You don't always have to be the strong one.",
        'She said "you never listen" and I froze.',
        "I never know how to start these talks.",
        "You can always talk to me.",
        "You never complain, even when you're exhausted.",
    ],
    "you_blame": ["It's not your fault.", "I'm not blaming you.", "You make me so happy."],
    "criticism": ["You're so kind.", "You're not lazy, you're worn out.", "I was being lazy."],
    "complaint": ["You looked so happy at the wedding.", "You never complain."],
    "contempt": [
        "I'm such an idiot, I locked myself out.",
        "Oh great, you found the keys!",
        "This traffic is stupid.",
        "You're not an idiot.",
    ],
    "defensiveness": ["You're right, that one's on me.", "It's not your fault."],
    "stonewalling": [
        "I'm done with the dishes.",
        "Whatever you want for dinner is fine.",
        "I need twenty minutes to calm down, then let's come back to this.",
        "Never mind the milk, I got some.",
    ],
    "logistics_only": [
        "I'm stressed about the bills, can we look at them together?",
        "Thanks so much for picking up the groceries.",
        "You never pick up the kids on time.",
    ],
    "i_statement": ["I feel that you never listen.", "You make me feel stupid."],
    "disguised_blame": [
        "I feel lonely.",
        "I feel like I'm not a priority.",
        "You never notice when I'm upset.",
    ],
    "feeling_named": [
        "I'm afraid we're out of coffee.",
        "Happy to drive if you want.",
        "I'd love to go.",
    ],
    "no_feeling_named": ["I'm sad.", ""],
    "curiosity_question": [
        "What time does the film start?",
        "Why do you always do this?",
        "What's wrong with you?",
        "she asked how are you feeling and I froze",  # reported, not asked
        "how are you feeling.",  # punctuated, and not as a question
    ],
    "validation": ["I hear you, but you're overreacting.", "That makes no sense."],
    "level_content": ["I feel lonely."],
    "level_process": ["Can you pick up milk?"],
    "level_meaning": ["Can you pick up milk?"],
}


# The class of expression, not only the words the lexicon was written from.
POSITIVE_CLASSES = {
    "contempt": [
        "Wow, thanks so much for finally noticing I exist.",  # thanks for something overdue
        "Sure, because your job is soooo much more important.",  # "sure, because", stretched
        "God, you're such a child.",
        "Whatever you say, genius.",  # a mocking title
        "I can't believe I married someone this lazy.",
        "ok mr know-it-all",
        "Let me guess, you forgot again.",
        "I just think it's funny how I'm the only one who ever cleans.",
        "You're a real gem, aren't you.",
        "Gold star for you, you remembered the bins.",
        "Nice of you to call. Only four days late.",
        "not you playing the martyr again",
        "Want a medal for making the bed?",
    ],
    "criticism": [
        "A decent partner would have asked first.",  # a verdict by comparison
        "you're a useless driver",
        "nobody can rely on you",
        "I'm not saying you're lazy, but the dishes have been there for days.",  # hedge + but
        "No offence, but you're kind of a slob.",
        "You've been a terrible partner lately.",
        "Do you ever think about anyone but yourself?",
        # a verdict asked as a question, a comparison, superiority, an idiom
        "why are u always so lazy",
        "How could anyone be this inconsiderate?",
        "you're no different from your father",
        "Other husbands at least call when they're late.",
        "you honestly think you're smarter than all of us",
        "There isn't a generous bone in your body.",
    ],
    "defensiveness": [
        "Maybe if you helped once in a while I wouldn't be so tired.",
        "I wouldn't have to yell if you ever listened.",
        "Says the person who forgot our anniversary.",
        "You do the exact same thing.",
        "So it's my fault now?",
    ],
    "you_blame": [
        "Talking to you is like talking to a brick wall.",  # metaphor
        "I'm not your maid.",
        "I've asked you a million times to put the lid back on.",  # hyperbole
        "How hard is it to send one text?",  # a question that carries a verdict
        "Would it kill you to say thank you?",
        "Why you did not tell me before?",  # non-native word order
    ],
    "curiosity_question": [
        "hows ur day going",
        "hey u ok",
        "r u mad at me",
        "Is there anything you need from me?",
        "what's making you so tense?",
        "are you feeling any better?",
        # an open question by its shape: "what"/"how" opening a sentence or clause, about them
        "how did the chat with your manager leave you?",
        "ok so what did your sister end up saying to you?",
        "I know it's been a long week, how are things sitting with you now?",
        "so what happened next?",
        "you went quiet after the call, everything alright?",
    ],
    # Mock praise with a tag question, a mock award, gratitude for something overdue.
    "validation": [
        "Your feelings about it are completely valid.",
        "You're not being dramatic at all.",
        "I'd be gutted too.",
        "Makes sense you're nervous.",
    ],
    "stonewalling": ["i guess that makes sense, whatever"],
    # A specific moment by its shape: a past act pinned to a time or an occasion.
    "complaint": [
        "You rearranged my desk this morning.",
        "yesterday u deleted the photos from the shared folder",
        "you invited your cousin to stay without checking with me",
        # a past act told plainly, with a hard feeling or a request somewhere in the message
        "You drank the last of the milk. Could you get some on the way back?",
        "you threw out my old trainers and honestly I'm gutted",
        "I reminded you to ring the garage and you didn't.",
        # a disclaimer disowns the verdict it holds, not a moment told after it
        "I'm not calling you careless, I just felt upset when you lost the spare key.",
    ],
    # What a thing is really about, what it means, a shared side or life.
    "level_meaning": [
        "It's not about the laundry, it's about whether I can rely on us.",
        "what would a tidy hallway mean to you?",
        "I just want us to be on the same page about the future.",
        # being valued, chosen, second; the couple the two are; staying or leaving
        "Lately I don't feel wanted by you.",
        "I always come second after your football.",
        "sometimes i wonder who we have become",
        "are you still happy with us?",
        "I need to know we'll get through this together.",
    ],
    # About the partner rather than to them, as in a forum post.
    "absolute": ["My husband never helps with the kids.", "my bf is always on his phone"],
    "i_statement": ["feeling kinda down rn", "My heart sank when I saw the message."],
}
NEGATIVE_CLASSES = {
    # A worried question that names the speaker's own fear is not blame.
    "you_blame": [
        "Why didn't you call? I was so worried something had happened to you.",
        "Why didn't you answer? I got really scared.",
        "I understand why you are upset.",
    ],
    # A sincere disclaimer (no "but") still disowns.
    "criticism": ["I'm not saying you're lazy, I know you've been exhausted."],
    "contempt": [
        "You're a genius!",
        "Thanks so much for picking up the kids.",
        "You're a gem, thanks for sorting the boiler.",
        "You're such a gentleman, thank you for walking me home.",
    ],
    # A denied hard feeling is not an I-statement.
    "i_statement": [
        "I'm not mad, it's just that this is your fault.",
        "Happy Friday 😊",
        "That makes sense, I'd be upset too.",  # the partner's feeling mirrored
    ],
    "complaint": [
        "Why didn't you tell me you'd spent the savings?",
        "I'm sad that you don't care about me.",  # a guess at the mind, not a moment
        "You fixed the tap this morning, thank you!",  # a past act with thanks
        "u smashed it at the recital today, so proud",
        "You seemed tired at dinner yesterday.",
    ],
    "curiosity_question": [
        "Why didn't you tell me about the job?",  # an account, not a feeling
        # open-question shapes that ask for an account, blame or arrange things
        "What were you thinking, leaving the gate open?",
        "I was tired, what did you expect?",
        "what time do you finish tonight?",
        "What if something happened to you on the way?",
        "She asked me what you said.",
    ],
    # Past acts that are thanks or praise are not complaints.
    "level_meaning": [
        "It would mean a lot if you texted when you're late.",
        "Leave me alone.",
        "You're married to your job.",
    ],
    "validation": ["i guess that makes sense, whatever"],  # taken back
    # "I'd be upset too" mirrors the partner's feeling; it is not the speaker's own.
    "absolute": ["My sister never calls.", "My husband is lovely, he always makes me laugh."],
}


def test_a_message_about_the_partner_keeps_its_spans_on_the_words_written():
    text = "My wife constantly criticises how I load the dishwasher."
    analysis = analyze(text)
    (absolute,) = [f for f in analysis.findings if f.label == "absolute"]
    assert [text[s:e] for s, e in absolute.spans] == ["constantly"]
    assert "“constantly”" in absolute.explanation


@pytest.mark.parametrize(
    ("label", "text"),
    [(label, text) for label, texts in POSITIVE_CLASSES.items() for text in texts],
)
def test_class_of_expression_found(label, text):
    analysis = analyze(text)
    assert label in analysis.labels, (text, sorted(analysis.labels))
    assert all(f.spans and f.explanation for f in analysis.findings)


@pytest.mark.parametrize(
    ("label", "text"),
    [(label, text) for label, texts in NEGATIVE_CLASSES.items() for text in texts],
)
def test_class_of_expression_not_found(label, text):
    analysis = analyze(text)
    assert label not in analysis.labels, (text, sorted(analysis.labels))


@pytest.mark.parametrize(
    ("label", "text"), [(label, text) for label, texts in POSITIVE.items() for text in texts]
)
def test_label_found(label, text):
    analysis = analyze(text)
    assert label in analysis.labels, (text, sorted(analysis.labels))


@pytest.mark.parametrize(
    ("label", "text"), [(label, text) for label, texts in NEGATIVE.items() for text in texts]
)
def test_label_not_found(label, text):
    analysis = analyze(text)
    assert label not in analysis.labels, (text, sorted(analysis.labels))


def test_spans_point_at_the_words_in_the_original_text():
    text = "Honestly?? You’re ALWAYS late."
    analysis = analyze(text)
    (absolute,) = [f for f in analysis.findings if f.label == "absolute"]
    assert [text[s:e] for s, e in absolute.spans] == ["ALWAYS"]
    assert "“ALWAYS”" in absolute.explanation


def test_every_finding_has_a_kind_explanation_naming_the_words():
    analysis = analyze("You never help. You're so lazy. Whatever.")
    for finding in analysis.findings:
        assert finding.explanation
        if finding.label not in ("no_feeling_named",):
            quoted = analysis.text[finding.spans[0][0] : finding.spans[0][1]]
            assert " ".join(quoted.split())[:20] in finding.explanation


def test_feelings_have_family_and_intensity():
    analysis = analyze("I'm a bit worried and really exhausted.")
    by_word = {f.word: f for f in analysis.feelings}
    assert by_word["worried"].family == "fear"
    assert by_word["worried"].intensity == 1  # "a bit" softens it
    assert by_word["exhausted"].intensity == 3


def test_levels_are_listed_in_order():
    analysis = analyze("I'm worried about us and the bills.")
    assert analysis.levels == ["content", "process", "meaning"]


def test_empty_and_blank_text_have_no_findings():
    for text in ("", "   \n "):
        analysis = analyze(text)
        assert analysis.findings == [] and analysis.feelings == [] and analysis.levels == []


def test_to_dict_is_json_and_leaves_out_the_text():
    import json

    data = analyze("You never listen 🙄").to_dict()
    json.dumps(data)
    assert "text" not in data and data["length"] == 18
    assert {f["label"] for f in data["findings"]} >= {"absolute", "contempt"}


@pytest.mark.parametrize(
    ("text", "implied"),
    [
        ("You're so selfish.", {"criticism", "you_blame", "level_meaning"}),
        ("Whatever you say, genius.", {"contempt", "you_blame"}),
        (
            "Maybe if you helped once in a while I wouldn't be so tired.",
            {"defensiveness", "you_blame"},
        ),
        ("I'm so tired.", {"level_process", "no_feeling_named"}),
        # a complaint tells one thing that happened: an event
        ("You forgot to water my tomatoes.", {"complaint", "level_content"}),
    ],
)
def test_labelling_guide_implied_labels(text, implied):
    """The labelling guide's implications hold in the analyzer's output."""
    labels = analyze(text).labels
    assert implied <= labels, (text, sorted(labels))
