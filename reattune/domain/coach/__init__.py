"""The communication coach: offline, explainable feedback on what a partner is about to say.

Plain Python (no Django, no network); the wording lives in reattune/data/lexicons/<lang>/.
"""

from .analyzer import analyze
from .lexicon import LexiconError, load_lexicon
from .model import MAX_CHARS, Analysis, Feeling, Finding, Opener, Suggestions, TextTooLong
from .opener import build_opener
from .suggest import suggest, validating_responses

__all__ = [
    "MAX_CHARS",
    "Analysis",
    "Feeling",
    "Finding",
    "LexiconError",
    "Opener",
    "Suggestions",
    "TextTooLong",
    "analyze",
    "build_opener",
    "load_lexicon",
    "suggest",
    "validating_responses",
]
