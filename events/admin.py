from django.contrib import admin

from events.models import CalendarFeed, Event, EventPhoto, EventRegistration, WorkshopTemplate


@admin.register(WorkshopTemplate)
class WorkshopTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "theme",
        "territory",
        "duration_minutes",
        "default_capacity",
        "is_active",
    ]
    list_filter = ["theme", "is_active", "territory"]
    search_fields = ["title", "summary"]


class PhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "kind", "starts_at", "status", "capacity"]
    list_filter = ["status", "kind", "theme", "territory"]
    search_fields = ["title", "place_name", "territory__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["challenge", "template", "commune", "contact", "partner", "created_by"]
    readonly_fields = ["uid", "sequence", "published_at", "cancelled_at"]
    inlines = [PhotoInline]


@admin.register(EventRegistration)
class EventRegistrationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "status", "attendance", "walk_in", "created_at"]
    list_filter = ["status", "attendance", "walk_in"]
    search_fields = ["name", "email", "user__email", "event__title"]
    raw_id_fields = ["event", "user"]
    readonly_fields = ["token", "created_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
