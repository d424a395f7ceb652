from django import forms
from django.utils.translation import gettext_lazy as _

from insights.sites import Sites, parse_sites, parse_website


class WidgetSitesForm(forms.Form):
    """The specialist's website and the sites allowed to show the widget."""

    website = forms.CharField(
        label=_("Your website"),
        help_text=_(
            "Clients who book through your widget are offered a link back to it, such as"
            " https://example.org."
        ),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    sites = forms.CharField(
        label=_("Websites allowed to show your widget"),
        help_text=_(
            "One address per line, such as https://example.org. Leave empty to allow any website."
            " Your own website may always show it."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_sites(cls, saved: Sites) -> "WidgetSitesForm":
        return cls(initial={"website": saved.website, "sites": "\n".join(saved.allowed)})

    def clean_website(self) -> str:
        return parse_website(self.cleaned_data["website"])

    def clean_sites(self) -> list[str]:
        return parse_sites(self.cleaned_data["sites"])

    def chosen(self) -> Sites:
        return Sites(website=self.cleaned_data["website"], allowed=self.cleaned_data["sites"])
