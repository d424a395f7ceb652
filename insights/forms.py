from django import forms
from django.utils.translation import gettext_lazy as _

from insights import widget


class AllowedSitesForm(forms.Form):
    sites = forms.CharField(
        label=_("Websites allowed to show your widget"),
        help_text=_(
            "One address per line, such as https://example.org. Leave empty to allow any website."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_sites(self) -> list[str]:
        return widget.parse_sites(self.cleaned_data["sites"])
