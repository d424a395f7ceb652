from django.urls import path

from bookings import views, waitlist_views

app_name = "bookings"
urlpatterns = [
    path("specialists/<slug:slug>/book/", views.pick_slot, name="pick"),
    path("specialists/<slug:slug>/book/confirm/", views.book, name="book"),
    path("consultations/", views.my_consultations, name="mine"),
    path("consultations/<int:pk>/", views.detail, name="detail"),
    path("consultations/<int:pk>/invite.ics", views.invite, name="invite"),
    path("consultations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("consultations/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("consultations/<int:pk>/close/", views.close, name="close"),
    path("consultations/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("practice/consultations/", views.practice, name="practice"),
    path("practice/availability/", views.availability_edit, name="availability"),
    path("practice/availability/exceptions/", views.add_exception, name="add_exception"),
    path(
        "practice/availability/exceptions/<int:pk>/remove/",
        views.remove_exception,
        name="remove_exception",
    ),
    path("practice/calendar-feed/new/", views.new_feed_url, name="new_feed_url"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("waitlist/", waitlist_views.mine, name="waitlists"),
    path("waitlist/join/<slug:slug>/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/<int:pk>/leave/", waitlist_views.leave, name="waitlist_leave"),
    path("waitlist/leave/<str:token>/", waitlist_views.leave_link, name="waitlist_leave_link"),
    path("waitlist/held/<int:pk>/", waitlist_views.hold, name="hold"),
    path("waitlist/held/<int:pk>/let-go/", waitlist_views.let_go, name="hold_let_go"),
]
