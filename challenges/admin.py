from django.contrib import admin

from challenges.models import (
    CaptainReminder,
    Challenge,
    EcoGesture,
    GestureChoice,
    GestureTick,
    KitDocument,
    Registration,
    RegistrationDecision,
    Team,
)


class KitDocumentInline(admin.TabularInline):
    model = KitDocument
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "starts_on", "ends_on", "max_households", "published_at"]
    list_filter = ["territory", "selection_rule"]
    search_fields = ["title", "slug", "territory__name"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["created_by", "phase_overridden_by", "consent_text"]
    inlines = [KitDocumentInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "challenge", "captain", "captain_trained", "invite_code"]
    list_filter = ["challenge", "captain_trained"]
    search_fields = ["name", "invite_code"]
    raw_id_fields = ["captain", "commune"]


class DecisionInline(admin.TabularInline):
    model = RegistrationDecision
    extra = 0
    raw_id_fields = ["decided_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["household", "challenge", "status", "team", "registered_at", "waiting_rank"]
    list_filter = ["challenge", "status"]
    search_fields = ["household__name"]
    raw_id_fields = ["household", "registered_by", "team", "consent"]
    inlines = [DecisionInline]


@admin.register(RegistrationDecision)
class RegistrationDecisionAdmin(admin.ModelAdmin):
    list_display = ["registration", "status", "decided_at", "reason"]
    list_filter = ["status"]
    raw_id_fields = ["registration", "decided_by"]


@admin.register(CaptainReminder)
class CaptainReminderAdmin(admin.ModelAdmin):
    list_display = ["registration", "team", "sent_by", "sent_at"]
    raw_id_fields = ["registration", "team", "sent_by"]


@admin.register(EcoGesture)
class EcoGestureAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "territory", "is_active", "position"]
    list_filter = ["theme", "territory", "is_active"]
    search_fields = ["title", "slug", "explanation"]
    raw_id_fields = ["copied_from"]


@admin.register(GestureChoice)
class GestureChoiceAdmin(admin.ModelAdmin):
    list_display = ["registration", "gesture", "status", "reason", "updated_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["registration", "gesture"]


@admin.register(GestureTick)
class GestureTickAdmin(admin.ModelAdmin):
    list_display = ["choice", "done_on"]
    raw_id_fields = ["choice"]


@admin.register(KitDocument)
class KitDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "challenge", "uploaded_at"]
    list_filter = ["kind"]
