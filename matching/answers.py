"""The "Help me choose" questionnaire: what a person tells us, kept in their session only.

Nothing here is written to a table: the answers live in the person's session (which ends
when they log out or after its expiry) and are cleared with one click. They are never
logged, and only the words "answers saved" or "answers cleared" would be, if anything.
"""

from dataclasses import asdict, dataclass, field, fields
from typing import Any, cast

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext_lazy as _

from directory import filters, licensing
from directory.search import Options

SESSION_KEY = "matching_answers"
MAX_ABOUT_LENGTH = 500

FORMATS = [
    ("", _("Either is fine")),
    ("online", _("Online")),
    ("in_person", _("In person")),
]


@dataclass(frozen=True)
class Answers:
    """One person's answers; every field already valid (see AnswersForm)."""

    about: str = ""
    format: str = ""
    location: str = ""
    lives_in: str = ""  # an ISO 3166 area (directory.licensing)
    language: str = ""
    gender: str = ""
    age_group: str = ""
    max_fee: int | None = None
    currency: str = filters.DEFAULT_CURRENCY
    payer: str = ""
    times: tuple[str, ...] = field(default=())
    days: tuple[str, ...] = field(default=())
    tz: str = ""


def load(session: SessionBase) -> Answers | None:
    """The answers in this session, or None. Whatever is unreadable counts as no answers."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    known = {f.name for f in fields(Answers)}
    values: dict[str, Any] = {k: v for k, v in stored.items() if k in known}
    for name in ("times", "days"):
        values[name] = tuple(values.get(name) or ())
    try:
        return Answers(**values)
    except TypeError:
        return None


def save(session: SessionBase, answers: Answers) -> None:
    session[SESSION_KEY] = initial(answers)


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def _choices(options: tuple[Any, ...], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((option.slug, option.name) for option in options)]


class AnswersForm(forms.Form):
    """The questionnaire. Every question but the first is optional."""

    about = forms.CharField(
        label=_("What is going on for you, in your own words?"),
        help_text=_(
            "A few words are enough, for example: I can't sleep since my breakup. "
            "Only you see this; it stays in your browser session."
        ),
        max_length=MAX_ABOUT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    age_group = forms.ChoiceField(label=_("Who is the help for?"), required=False)
    format = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=FORMATS, required=False
    )
    location = forms.CharField(
        label=_("Where, if in person?"),
        help_text=_("A city, region or country."),
        max_length=100,
        required=False,
    )
    lives_in = forms.ChoiceField(
        label=_("Where do you live?"),
        help_text=_(
            "Specialists may see clients only where they are licensed; "
            "we show those licensed where you live."
        ),
        required=False,
    )
    language = forms.ChoiceField(label=_("In which language?"), required=False)
    gender = forms.ChoiceField(
        label=_("Does the specialist's gender matter to you?"),
        choices=[("", _("No preference")), *filters.GENDERS.items()],
        required=False,
    )
    max_fee = forms.IntegerField(
        label=_("Your budget per session, at most"),
        min_value=1,
        max_value=filters.MAX_FEE,
        required=False,
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[(code, code) for code in filters.CURRENCIES],
        initial=filters.DEFAULT_CURRENCY,
        required=False,
    )
    payer = forms.ChoiceField(label=_("Insurance or payer"), required=False)
    times = forms.MultipleChoiceField(
        label=_("Which times of day suit you?"),
        choices=list(filters.PARTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    days = forms.MultipleChoiceField(
        label=_("Which days?"),
        choices=list(filters.DAYS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    tz = forms.CharField(widget=forms.HiddenInput(attrs={"data-tz-field": ""}), required=False)

    def __init__(self, *args: Any, options: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, items, empty in (
            ("age_group", options.age_groups, _("Anyone")),
            ("language", options.languages, _("Any language")),
            ("payer", options.payers, _("I will pay myself")),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = _choices(items, str(empty))
        cast(forms.ChoiceField, self.fields["lives_in"]).choices = [
            ("", _("I would rather not say")),
            *licensing.grouped_choices(),
        ]

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            about=" ".join(data["about"].split()),
            format=data["format"],
            location=" ".join(data["location"].split()),
            lives_in=data["lives_in"],
            language=data["language"],
            gender=data["gender"],
            age_group=data["age_group"],
            max_fee=data["max_fee"],
            currency=data["currency"] or filters.DEFAULT_CURRENCY,
            payer=data["payer"],
            times=tuple(data["times"]),
            days=tuple(data["days"]),
            tz=data["tz"][:64],
        )


def initial(answers: Answers | None) -> dict[str, Any]:
    """The answers as plain JSON-able values: the session's copy, and the form's initial
    values when someone changes their answers."""
    if answers is None:
        return {}
    return {**asdict(answers), "times": list(answers.times), "days": list(answers.days)}
