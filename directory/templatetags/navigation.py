"""Which navigation link is where the visitor is: aria-current, and its underline in the CSS."""

import hashlib
import secrets

from django import template
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NAV_TEMPLATE = "components/_nav.html"
HEADER_TEMPLATE = "components/_header.html"
HEADER_SECONDS = 10 * 60
# The header is kept drawn (see `site_header`) with this in place of the logout form's CSRF
# token, which is personal and changes with every page: each page puts its own in. Random per
# process, so no address a visitor types can contain it.
_TOKEN_SLOT = f"csrf-slot-{secrets.token_hex(16)}"
_TOKEN_SLOT_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": _TOKEN_SLOT}))


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
        nav = context.template.engine.get_template(NAV_TEMPLATE)  # type: ignore[union-attr]
        drawn = context.render_context["site_nav"] = nav.render(context)
    return drawn


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    """The page's header with its navigation, kept drawn in this process under a key made of
    everything it shows (the page, who is reading, their zone and unread count, the
    language), so it is drawn again only for a page or a reader not seen for a while."""
    request = context.get("request")
    user = context.get("user")
    zone = context.get("READER_ZONE")
    signed_in = bool(user is not None and user.is_authenticated)
    shown = (
        translation.get_language(),
        get_script_prefix(),
        context.get("SITE_NAME"),
        getattr(request, "path", None),
        request.get_full_path() if request is not None else None,
        signed_in,
        signed_in and user.is_specialist,  # type: ignore[union-attr]  # signed_in: a user
        context.get("inbox_unread"),
        zone.key if zone else "",
    )
    key = "header:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    cache = caches["fragments"]
    html = None if settings.DEBUG else cache.get(key)
    if html is None:
        header = context.template.engine.get_template(HEADER_TEMPLATE)  # type: ignore[union-attr]
        with context.push(csrf_token=_TOKEN_SLOT):
            html = header.render(context)
        cache.set(key, html, HEADER_SECONDS)
    if _TOKEN_SLOT_INPUT in html:
        html = html.replace(_TOKEN_SLOT_INPUT, CsrfTokenNode().render(context))
    return mark_safe(html)  # noqa: S308 - our own template's output
