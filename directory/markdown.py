"""Markdown written by people, turned into HTML that is safe to show to everyone."""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Browsers drop these anywhere in a URL and C0 controls and spaces at its ends
# (WHATWG URL), so "java\tscript:" runs as "javascript:" unless we read it the same way.
_REMOVED_INSIDE_URLS = dict.fromkeys(map(ord, "\t\n\r"))
_TRIMMED_AROUND_URLS = "".join(map(chr, range(0x21)))


def url_scheme(url: str) -> str | None:
    """The scheme a browser would use for `url`, or None when it is relative."""
    compact = url.translate(_REMOVED_INSIDE_URLS).strip(_TRIMMED_AROUND_URLS)
    head = compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0].lower() if ":" in head else None


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        scheme = url_scheme(value)
        if scheme is not None and scheme not in URL_SCHEMES:
            return None
    return value


def render(text: str) -> str:
    """Render Markdown and keep only harmless markup: no scripts, handlers or javascript: links."""
    html = markdown_lib.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_safe_links,
        link_rel="nofollow noopener noreferrer",
    )
