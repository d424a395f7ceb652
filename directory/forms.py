from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from directory import licensing, photos, profiles
from directory.fields import PlainLineField
from directory.models import OFFERED_TIME_ZONE_CHOICES, TIME_ZONE_CHOICES, Specialist, User


class SignupRoleForm(forms.Form):
    """Extra sign-up field for allauth: which of the two kinds of people this is."""

    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=User.Role.choices,
        initial=User.Role.CLIENT,
        widget=forms.RadioSelect,
    )

    first_name = PlainLineField(
        label=_("Your first name"),
        max_length=60,
        help_text=_("What specialists and our e-mails will call you."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    pronouns = PlainLineField(
        label=_("Your pronouns (optional)"),
        max_length=40,
        required=False,
        help_text=_("For example: she/her, he/him, they/them."),
    )

    field_order = ["first_name", "pronouns", "role"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user.role = self.cleaned_data["role"]
        user.first_name = self.cleaned_data["first_name"].strip()
        user.pronouns = self.cleaned_data["pronouns"].strip()
        user.save(update_fields=["role", "first_name", "pronouns"])


class NameForm(forms.ModelForm):
    """The name and pronouns on the account page."""

    first_name = PlainLineField(
        label=_("Your first name"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    class Meta:
        model = User
        fields = ["first_name", "pronouns"]
        field_classes = {"pronouns": PlainLineField}


ZONE_FORM_CHOICES = [("", _("Choose your time zone")), *OFFERED_TIME_ZONE_CHOICES]


class TimeZoneForm(forms.Form):
    tz = forms.ChoiceField(
        label=_("Your time zone"),
        choices=ZONE_FORM_CHOICES,
        help_text=_("Every time on the site and in our e-mails is shown in this zone."),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Current names only, but an older one already in use (Asia/Calcutta, which some
        # browsers still report) stays valid and selected.
        kept = self.data.get("tz") or self.initial.get("tz")
        field = cast(forms.ChoiceField, self.fields["tz"])
        if kept in dict(TIME_ZONE_CHOICES) and kept not in dict(OFFERED_TIME_ZONE_CHOICES):
            field.choices = [*ZONE_FORM_CHOICES, (kept, kept.replace("_", " "))]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password


class ProfileForm(forms.ModelForm):
    """The fields a specialist fills in. Status, owner, slug and promotion are not among them,
    so posting them changes nothing."""

    photo_upload = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 8 MB and 12 megapixels. "
            "A friendly, recent headshot works best."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    video_url = forms.URLField(
        label=_("Video introduction URL"),
        required=False,
        assume_scheme="https",
        help_text=_("A YouTube or Vimeo link to a short introduction, if you have one."),
    )
    meeting_link = forms.URLField(
        label=_("Meeting link for video consultations"),
        required=False,
        assume_scheme="https",
        help_text=_("Shared with clients only in their booking confirmation."),
    )

    licensed_in = forms.MultipleChoiceField(
        label=_("Where you are licensed to practise"),
        required=False,
        help_text=_(
            "Every province, state or country whose licence you hold (in Canada and the United "
            "States, by province or state). Clients who live there see you first when they "
            "look for online sessions. Hold Ctrl (Cmd on a Mac) to choose several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    # The lists follow the licensing facts; everything else keeps the model's order.
    field_order = [
        "name", "photo_upload", "titles", "license_number", "license_body", "licensed_in",
        "years_experience", *profiles.RELATED_FIELDS,
    ]  # fmt: skip

    class Meta:
        model = Specialist
        fields = [*profiles.EDITABLE_FIELDS, *profiles.RELATED_FIELDS]
        field_classes = {"name": PlainLineField, "titles": PlainLineField}
        widgets = {
            "specialties": forms.CheckboxSelectMultiple,
            "approaches": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "payers": forms.CheckboxSelectMultiple,
            "age_groups": forms.CheckboxSelectMultiple,
            "communities": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 12}),
            "education": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "payers": _("Insurers and programmes that pay for, or reimburse, your sessions."),
            "communities": _("Only if you want to say so; clients can search by them."),
            "bio": _(
                "Markdown is welcome: **bold**, *italics*, lists and links. "
                "Scripts and images are removed."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.processed_photo: photos.ProcessedPhoto | None = None
        licensed_in = cast(forms.MultipleChoiceField, self.fields["licensed_in"])
        licensed_in.choices = licensing.grouped_choices()
        if self.instance.pk:
            licensed_in.initial = profiles.licensed_areas(specialist_id=self.instance.pk)
        self.fields["bio"].widget.attrs["maxlength"] = "10000"
        self.fields["fee_currency"].required = False
        zone_field = cast(forms.ChoiceField, self.fields["time_zone"])
        current = self.instance.time_zone
        zone_field.choices = OFFERED_TIME_ZONE_CHOICES + (
            []
            if not self.instance.pk or current in dict(OFFERED_TIME_ZONE_CHOICES)
            else [(current, current.replace("_", " "))]
        )
        if not self.instance.pk:
            zone_field.widget.attrs["data-tz-default"] = ""  # the browser's zone (site.js)

    def clean_fee_currency(self) -> str:
        # Optional on the form: a specialist without a fee need not pick a currency.
        return (
            self.cleaned_data.get("fee_currency")
            or Specialist._meta.get_field("fee_currency").get_default()
        )

    def clean_education(self) -> str:
        education = self.cleaned_data["education"]
        if len(education) > 2_000:
            raise forms.ValidationError(_("Please keep your education under 2,000 characters."))
        return education

    def clean_bio(self) -> str:
        bio = self.cleaned_data["bio"]
        if len(bio) > 10_000:
            raise forms.ValidationError(_("Please keep your biography under 10,000 characters."))
        return bio

    def clean_photo_upload(self) -> Any:
        upload = self.cleaned_data.get("photo_upload")
        if upload:
            try:
                self.processed_photo = photos.process(upload=upload, size=upload.size)
            except photos.PhotoError as error:
                raise forms.ValidationError(str(error)) from None
        return upload


class RejectForm(forms.Form):
    """The reason an admin gives when a profile needs changes (e-mailed to the specialist)."""

    reason = forms.CharField(
        label=_("What should the specialist change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )
