from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from config import views
from directory import urls as directory_urls
from directory import views as directory_views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "First Step administration"
admin.site.site_title = "First Step admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$",
        directory_views.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("directory.urls")),
    path("", include("privacy.urls")),
    path("", include((directory_urls.directory_patterns, "directory"))),
    path("", include("bookings.urls")),
    path("", include("calendars.urls")),
    path("", include("insights.urls")),
    path("", include("content.urls")),
    path("", include("messaging.urls")),
    path("", include("matching.urls")),
]

if not settings.MEDIA_IN_BUCKET:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", views.media, name="media")]

if settings.DEBUG:
    urlpatterns += [
        path("dev/mail/", views.mail_list, name="dev_mail_list"),
        path("dev/mail/<str:name>", views.mail_detail, name="dev_mail_detail"),
    ]

handler500 = "config.views.server_error"
