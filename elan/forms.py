"""Form fields every module may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

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
