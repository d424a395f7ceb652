from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from directory.models import User


class SignupRoleForm(forms.Form):
    """Extra sign-up field for allauth: which of the two kinds of people this is."""

    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=User.Role.choices,
        initial=User.Role.CLIENT,
        widget=forms.RadioSelect,
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.role = self.cleaned_data["role"]
        user.save(update_fields=["role"])


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
