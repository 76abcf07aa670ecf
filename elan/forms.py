"""Form fields every module may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# The widest integer key any supported database holds (PostgreSQL bigint,
# SQLite INTEGER).
MAX_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that a key no database can hold (a number of thirty
    digits posted by hand) is an invalid choice instead of a database error:
    Django guards `exact` lookups against integer overflow, not `__in`."""

    def _check_values(self, value: Iterable[Any]) -> models.QuerySet[Any]:
        assert self.queryset is not None
        meta = self.queryset.model._meta
        key = self.to_field_name or "pk"
        target = meta.get_field(key) if key != "pk" else meta.pk
        if isinstance(target, models.IntegerField | models.AutoField):
            for item in value:
                try:
                    number = int(str(item))
                except ValueError:
                    continue  # Django's own check says it is not a valid value
                if not -MAX_KEY - 1 <= number <= MAX_KEY:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)  # type: ignore[misc]


class QuickSelect(forms.Select):
    """Django's Select with the same markup, written in Python instead of one
    template include per option: a list of hundreds of households or teams
    renders in a fraction of the time. Grouped choices fall back to Django's."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, _attributes(final))]
        selected_one = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            selected = not selected_one and text in chosen
            selected_one = selected_one or selected
            parts.append(
                format_html(
                    '  <option value="{}"{}>{}</option>',
                    text,
                    " selected" if selected else "",
                    label,
                )
            )
        parts.append(mark_safe("</select>"))
        return mark_safe("\n".join(parts))  # noqa: S308 (every part is escaped above)


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html: in order, False left out, True bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped)
