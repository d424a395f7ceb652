"""Who may open what: the log-in prompts shown to visitors who are not logged in."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory.models import User

SEND_MESSAGES = _("You need to be logged in to send messages")
CREATE_PROFILE = _("To create your specialist profile, please log in to your account")
CONTACT_US = _("You need to be logged in to contact us")
ASK_QUESTION = _("To create a new Question, please log in or create an account")

View = Callable[..., HttpResponse]
# What the visitor was doing, in a line under the prompt ("Mira Okafor · Monday 7 December,
# 09:00"), from the same request and URL arguments as the view; None when there is nothing.
Details = Callable[..., str | None]


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of views behind log-in: `user` is a real account."""

    user: User


def login_prompt_required(
    message: str | Promise, *, details: Details | None = None
) -> Callable[[View], View]:
    """Show a visitor who is not logged in `message` with Log in / Sign up links back here,
    and what `details` says they were doing.

    A GET answers 200 with the prompt (it is a normal page to land on); any other method
    answers 403 so that nothing is processed.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            context = {
                "message": message,
                "details": details(request, *args, **kwargs) if details else None,
                "next": request.get_full_path(),
            }
            status = 200 if request.method in ("GET", "HEAD") else 403
            return render(request, "account/login_prompt.html", context, status=status)

        return wrapped

    return decorator
