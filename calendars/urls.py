from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("practice/calendars/", views.connections_page, name="list"),
    path("practice/calendars/subscribe/", views.subscribe, name="subscribe"),
    path("practice/calendars/caldav/", views.add_caldav, name="add_caldav"),
    path("practice/calendars/<int:pk>/calendars/", views.choose, name="choose"),
    path("practice/calendars/<int:pk>/sync/", views.sync_now, name="sync"),
    path("practice/calendars/<int:pk>/remove/", views.remove, name="remove"),
]
