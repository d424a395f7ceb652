from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("widget/embed.js", views.embed_script, name="embed"),
    path("widget/<slug:slug>/", views.widget_page, name="widget"),
    path("widget/<slug:slug>/booked/", views.widget_booked, name="booked"),
    path("practice/widget/", views.widget_settings, name="widget_settings"),
    path("practice/insights/", views.insights_page, name="insights"),
    path("staff/promotions/", views.promotions_page, name="promotions"),
    path("practice/insights/first-step-insights.csv", views.insights_csv, name="insights_csv"),
]
