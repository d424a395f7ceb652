"""Forms check shape and turn input into domain types; the rules live in bookings.booking."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import hours, time_off
from bookings.booking import NOTE_MAX_LENGTH
from bookings.models import AvailabilityException, BookingSettings, Consultation, Weekday
from directory import local_time
from directory.fields import PhoneField

HALF_HOURS = [(f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(24) for m in (0, 30)]
END_CHOICES = [*HALF_HOURS[1:], ("24:00", "24:00")]


# Dates and moments from the outside world are read only this far from today: nobody means
# anything else, and date arithmetic near the years 1 and 9999 overflows.
REACH_BACK = timedelta(days=366)
REACH_AHEAD = timedelta(days=2 * 366)


def parse_slot(value: str, *, now: datetime | None = None) -> datetime | None:
    """An aware UTC moment from an ISO string within reach of now, or None."""
    if not value or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or moment.second or moment.microsecond:
            return None
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    now = now or timezone.now()
    if not now - REACH_BACK <= moment <= now + REACH_AHEAD:
        return None
    return moment


def parse_day(value: str | None, *, today: date) -> date | None:
    """A date (YYYY-MM-DD) within reach of today, or None."""
    if not value or len(value) > 10:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    if not today - REACH_BACK <= day <= today + REACH_AHEAD:
        return None
    return day


class DayField(forms.DateField):
    """A date within reach of today; anything else gets a clear message."""

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        if day is not None and parse_day(day.isoformat(), today=timezone.localdate()) is None:
            raise forms.ValidationError(_("Please choose a date within the next two years."))
        return day


def slot_value(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clock(value: str) -> time:
    if value == "24:00":
        return time(0, 0)  # the end of the day
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def show_slot_errors(form: forms.Form) -> None:
    """The slot travels in a hidden field, so its errors are shown with the form's own."""
    for message in form.errors.get("slot", []):
        form.add_error(None, message)


class SlotField(forms.CharField):
    widget = forms.HiddenInput

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        moment = parse_slot(value)
        if moment is None:
            raise forms.ValidationError(_("That time is not valid. Please pick one from the list."))
        return moment


class BookingForm(forms.Form):
    slot = SlotField(error_messages={"required": _("Please pick a time.")})
    tz = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    mode = forms.ChoiceField(
        label=_("How would you like to talk?"),
        choices=Consultation.Mode.choices,
        initial=Consultation.Mode.VIDEO,
        widget=forms.RadioSelect,
    )
    phone = PhoneField(
        label=_("Phone number (for a phone call)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    note = forms.CharField(
        label=_("In a few words, what would you like help with? (optional)"),
        help_text=_("Only the specialist sees this."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, modes: list[tuple[str, str]], promise: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the ways the specialist can be met (bookings.meeting), the first the default.
        mode = cast(forms.ChoiceField, self.fields["mode"])
        mode.choices = modes
        mode.initial = modes[0][0]
        mode.help_text = promise

    def clean_tz(self) -> str:
        return self.cleaned_data["tz"] if local_time.zone_named(self.cleaned_data["tz"]) else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_slot_errors(self)
        # A number that was refused as malformed is already told; this is for none at all.
        phone_missing = not self.has_error("phone") and not data.get("phone", "").strip()
        if data.get("mode") == Consultation.Mode.PHONE and phone_missing:
            self.add_error("phone", _("Please give a phone number for a phone call."))
        return data


class ChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, shared with the other person)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RescheduleForm(ChangeForm):
    slot = SlotField(error_messages={"required": _("Please pick a new time.")})
    tz = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_slot_errors(self)
        return data


# These two answer with the button pressed, so their one field has no control of its own.
CLOSE_CHOICE = _("Choose completed or no-show.")
FIT_CHOICE = _("Please choose one of the answers.")


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Consultation.Status.COMPLETED, Consultation.Status.COMPLETED.label),
            (Consultation.Status.NO_SHOW, Consultation.Status.NO_SHOW.label),
        ],
        widget=forms.HiddenInput,
        error_messages={"required": CLOSE_CHOICE, "invalid_choice": CLOSE_CHOICE},
    )


class FitForm(forms.Form):
    fit = forms.ChoiceField(
        choices=Consultation.Fit.choices,
        widget=forms.HiddenInput,
        error_messages={"required": FIT_CHOICE, "invalid_choice": FIT_CHOICE},
    )


