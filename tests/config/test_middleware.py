import re

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.urls import reverse

from config.middleware import CSPMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_for_a_logged_in_person_are_never_stored(client):
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_cached(client):
    response = client.get(reverse("home"))

    assert "no-store" not in response.get("Cache-Control", "")


def test_an_invalid_form_post_answers_400_and_keeps_the_form(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_a_valid_get_of_a_form_page_stays_200(client):
    assert client.get(reverse("account_login")).status_code == 200


def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_ship_no_inline_script_apart_from_json_data(client):
    import re

    html = client.get(reverse("home")).content.decode()

    inline = [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]
    assert all('type="application/ld+json"' in tag for tag in inline)


def test_the_policy_is_the_same_strict_policy_as_before_django_csp(client):
    header = client.get(reverse("home"))["Content-Security-Policy"]

    assert set(header.split("; ")) == {
        "default-src 'self'", "script-src 'self'", "style-src 'self'",
        "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'",
    }  # fmt: skip
    assert client.get(reverse("home"))["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=()"
    )


def test_one_view_can_change_the_policy_without_touching_the_others(rf):
    from csp.decorators import csp_replace
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    @csp_replace({"frame-ancestors": ["https://partner.example"]})
    def widget(request):
        return HttpResponse("a widget others may frame")

    def page(request):
        return HttpResponse("a page")

    framed = CSPMiddleware(widget)(rf.get("/widget/"))["Content-Security-Policy"]
    plain = CSPMiddleware(page)(rf.get("/"))["Content-Security-Policy"]

    assert "frame-ancestors https://partner.example" in framed
    assert "script-src 'self'" in framed
    assert "frame-ancestors 'none'" in plain


def _nonce_page(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@pytest.mark.parametrize(
    "view",
    [
        lambda request: HttpResponse("a page"),
        csp_replace({"frame-ancestors": ["https://partner.example"]})(
            lambda request: HttpResponse("a widget")
        ),
        csp_update({"img-src": ["https://img.example"]})(lambda request: HttpResponse("a page")),
        csp_exempt()(lambda request: HttpResponse("a page")),
        _nonce_page,
    ],
    ids=["plain", "replaced", "updated", "exempt", "nonce"],
)
def test_the_policy_built_once_is_the_one_django_csp_builds_for_each_response(rf, settings, view):
    reported = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    for report_only in (None, reported):
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = report_only
        ours = CSPMiddleware(view)(rf.get("/"))
        theirs = DjangoCSPMiddleware(view)(rf.get("/"))

        for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
            assert _without_nonce(ours.get(header)) == _without_nonce(theirs.get(header))
        if report_only and view is not _nonce_page:
            assert "script-src 'self'" in ours["Content-Security-Policy-Report-Only"]


def _without_nonce(header):
    return None if header is None else re.sub(r"'nonce-[^']+'", "'nonce'", header)
