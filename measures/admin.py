from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from measures.factors import FactorRow, basis_problems
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
        "gas_kwh_per_m3",
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


def _row(data: dict[str, Any]) -> FactorRow:
    return FactorRow(
        kind=data["kind"],
        key=data["key"],
        value=data["value"],
        energy_basis=data.get("energy_basis") or "",
        includes_upstream=data.get("includes_upstream"),
    )


class FactorFormSet(forms.BaseInlineFormSet):
    """A version that mixes bases without a conversion is refused as a whole
    (METHODOLOGY « Factor bases »)."""

    def clean(self) -> None:
        super().clean()
        rows = [
            _row(form.cleaned_data)
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"kind", "key", "value"} <= set(form.cleaned_data)
        ]
        problems = basis_problems(rows)
        if problems:
            raise ValidationError([message for _carrier, message in problems])


class FactorForm(forms.ModelForm):
    """One row, checked against the other rows of its version."""

    class Meta:
        model = Factor
        fields = [
            "factor_set",
            "kind",
            "key",
            "unit",
            "value",
            "energy_basis",
            "includes_upstream",
            "source",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        factor_set = cleaned.get("factor_set")
        if factor_set is None or not {"kind", "key", "value"} <= set(cleaned):
            return cleaned
        others = factor_set.factors.exclude(pk=self.instance.pk).exclude(
            kind=cleaned["kind"], key=cleaned["key"]
        )
        rows = [
            *(
                FactorRow(f.kind, f.key, f.value, f.energy_basis, f.includes_upstream)
                for f in others
            ),
            _row(cleaned),
        ]
        mine = [message for carrier, message in basis_problems(rows) if carrier == cleaned["key"]]
        if mine:
            raise ValidationError(mine)
        return cleaned


class FactorInline(admin.TabularInline):
    model = Factor
    formset = FactorFormSet
    extra = 0


@admin.register(FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_until", "created_at"]
    inlines = [FactorInline]


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    form = FactorForm
    list_display = [
        "factor_set",
        "kind",
        "key",
        "value",
        "unit",
        "energy_basis",
        "includes_upstream",
        "source",
    ]
    list_filter = ["factor_set", "kind", "energy_basis"]
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