def _check_ranges(ranges: list[tuple[int, time, time]]) -> None:
    """Show the message of the one rule on ranges (hours.check_ranges) on the form."""
    try:
        hours.check_ranges(ranges)
    except hours.AvailabilityError as error:
        raise forms.ValidationError(str(error)) from None


class WeeklyRangeForm(forms.Form):
    # The blank first choice keeps the spare rows blank, so an untouched row adds nothing.
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[("", "—"), *Weekday.choices], coerce=int
    )
    starts = forms.ChoiceField(label=_("From"), choices=[("", "—"), *HALF_HOURS])
    ends = forms.ChoiceField(label=_("To"), choices=[("", "—"), *END_CHOICES])

    def row_label(self) -> str:
        """The day the row is for, as sent, which names the row in the error summary."""
        value = str(self["weekday"].value() or "")
        return str(Weekday(int(value)).label) if value in {str(day) for day in Weekday} else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "starts" in data and "ends" in data:
            data["starts"], data["ends"] = _clock(data["starts"]), _clock(data["ends"])
            _check_ranges([(data.get("weekday", 0), data["starts"], data["ends"])])
        return data


class BaseWeeklyFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if not any(self.errors):
            _check_ranges(self.ranges())

    def ranges(self) -> list[tuple[int, time, time]]:
        return [
            (form.cleaned_data["weekday"], form.cleaned_data["starts"], form.cleaned_data["ends"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


WeeklyFormSet = forms.formset_factory(
    WeeklyRangeForm,
    formset=BaseWeeklyFormSet,
    extra=2,
    can_delete=True,
    max_num=70,
    validate_max=True,
)


class ExceptionForm(forms.Form):
    """Time off or extra hours over one date or a range of dates."""

    date = DayField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    last = DayField(
        label=_("Until (for several days)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for one day."),
    )
    kind = forms.ChoiceField(
        label=_("What"),
        choices=AvailabilityException.Kind.choices,
        initial=AvailabilityException.Kind.OFF,
    )
    starts = forms.ChoiceField(
        label=_("From"), choices=[("", _("All day")), *HALF_HOURS], required=False
    )
    ends = forms.ChoiceField(label=_("To"), choices=[("", "—"), *END_CHOICES], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("starts", "ends"):
            data[name] = _clock(data[name]) if data.get(name) else None
        if data.get("date") is not None and data.get("kind"):
            data["dates"] = time_off.Dates(
                first=data["date"],
                last=data.get("last") or data["date"],
                kind=data["kind"],
                starts=data["starts"],
                ends=data["ends"],
            )
        return data


class TimeOffDecisionForm(forms.Form):
    """Posted with an ExceptionForm when time off covers booked consultations."""

    decision = forms.ChoiceField(
        label=_("The consultations booked in that time"),
        choices=time_off.DECISIONS,
        required=False,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to each client (sent with the cancellation)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_seen(self) -> list[int]:
        parts = [part for part in self.cleaned_data["seen"].split(",") if part]
        if not all(part.isdigit() and len(part) < 19 for part in parts):
            raise forms.ValidationError(_("Please start again from the availability page."))
        return [int(part) for part in parts]


class BookingSettingsForm(forms.ModelForm):
    meeting_link = forms.URLField(
        label=_("Meeting link for free consultations"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to use the meeting link on your profile."),
    )
    link_by_email = forms.BooleanField(
        label=_("I will send a link by e-mail before the call"),
        required=False,
        help_text=_(
            "Without a meeting link or this promise, clients can book phone calls only. "
            "Clients are told you will e-mail them."
        ),
    )

    class Meta:
        model = BookingSettings
        fields = [
            "buffer_minutes",
            "notice_hours",
            "horizon_days",
            "daily_cap",
            "meeting_link",
            "link_by_email",
        ]
        widgets = {
            "buffer_minutes": forms.NumberInput(attrs={"min": 0, "max": 240, "step": 5}),
            "notice_hours": forms.NumberInput(attrs={"min": 0, "max": 336}),
            "horizon_days": forms.NumberInput(attrs={"min": 1, "max": 365}),
            "daily_cap": forms.NumberInput(attrs={"min": 1, "max": 48}),
        }
