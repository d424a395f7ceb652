from django.contrib import admin
from django.db import models

from bookings.hours import hours_changed
from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Consultation,
    Hold,
    Reminder,
    WaitlistEntry,
    WeeklyHours,
)


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["id", "specialist", "client", "starts_at", "status", "mode"]
    list_filter = ["status", "mode"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["specialist", "client"]
    # The client's note is private to the specialist; staff do not need it to run the site.
    exclude = ["note"]
    readonly_fields = ["created_at", "changed_at", "sequence"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["id", "consultation", "kind", "due_at", "claimed_at", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["consultation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to staff, changed only through bookings.waitlist, bookings.holds and
    bookings.booking, which take the locks and apply the rules."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "specialist", "client", "created_at", "before", "due_at"]
    raw_id_fields = ["specialist", "client"]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["id", "specialist", "client", "starts_at", "expires_at", "status"]
    list_filter = ["status"]
    raw_id_fields = ["specialist", "client"]


class ForgetsHoursAdmin(admin.ModelAdmin):
    """Edits made here reach the slot pages at once, not after the hours cache expires."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        hours_changed(specialist=obj.specialist)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        hours_changed(specialist=obj.specialist)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        specialists = {obj.specialist for obj in queryset.select_related("specialist")}
        super().delete_queryset(request, queryset)
        for specialist in specialists:
            hours_changed(specialist=specialist)


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(ForgetsHoursAdmin):
    list_display = ["specialist", "weekday", "starts", "ends"]
    raw_id_fields = ["specialist"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ForgetsHoursAdmin):
    list_display = ["specialist", "date", "kind", "starts", "ends"]
    raw_id_fields = ["specialist"]


@admin.register(BookingSettings)
class BookingSettingsAdmin(ForgetsHoursAdmin):
    list_display = ["specialist", "buffer_minutes", "notice_hours", "horizon_days", "daily_cap"]
    raw_id_fields = ["specialist"]
    exclude = ["feed_token"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
