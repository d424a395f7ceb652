from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import ContactMessage


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only you and the specialist can read this conversation."),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write a message."))
        return body


class ContactForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[
            choice
            for choice in ContactMessage.Subject.choices
            if choice[0] != ContactMessage.Subject.CANT_LOG_IN
        ],
    )
    body = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class CantLogInForm(forms.Form):
    """ "Can't log in?": an address to answer and what happens. The template adds a field
    people never see (HONEYPOT), which only a program fills in."""

    HONEYPOT = "website"

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Please give an e-mail address we can answer."),
            "invalid": _("Please give an e-mail address like name@example.com."),
        },
        help_text=_("We answer here. It can be the address of your account or another one."),
    )
    body = forms.CharField(
        label=_("What happens when you try to log in?"),
        min_length=10,
        max_length=5000,
        error_messages={
            "required": _("Please tell us what happens."),
            "min_length": _("Please tell us a little more, in a sentence or two."),
            "max_length": _("Please keep it under 5,000 characters."),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please don't send your password; we never need it."),
    )

    def is_from_a_program(self) -> bool:
        return bool(self.data.get(self.HONEYPOT))
