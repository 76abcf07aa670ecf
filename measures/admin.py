from django.contrib import admin

from measures.models import Meter, Reading, Weighing


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
