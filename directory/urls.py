from django.urls import path

from directory import views

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis-support/", views.crisis, name="crisis"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.account_delete, name="account_delete"),
]

directory_patterns = [
    path("specialists/", views.SpecialistListView.as_view(), name="search"),
    path("specialists/<slug:slug>/", views.profile, name="profile"),
    path("profile/", views.profile_edit, name="profile_edit"),
]
