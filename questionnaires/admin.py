"""Back office of the questionnaires. Organisers build in the site (the
builder keeps versions); the admin is for platform templates and support, and
never edits an answered question in place nor an answer."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from questionnaires.models import Answer, Axis, Choice, Question, Questionnaire, Response, Tag


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "territory", "status", "is_template", "challenge"]
    list_filter = ["kind", "status", "is_template", "territory"]
    search_fields = ["title", "slug", "territory__name"]
    raw_id_fields = ["challenge", "source", "created_by", "interviewers"]
    readonly_fields = ["published_at", "closed_at", "created_at", "updated_at"]
    inlines = [AxisInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "kind", "position", "version", "retired_at"]
    list_filter = ["kind", "questionnaire__kind", "questionnaire__is_template"]
    search_fields = ["text", "questionnaire__title"]
    raw_id_fields = ["questionnaire", "axis", "previous"]
    readonly_fields = ["lineage", "version", "retired_at"]
    inlines = [ChoiceInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An answered question is locked: its answers must keep the text they answered.
        if obj is not None and obj.answers.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Answers are people's words: the back office reads them, never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["questionnaire", "submitted_at", "moment", "label", "correct_count"]
    list_filter = ["questionnaire__kind", "moment"]
    search_fields = ["questionnaire__title", "label"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["question", "response", "is_correct"]
    list_filter = ["question__questionnaire__kind"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["label", "questionnaire"]
    search_fields = ["label", "questionnaire__title"]
    raw_id_fields = ["questionnaire"]
