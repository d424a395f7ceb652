from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.thread, name="thread"),
    path("inbox/<int:pk>/block/", views.block, name="block"),
    path("inbox/<int:pk>/report/", views.report, name="report"),
    path("specialists/<slug:slug>/message/", views.new_message, name="new"),
    path("contact/", views.contact, name="contact"),
    path("contact/cant-log-in/", views.cant_log_in, name="cant_log_in"),
    path("contact/cant-log-in/sent/", views.cant_log_in_sent, name="cant_log_in_sent"),
]
