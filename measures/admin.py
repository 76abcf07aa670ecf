from django.contrib import admin

from measures.models import (
    Bill,
    DegreeDay,
    Factor,
    FactorSet,
    Meter,
    Reading,
    ResultSnapshot,
    WeatherZone,
    Weighing,
)


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "household",
        "carrier",
        "unit",
        "heating_share",
        "has_offpeak",
        "is_active",
    ]
    list_filter = ["carrier", "is_active"]
    search_fields = ["label", "household__name"]
    raw_id_fields = ["household"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["meter", "register", "read_on", "value", "kind"]
    list_filter = ["kind", "register"]
    raw_id_fields = ["meter", "entered_by"]
    date_hierarchy = "read_on"


@admin.register(Weighing)
class WeighingAdmin(admin.ModelAdmin):
    list_display = ["registration", "weighed_on", "flow", "kg"]
    list_filter = ["flow"]
    raw_id_fields = ["registration", "entered_by"]
    date_hierarchy = "weighed_on"


class FactorInline(admin.TabularInline):
    model = Factor
    extra = 0


@admin.register(FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_until", "created_at"]
    inlines = [FactorInline]


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["factor_set", "kind", "key", "value", "unit", "source"]
    list_filter = ["factor_set", "kind"]
    search_fields = ["key", "source"]


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ["meter", "starts_on", "ends_on", "quantity", "amount_eur"]
    raw_id_fields = ["meter", "entered_by"]


@admin.register(WeatherZone)
class WeatherZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_synthetic"]
    filter_horizontal = ["departments"]


@admin.register(DegreeDay)
class DegreeDayAdmin(admin.ModelAdmin):
    list_display = ["zone", "day", "value", "source"]
    list_filter = ["zone"]
    date_hierarchy = "day"


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["challenge", "data_version", "factor_set", "computed_at", "is_final"]
    list_filter = ["is_final"]
    readonly_fields = ["payload"]
