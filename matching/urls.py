from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("help-me-choose/", views.questionnaire, name="questionnaire"),
    path("help-me-choose/matches/", views.results, name="results"),
    path("help-me-choose/clear/", views.clear, name="clear"),
    path("shortlist/", views.shortlist_page, name="shortlist"),
    path("shortlist/<slug:slug>/", views.shortlist_toggle, name="shortlist_toggle"),
]
