"""Which navigation link is where the visitor is: aria-current, and its underline in the CSS."""

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def current(request: HttpRequest | None, url: str) -> SafeString:
    """aria-current="page" on the link to this very page, "true" on the link to its section.

    The 500 page renders without a request: no link is current there.
    """
    path = getattr(request, "path", None)
    if not path:
        return mark_safe("")
    if path == url:
        return mark_safe('aria-current="page"')
    if url != "/" and path.startswith(url):
        return mark_safe('aria-current="true"')
    return mark_safe("")


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    """The navigation, drawn once per page although it is shown twice (on wide screens, and
    in the menu on a phone)."""
    drawn = context.render_context.get("site_nav")
    if drawn is None:
        nav = context.template.engine.get_template("components/_nav.html")  # type: ignore[union-attr]
        drawn = context.render_context["site_nav"] = nav.render(context)
    return drawn
