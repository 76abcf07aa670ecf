"""Waste weighings: rates per phase and their aggregate (METHODOLOGY §5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from measures.engine.series import Period, period_days


@dataclass(frozen=True)
class WasteFlowResult:
    persons: int
    ref_days: int
    chal_days: int
    ref_kg: float
    chal_kg: float
    has_ref: bool
    has_chal: bool

    @property
    def complete(self) -> bool:
        return self.has_ref and self.has_chal and self.persons > 0 and self.chal_days > 0

    @property
    def rate_ref(self) -> float | None:
        """kg per person per day during the reference phase."""
        if not self.has_ref or self.persons <= 0 or self.ref_days <= 0:
            return None
        return self.ref_kg / self.persons / self.ref_days

    @property
    def rate_chal(self) -> float | None:
        if not self.has_chal or self.persons <= 0 or self.chal_days <= 0:
            return None
        return self.chal_kg / self.persons / self.chal_days

    @property
    def reduction_pct(self) -> float | None:
        ref, chal = self.rate_ref, self.rate_chal
        if ref is None or chal is None or ref <= 0:
            return None
        return 100 * (ref - chal) / ref

    @property
    def avoided_kg(self) -> float | None:
        ref, chal = self.rate_ref, self.rate_chal
        if ref is None or chal is None:
            return None
        return (ref - chal) * self.persons * self.chal_days


def waste_flow(
    weighings: Iterable[tuple[dt.date, float]],
    *,
    persons: int,
    reference: Period,
    after: Period,
) -> WasteFlowResult:
    """Rates of one flow of one household over the reference phase and after (§5)."""
    ref_kg = chal_kg = 0.0
    has_ref = has_chal = False
    for day, kg in weighings:
        if reference[0] <= day < reference[1]:
            ref_kg += kg
            has_ref = True
        elif after[0] <= day < after[1]:
            chal_kg += kg
            has_chal = True
    return WasteFlowResult(
        persons=persons,
        ref_days=max(period_days(reference), 0),
        chal_days=max(period_days(after), 0),
        ref_kg=ref_kg,
        chal_kg=chal_kg,
        has_ref=has_ref,
        has_chal=has_chal,
    )


@dataclass(frozen=True)
class WasteAggregate:
    households_complete: int
    ref_kg_per_person_year: float | None
    challenge_kg_per_person_year: float | None
    reduction_pct: float | None
    avoided_kg: float


def waste_aggregate(flows: Sequence[WasteFlowResult]) -> WasteAggregate:
    """Ratio of sums over households weighed in both phases (§5): household
    kg per day are summed, then compared."""
    complete = [f for f in flows if f.complete]
    persons = sum(f.persons for f in complete)
    ref_per_day = sum((f.rate_ref or 0.0) * f.persons for f in complete)
    chal_per_day = sum((f.rate_chal or 0.0) * f.persons for f in complete)
    return WasteAggregate(
        households_complete=len(complete),
        ref_kg_per_person_year=ref_per_day / persons * 365 if persons else None,
        challenge_kg_per_person_year=chal_per_day / persons * 365 if persons else None,
        reduction_pct=100 * (ref_per_day - chal_per_day) / ref_per_day if ref_per_day > 0 else None,
        avoided_kg=sum(f.avoided_kg or 0.0 for f in complete),
    )
