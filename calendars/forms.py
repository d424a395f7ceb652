"""Forms check shape; the connection rules live in `connections.py`."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from calendars import fetching
from calendars.models import CalendarConnection, RemoteCalendar


class SubscriptionForm(forms.Form):
    prefix = "subscription"  # one page holds several forms: their ids must differ
    url = forms.CharField(
        label=_("Calendar address (iCalendar)"),
        max_length=2000,
        help_text=_(
            'Google: "Secret address in iCal format". Outlook: the ICS link under '
            '"Publish calendar". iCloud: the public calendar link (webcal://).'
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_url(self) -> str:
        try:
            return fetching.normalize_url(self.cleaned_data["url"])
        except fetching.FetchError as error:
            raise forms.ValidationError(str(error)) from None


class CalDAVForm(forms.Form):
    prefix = "caldav"
    url = forms.CharField(
        label=_("CalDAV server address"),
        max_length=500,
        help_text=_(
            "For example https://caldav.fastmail.com/ or your Nextcloud's /remote.php/dav/."
        ),
    )
    username = forms.CharField(label=_("User name"), max_length=200)
    password = forms.CharField(
        label=_("App password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Create an app password in your account's security settings."),
    )

    def clean_url(self) -> str:
        try:
            return fetching.normalize_url(self.cleaned_data["url"])
        except fetching.FetchError as error:
            raise forms.ValidationError(str(error)) from None


class _CalendarNames(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: RemoteCalendar) -> str:  # type: ignore[override]
        return obj.name


class _CalendarName(forms.ModelChoiceField):
    def label_from_instance(self, obj: RemoteCalendar) -> str:  # type: ignore[override]
        return obj.name


class ChooseCalendarsForm(forms.Form):
    read_busy = _CalendarNames(
        label=_("Check these calendars for conflicts"),
        queryset=RemoteCalendar.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    receiving = _CalendarName(
        label=_("Add new consultations to"),
        queryset=RemoteCalendar.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )

    def __init__(self, *args: object, connection: CalendarConnection, **kwargs: object) -> None:
        super().__init__(*args, prefix=f"connection-{connection.pk}", **kwargs)  # type: ignore[misc, arg-type]
        calendars = connection.calendars.all()
        cast(_CalendarNames, self.fields["read_busy"]).queryset = calendars
        cast(_CalendarName, self.fields["receiving"]).queryset = calendars
        self.initial = {
            "read_busy": [c.pk for c in calendars if c.read_busy],
            "receiving": next((c.pk for c in calendars if c.receives_consultations), None),
        }
