from django.contrib import admin

from territories.models import (
    Commune,
    Department,
    Membership,
    Partner,
    Region,
    RegionalCoordinator,
    Territory,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "postal_codes", "department", "population"]
    list_filter = ["department__region"]
    search_fields = ["name", "search_name", "insee_code", "postal_codes"]
    readonly_fields = ["search_name"]
    list_select_related = ["department"]


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_published", "created_at"]
    list_filter = ["kind", "region", "is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["communes"]
    inlines = [PartnerInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "role", "created_at"]
    list_filter = ["role", "territory"]
    search_fields = ["user__email", "territory__name"]
    raw_id_fields = ["user"]


@admin.register(RegionalCoordinator)
class RegionalCoordinatorAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "position", "url"]
    list_filter = ["territory"]
    search_fields = ["name", "territory__name"]
