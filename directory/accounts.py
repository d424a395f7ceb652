"""How allauth treats people: e-mail links from the site's address, and log-in limits that
cannot be aimed at one person.

Links: every absolute URL in an account e-mail is rebuilt on SITE_URL, so a forged Host
header (or the www alias) never reaches anyone's inbox.

Failed log-ins (password only) are limited three ways:
- per IP address, and per (e-mail, IP address): allauth's `login_failed` limits, whose key
  is both, so guessing from one address stops fast and locks nobody else out;
- per e-mail, slower, from any address (FAILURES_PER_EMAIL an hour): a guess spread over
  many addresses stops too. It also stops the owner's password, but not the owner: a log-in
  code sent to their e-mail (allauth's log in by code) still lets them in, and the refusal
  says so. At NOTIFY_AFTER failures in an hour the owner is told by e-mail, once an hour.
"""

import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from config import emails
from directory import limits
from directory.emails import send_login_failures
from directory.models import User
from outbox import sending

FAILURES_PER_EMAIL = 20
NOTIFY_AFTER = 10
WINDOW_SECONDS = 3600


class SiteFromSettings:
    """What allauth's templates call `current_site`, from SITE_URL instead of the request."""

    def __init__(self) -> None:
        self.domain = urlsplit(settings.SITE_URL).netloc
        self.name = settings.SITE_NAME

    def __str__(self) -> str:
        return self.domain


def on_site(url: str) -> str:
    """`url` with the scheme and host of SITE_URL (a path gets them added)."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


def _is_absolute_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def email_key(email: str) -> str:
    """The counters' key: a digest, so the cache holds no e-mail addresses."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _with_way_out(refusal: str) -> str:
    """A log-in refusal that names the way to reach the team, for whoever is still stuck."""
    return format_html(
        '{} <a href="{}">{}</a>',
        refusal,
        reverse("messaging:cant_log_in"),
        _("Still stuck? Write to our team."),
    )


def user_display(user: User) -> str:
    """How allauth's pages and e-mails name a person (ACCOUNT_USER_DISPLAY)."""
    return user.display_name


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            name: on_site(value) if _is_absolute_url(value) else value
            for name, value in context.items()
        }
        super().send_mail(template_prefix, email, context | {"current_site": SiteFromSettings()})

    def render_mail(
        self, template_prefix: str, email: str, context: dict, headers: dict | None = None
    ) -> EmailMessage:
        """Account e-mails are written as text; like every e-mail, they carry HTML too."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            message.attach_alternative(emails.html_from_text(str(message.body)), "text/html")
        return message

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # The key of allauth's `login_failed` "key" limits: (e-mail, IP) rather than the e-mail
        # and the request's Host, so that nobody can lock an account by failing on purpose.
        email = credentials.get("email", credentials.get("username", "")) or ""
        return f"{email_key(email)}:{self.get_client_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        email = credentials.get("email", credentials.get("username", "")) or ""
        failures = limits.count(
            scope="login-failed-email", key=email_key(email), window_seconds=WINDOW_SECONDS
        )
        if failures >= FAILURES_PER_EMAIL:
            paused = _(
                "There have been many failed attempts to log in to this account, so "
                "logging in with its password is paused for a while. You can still log "
                "in now: choose “Log in with a code” and we will e-mail you a code."
            )
            raise forms.ValidationError(_with_way_out(paused))

    def validation_error(self, code: str, *args: Any) -> forms.ValidationError:
        if code == "too_many_login_attempts":
            stopped = _("Too many failed attempts to log in. Please try again in a while.")
            return forms.ValidationError(_with_way_out(stopped), code=code)
        return super().validation_error(code, *args)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = credentials.get("email", credentials.get("username", "")) or ""
        key = email_key(email)
        limits.allow(
            scope="login-failed-email",
            key=key,
            limit=FAILURES_PER_EMAIL,
            window_seconds=WINDOW_SECONDS,
        )
        failures = limits.count(scope="login-failed-email", key=key, window_seconds=WINDOW_SECONDS)
        if failures >= NOTIFY_AFTER and cache.add(
            f"login-failures-told:{key}", 1, timeout=WINDOW_SECONDS
        ):
            owner = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if owner is not None:
                sending.queue(send_login_failures, user_id=owner.pk, failures=failures)
