from django.urls import path

from bookings.views import client, consultation, feeds, practice, waitlist

app_name = "bookings"
urlpatterns = [
    path("specialists/<slug:slug>/book/", client.pick_slot, name="pick"),
    path("specialists/<slug:slug>/book/confirm/", client.book, name="book"),
    path("consultations/", client.my_consultations, name="mine"),
    path("consultations/<int:pk>/", consultation.detail, name="detail"),
    path("consultations/<int:pk>/invite.ics", consultation.invite, name="invite"),
    path("consultations/<int:pk>/cancel/", consultation.cancel, name="cancel"),
    path("consultations/<int:pk>/reschedule/", consultation.reschedule, name="reschedule"),
    path("consultations/<int:pk>/close/", consultation.close, name="close"),
    path("consultations/<int:pk>/feedback/", client.feedback, name="feedback"),
    path("practice/consultations/", practice.practice, name="practice"),
    path("practice/availability/", practice.availability_edit, name="availability"),
    path("practice/availability/exceptions/", practice.add_exception, name="add_exception"),
    path(
        "practice/availability/exceptions/<int:pk>/remove/",
        practice.remove_exception,
        name="remove_exception",
    ),
    path("practice/calendar-feed/new/", feeds.new_feed_url, name="new_feed_url"),
    path("calendar/<str:token>.ics", feeds.feed, name="feed"),
    path("waitlist/", waitlist.mine, name="waitlists"),
    path("waitlist/join/<slug:slug>/", waitlist.join, name="waitlist_join"),
    path("waitlist/<int:pk>/leave/", waitlist.leave, name="waitlist_leave"),
    path("waitlist/leave/<str:token>/", waitlist.leave_link, name="waitlist_leave_link"),
    path("waitlist/held/<int:pk>/", waitlist.hold, name="hold"),
    path("waitlist/held/<int:pk>/let-go/", waitlist.let_go, name="hold_let_go"),
    path("waitlist/held/<int:pk>/move/", waitlist.move, name="hold_move"),
]
