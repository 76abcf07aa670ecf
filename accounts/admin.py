"""Back office for users, households, consents and the e-mail outbox."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import mail
from accounts.models import (
    Consent,
    ConsentText,
    EmailSuppression,
    Household,
    OutgoingEmail,
    OutgoingEmailQuerySet,
    PersonalDataAccess,
    SuppressionSource,
    User,
)


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
    list_display = [
        "user",
        "email",
        "text",
        "scope",
        "source",
        "given_at",
        "confirmed_at",
        "withdrawn_at",
    ]
    list_filter = ["text__key", "text", "source"]
    list_select_related = ["user", "text"]
    search_fields = ["user__email", "email", "scope"]
    raw_id_fields = ["user"]
    date_hierarchy = "given_at"


class UncertainFilter(admin.SimpleListFilter):
    """Messages a crashed worker left "sending": maybe delivered, never resent
    on their own (accounts/mail.py)."""

    title = _("à vérifier")
    parameter_name = "incertain"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, Any]]:
        return [("oui", _("Envoi interrompu (plus de 10 minutes)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "oui":
            outbox = cast(OutgoingEmailQuerySet, queryset)
            return outbox.stuck(now=timezone.now(), after=mail.STUCK_AFTER)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what left, what failed and why."""

    list_display = [
        "created_at",
        "recipient",
        "subject",
        "stream",
        "status",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "stream", UncertainFilter]
    search_fields = ["recipient", "key", "reference", "subject"]
    date_hierarchy = "created_at"
    actions = ["requeue"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("dernière erreur"))
    def short_error(self, obj: OutgoingEmail) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Renvoyer (échecs et envois interrompus seulement)"))
    def requeue(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = mail.requeue(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d message(s) remis en file.") % {"n": count})


class SuppressionForm(forms.ModelForm):
    email = forms.EmailField(label=_("adresse e-mail"))

    class Meta:
        model = EmailSuppression
        fields = ["email", "scope"]


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "scope", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["email", "scope"]
    date_hierarchy = "created_at"
    form = SuppressionForm

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: EmailSuppression, form: Any, change: bool
    ) -> None:
        # Through the service: the hash, and the queued messages suppressed at once.
        saved = mail.unsubscribe(email=obj.email, scope=obj.scope, source=SuppressionSource.ADMIN)
        obj.pk = saved.pk


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read only: the log is evidence, nobody edits it."""

    list_display = ("at", "user_label", "kind", "what", "territory", "people")
    list_filter = ("kind", "territory")
    search_fields = ("user_label", "what", "territory", "path")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "user_label", "kind", "what", "territory", "people", "path")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
