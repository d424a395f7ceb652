from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("widget/embed.js", views.embed_script, name="embed"),
    path("widget/<slug:slug>/", views.widget_page, name="widget"),
    path("practice/widget/", views.widget_settings, name="widget_settings"),
]
