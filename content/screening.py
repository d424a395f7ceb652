"""Crisis-language screening for what people write to us (questions and messages).

A deliberately small, careful list: a match holds the text for a person to review and shows
the writer crisis resources straight away. It never blocks anyone from reaching help.
"""

import re

CRISIS_PHRASES = (
    r"kill(?:ing)? my ?self",
    r"suicid\w*",
    r"end(?:ing)? (?:my|it all|my own) li(?:fe|ves)",
    r"end it all",
    r"self[- ]?harm\w*",
    r"hurt(?:ing)? my ?self",
    r"harm(?:ing)? my ?self",
    r"cut(?:ting)? my ?self",
    r"(?:do not|don'?t|no longer) want to (?:live|be alive|be here)",
    r"want to die",
    r"better off dead",
    r"take my (?:own )?life",
    r"overdos\w*",
)
_PATTERN = re.compile(r"\b(?:" + "|".join(CRISIS_PHRASES) + r")\b", re.IGNORECASE)


def _normalise(text: str) -> str:
    # Curly apostrophes and runs of whitespace must not hide a phrase.
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'"))


def needs_crisis_review(*texts: str) -> bool:
    """True when any of the texts contains crisis language."""
    return any(_PATTERN.search(_normalise(text)) for text in texts if text)
