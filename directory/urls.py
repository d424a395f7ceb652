from django.urls import path

from directory import views

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis-support/", views.crisis, name="crisis"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("account/", views.account, name="account"),
    path("time-zone/", views.time_zone, name="time_zone"),
]

directory_patterns = [
    path("specialists/", views.search_page, name="search"),
    path("specialists/<slug:slug>/", views.profile, name="profile"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/preview/", views.profile_preview, name="profile_preview"),
    path("profile/submit/", views.profile_submit, name="profile_submit"),
]
