from django.contrib import admin
from django.http import HttpRequest

from network.models import (
    Actor,
    ActorChange,
    ActorTag,
    ActorTheme,
    Charter,
    Contact,
    ContactLog,
    JoinRequest,
    Membership,
)


class ThemeInline(admin.TabularInline):
    model = ActorTheme
    extra = 0


class TagInline(admin.TabularInline):
    model = ActorTag
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    raw_id_fields = ["user"]
    fields = ["first_name", "last_name", "role", "email", "phone", "user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["decided_by"]
    fields = ["status", "by_right", "joined_on", "left_on", "charter", "charter_signed_on"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "kind", "commune", "listed", "last_confirmed_at"]
    list_filter = ["kind", "listed", "territory"]
    search_fields = ["name", "siret", "rna", "territory__name"]
    raw_id_fields = ["commune", "created_by"]
    readonly_fields = ["normalised_name", "created_at", "updated_at"]
    inlines = [ThemeInline, TagInline, ContactInline, MembershipInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "actor", "role", "email", "user"]
    search_fields = ["first_name", "last_name", "email", "actor__name"]
    raw_id_fields = ["actor", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["actor", "status", "by_right", "joined_on", "left_on", "charter"]
    list_filter = ["status", "by_right"]
    search_fields = ["actor__name"]
    raw_id_fields = ["actor", "charter", "decided_by"]


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "version", "published_on"]
    list_filter = ["territory"]

    def has_change_permission(self, request: HttpRequest, obj: Charter | None = None) -> bool:
        # A signed version is never rewritten: a new text is a new version.
        return obj is None or not Membership.objects.filter(charter=obj).exists()


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "status", "email", "created_at", "decided_at"]
    list_filter = ["status", "territory"]
    search_fields = ["name", "email", "last_name"]
    raw_id_fields = ["commune", "charter", "actor", "decided_by"]
    readonly_fields = ["token", "created_at", "confirmed_at"]


@admin.register(ContactLog)
class ContactLogAdmin(admin.ModelAdmin):
    """Read only: the log is append-only, even here."""

    list_display = ["happened_on", "actor", "channel", "subject", "logged_by"]
    list_filter = ["channel"]
    search_fields = ["subject", "actor__name"]
    raw_id_fields = ["actor", "contact", "logged_by"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ActorChange)
class ActorChangeAdmin(admin.ModelAdmin):
    list_display = ["actor", "kind", "by_contact", "changed_by", "created_at"]
    list_filter = ["kind", "by_contact"]
    raw_id_fields = ["actor", "changed_by"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
