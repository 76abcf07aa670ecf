from django.contrib import admin

from reports.models import Report, Testimony


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("challenge", "audience", "status", "progress", "requested_at", "finished_at")
    list_filter = ("audience", "status")
    readonly_fields = ("data_key", "pdf", "pdf_size", "error", "started_at", "finished_at")


@admin.register(Testimony)
class TestimonyAdmin(admin.ModelAdmin):
    list_display = ("signature", "challenge", "selected", "consent_at")
    list_filter = ("selected",)
