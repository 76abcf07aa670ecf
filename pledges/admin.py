"""The back office of pledge campaigns. Counters are read-only here: only
pledges.services moves them, in the transaction that changes a commitment."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pledges.models import ActivityReport, Campaign, Commitment, FieldProposal, Operation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "organisation", "created_at"]
    list_filter = ["territory"]
    search_fields = ["title", "slug", "organisation"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "territory",
        "status",
        "participants_count",
        "participants_goal",
        "deadline",
    ]
    list_filter = ["status", "audience", "territory"]
    search_fields = ["title", "slug", "territory__name", "sponsor__name"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["operation", "sponsor", "created_by", "fulfilled_by"]
    filter_horizontal = ["sponsor_contacts", "agents"]
    readonly_fields = [
        "participants_count",
        "quantity_total",
        "published_at",
        "reached_at",
        "fulfilled_at",
        "expired_at",
    ]


class ReadOnlyRowsMixin:
    """Commitments and reports move the campaign counters: they are created and
    deleted by pledges.services (and the RGPD eraser), never here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyRowsMixin, admin.ModelAdmin):
    list_display = ["first_name", "campaign", "status", "commune", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["first_name", "email", "campaign__title"]
    raw_id_fields = ["campaign", "commune", "agent"]
    readonly_fields = ["status", "confirmed_at", "withdrawn_at", "confirmation_sent_at"]
    list_select_related = ["campaign", "commune"]


@admin.register(FieldProposal)
class FieldProposalAdmin(admin.ModelAdmin):
    list_display = ["campaign", "agent", "outcome", "created_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["campaign", "agent", "commitment"]


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnlyRowsMixin, admin.ModelAdmin):
    list_display = ["commitment", "date", "mode", "km", "count"]
    list_filter = ["mode"]
    raw_id_fields = ["commitment"]
