"""Non-text contrast (WCAG 1.4.11): every edge and state of a control in static/css/site.css
stands out 3:1 from the backgrounds it sits on. Read from the stylesheet itself, so a new
control rule with a faint border fails here."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
BACKGROUNDS = ("--card", "--paper")
# The custom properties named as the edges and states of controls.
CONTROL_COLOURS = ("--control-border", "--focus", "--danger", "--brand", "--brand-dark")
CONTROL_SELECTOR = re.compile(
    r"\b(input|select|textarea|button)\b|\.button|\.slot(?![\w-])|:focus|aria-invalid|\.field-error"
)
EDGE = re.compile(r"^(border|outline)(-[a-z]+)*$")
COLOUR = re.compile(r"var\((--[\w-]+)\)|(#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b)")


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", _without_comments(CSS))
    assert root is not None
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def control_edge_colours() -> list[tuple[str, str]]:
    """(selector, colour) for every border or outline colour of a rule that styles a control."""
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", _without_comments(CSS)):
        if not CONTROL_SELECTOR.search(selector):
            continue
        for declaration in body.split(";"):
            prop, _, value = declaration.partition(":")
            if EDGE.match(prop.strip()):
                for variable, literal in COLOUR.findall(value):
                    found.append((" ".join(selector.split()), variable or literal))
    return found


def _hex(colour: str, properties: dict[str, str]) -> str:
    value = properties.get(colour, colour)
    if len(value) == 4:  # #abc
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value


def test_the_stylesheet_names_the_edges_of_its_controls():
    edges = control_edge_colours()

    assert ("input:focus, select:focus, textarea:focus", "--brand") in edges
    assert any(colour == "--control-border" for _, colour in edges)
    assert any(colour == "--focus" for _, colour in edges)


@pytest.mark.parametrize("name", CONTROL_COLOURS)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_each_control_colour_stands_out_three_to_one(name, background):
    properties = custom_properties()

    assert contrast(properties[name], properties[background]) >= 3


def test_every_control_edge_in_the_stylesheet_stands_out_three_to_one():
    properties = custom_properties()
    faint = [
        (selector, colour, round(contrast(_hex(colour, properties), properties[background]), 2))
        for selector, colour in control_edge_colours()
        for background in BACKGROUNDS
        if contrast(_hex(colour, properties), properties[background]) < 3
    ]

    assert not faint


def test_the_old_input_border_would_have_failed():
    # #b9c6c2, the input border before: 1.76:1 on white.
    assert contrast("#b9c6c2", "#ffffff") < 3
