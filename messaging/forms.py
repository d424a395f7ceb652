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
        label=_("What is it about?"), choices=ContactMessage.Subject.choices
    )
    body = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
