from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500 as handler500  # the outage page, as on the site
from config.urls import urlpatterns as site_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    """The yardstick: the cheapest view Django can serve through the full middleware stack."""
    return HttpResponse("ok")


urlpatterns = [path("__bench__/trivial", trivial), *site_urlpatterns]
