from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from directory import moderation, photos, profiles, promotions
from directory.forms import RejectForm
from directory.models import (
    Approach,
    Language,
    Promotion,
    PromotionChange,
    Specialist,
    Specialty,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "role", "is_staff", "is_active", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Specialty, Approach, Language)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]


class ModerationFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("queue", _("Waiting for review")), ("unverified", _("License not verified"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Specialist]) -> Any:
        if self.value() == "queue":
            return queryset.filter(status=Specialist.Status.PENDING).order_by("submitted_at")
        if self.value() == "unverified":
            return queryset.filter(license_verified_at=None).exclude(license_number="")
        return queryset


class SpecialistAdminForm(forms.ModelForm):
    """A photo set here goes through the same checks and resizing as the specialist's own."""

    class Meta:
        model = Specialist
        fields = ["photo"]  # the admin adds the rest

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        self.processed_photo = None
        if photo and "photo" in self.changed_data:
            try:
                self.processed_photo = photos.process(upload=photo, size=photo.size)
            except photos.PhotoError as error:
                raise forms.ValidationError(str(error)) from None
        return photo


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    """Profiles and the moderation queue. State changes go through the actions, which call
    directory.moderation; the status itself is not editable here."""

    form = SpecialistAdminForm

    list_display = [
        "name",
        "status",
        "waiting",
        "submitted_at",
        "license_number",
        "license_verified_at",
        "offers_free_consultation",
    ]
    list_filter = [ModerationFilter, "status", "offers_free_consultation"]
    ordering = ["name", "pk"]
    search_fields = ["name", "slug", "owner__email", "license_number"]
    list_select_related = ["owner"]
    readonly_fields = [
        "owner",
        "slug",
        "status",
        "rejection_reason",
        "submitted_at",
        "published_at",
        "reviewed_at",
        "reviewed_by",
        "license_verified_at",
        "next_free_slot_at",
        "created_at",
        "updated_at",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve_profiles", "reject_profiles", "verify_licenses"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # specialists create their own profiles at /profile/

    @admin.display(description="Waiting", ordering="submitted_at")
    def waiting(self, obj: Specialist) -> str:
        """How long a profile in the queue has waited since it was submitted."""
        if obj.status != Specialist.Status.PENDING or obj.submitted_at is None:
            return "—"
        return timesince(obj.submitted_at, timezone.now())

    def save_model(self, request: HttpRequest, obj: Specialist, form: Any, change: bool) -> None:
        processed = getattr(form, "processed_photo", None)
        if processed is not None:
            obj.photo.save("photo.jpg", processed.profile, save=False)
            obj.photo_thumbnail.save("photo-card.jpg", processed.card, save=False)
        elif "photo" in form.changed_data and not obj.photo:
            obj.photo_thumbnail = None  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        profiles.refresh_derived_fields(form.instance)

    @admin.action(description=_("Approve and publish the selected profiles"))
    def approve_profiles(self, request: HttpRequest, queryset: QuerySet[Specialist]) -> None:
        approved, skipped = 0, 0
        for specialist in queryset:
            try:
                moderation.approve(specialist=specialist, moderator=request.user)  # type: ignore[arg-type]
            except moderation.ModerationError:
                skipped += 1
            else:
                approved += 1
        if approved:
            self.message_user(request, _("Published %(count)d profile(s).") % {"count": approved})
        if skipped:
            self.message_user(
                request,
                _("Skipped %(count)d profile(s) that were not waiting for review.")
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Reject the selected profiles with a reason"))
    def reject_profiles(
        self, request: HttpRequest, queryset: QuerySet[Specialist]
    ) -> TemplateResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rejected, skipped = 0, 0
            for specialist in queryset:
                try:
                    moderation.reject(
                        specialist=specialist,
                        moderator=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                except moderation.ModerationError:
                    skipped += 1
                else:
                    rejected += 1
            self.message_user(
                request,
                _("Sent %(count)d profile(s) back with your reason; skipped %(skipped)d.")
                % {"count": rejected, "skipped": skipped},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject profiles"),
            "form": form,
            "specialists": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/directory/reject.html", context)

    @admin.action(description=_("Mark licenses as verified today"))
    def verify_licenses(self, request: HttpRequest, queryset: QuerySet[Specialist]) -> None:
        verified = 0
        for specialist in queryset:
            try:
                moderation.verify_license(specialist=specialist, moderator=request.user)  # type: ignore[arg-type]
            except moderation.ModerationError:
                continue
            verified += 1
        self.message_user(request, _("Verified %(count)d license(s).") % {"count": verified})


class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = ["specialist", "starts_on", "ends_on", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        specialist, starts_on, ends_on = (
            data.get("specialist"),
            data.get("starts_on"),
            data.get("ends_on"),
        )
        if specialist and starts_on and ends_on:
            try:
                promotions.check(specialist=specialist, starts_on=starts_on, ends_on=ends_on)
            except promotions.PromotionError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    """Every save and delete goes through directory.promotions, which logs who did what."""

    form = PromotionForm
    list_display = ["specialist", "starts_on", "ends_on", "created_by", "created_at"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["specialist__name"]
    autocomplete_fields = ["specialist"]  # picked by name, not by id
    list_select_related = ["specialist", "created_by"]
    actions: list[str] = []  # bulk delete would skip the log

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A promotion belongs to one listing; promote the other listing instead.
        return ["specialist"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Promotion, form: Any, change: bool) -> None:
        actor = request.user
        if change:
            updated = promotions.change(
                promotion=obj,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                note=obj.note,
                actor=actor,  # type: ignore[arg-type]
            )
        else:
            updated = promotions.promote(
                specialist=obj.specialist,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                note=obj.note,
                actor=actor,  # type: ignore[arg-type]
            )
        obj.pk = updated.pk
        obj.created_by_id = updated.created_by_id

    def delete_model(self, request: HttpRequest, obj: Promotion) -> None:
        promotions.remove(promotion=obj, actor=request.user)  # type: ignore[arg-type]


@admin.register(PromotionChange)
class PromotionChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "promotion_id_at_change", "specialist", "actor"]
    list_filter = ["action"]
    list_select_related = ["specialist", "actor"]
    readonly_fields = ["at", "action", "promotion_id_at_change", "specialist", "actor", "details"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
