"""Numbers the French way, for the results pages and their CSV export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

from measures.models import Unit


def num(value: Any, decimals: int = 0) -> str:
    """A number the French way (« 1 200 », « 12,6 »); « — » when not computable."""
    if value is None:
        return "—"
    return number_format(
        round(float(value), decimals), decimals, use_l10n=True, force_grouping=True
    )


def pct(value: Any, decimals: int = 1) -> str:
    """A percentage with its unit, or « — » alone when not computable."""
    return "—" if value is None else f"{num(value, decimals)} %"


def with_unit(value: Any, unit: str, decimals: int = 0) -> str:
    return "—" if value is None else f"{num(value, decimals)} {unit}"


def csv_num(value: Any, decimals: int = 0) -> Decimal | None:
    """The same rounding as the pages; a number, so that the shared writer
    keeps it a number (decimal comma, no grouping) instead of neutralising a
    negative saving as if it were a formula."""
    if value is None:
        return None
    return Decimal(f"{round(float(value), decimals):.{decimals}f}")


def coefficient(value: Any, max_decimals: int = 3) -> str:
    """A factor with the decimals it has, at least one below 100: « 11,0 »,
    « 10,95 », « 0,2045 », « 1 610 »."""
    number = float(value)
    if number >= 100:
        return num(number, 0)
    decimals = len(f"{number:.{max_decimals}f}".rstrip("0").split(".")[1])
    return num(number, max(1, decimals))


def unit_label(code: str) -> str:
    """« m³ » for "m3", « litres » for "L"…"""
    return str(dict(Unit.choices).get(code, code))
