"""Back office for users, households and consents."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, ConsentText, Household, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "display_name", "household", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    list_select_related = ["household"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    ordering = ["email"]
    raw_id_fields = ["household"]
    readonly_fields = ["last_login", "date_joined", "erased_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "display_name", "household")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MemberInline(admin.TabularInline):
    model = User
    fields = ["email", "display_name"]
    readonly_fields = ["email", "display_name"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("membre")
    verbose_name_plural = _("membres")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnonymizedFilter(admin.SimpleListFilter):
    title = _("anonymisé")
    parameter_name = "anonymise"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, Any]]:
        return [("oui", _("Oui")), ("non", _("Non"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "oui":
            return queryset.filter(anonymized_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(anonymized_at__isnull=True)
        return queryset


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "commune",
        "adults",
        "children",
        "housing_type",
        "main_heating",
        "member_count",
        "created_at",
    ]
    list_filter = ["housing_type", "main_heating", AnonymizedFilter]
    list_select_related = ["commune"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune"]
    readonly_fields = ["created_at", "anonymized_at"]
    inlines = [MemberInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("membres"), ordering="member_count")
    def member_count(self, obj: Household) -> int:
        return obj.member_count  # type: ignore[attr-defined]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "version", "published_at"]
    list_filter = ["key"]
    search_fields = ["title", "key", "body"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "given_at", "withdrawn_at"]
    list_filter = ["text__key", "text"]
    list_select_related = ["user", "text"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "given_at"
