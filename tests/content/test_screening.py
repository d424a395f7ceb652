import pytest

from content.screening import needs_crisis_review


@pytest.mark.parametrize(
    "text",
    [
        "Sometimes I want to kill myself",
        "thinking about SUICIDE",
        "I want to end my life",
        "I self-harm when it gets bad",
        "I hurt myself last night",
        "I don\u2019t want to live",
        "I do not want to live any more",
    ],
)
def test_holds_texts_with_crisis_language(text):
    assert needs_crisis_review(text)


@pytest.mark.parametrize(
    "text",
    [
        "How do I help my partner feel heard?",
        "My anxiety is worse at night",
        "",
        "I killed it at work",
    ],
)
def test_lets_ordinary_texts_through(text):
    assert not needs_crisis_review(text)
