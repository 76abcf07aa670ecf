"""What the measures hold about a person's household, for the RGPD export
(accounts/rgpd.py): its meters with every reading (corrected ones marked),
its bills and its weighings. Erasing an account detaches the person from the
household (accounts.services): the household's figures stay, anonymous, in
the challenges' published results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.rgpd import Row, register_section
from measures.models import Bill, Reading, Weighing

if TYPE_CHECKING:
    from accounts.models import User


def export_readings(user: User) -> list[Row]:
    if not user.household_id:
        return []
    readings = (
        Reading.objects.filter(meter__household_id=user.household_id)
        .select_related("meter")
        .order_by("meter_id", "read_on", "pk")
    )
    return [
        {
            "compteur": r.meter.label,
            "energie_ou_fluide": r.meter.get_carrier_display(),
            "unite": r.meter.unit,
            "cadran": r.register,
            "date": r.read_on,
            "index": r.value,
            "saisi_le": r.entered_at,
            "remplace_par_une_correction": r.superseded_by_id is not None,
        }
        for r in readings
    ]


def export_bills(user: User) -> list[Row]:
    if not user.household_id:
        return []
    bills = Bill.objects.filter(meter__household_id=user.household_id).select_related("meter")
    return [
        {
            "compteur": b.meter.label,
            "du": b.starts_on,
            "au": b.ends_on,
            "quantite": b.quantity,
            "montant_eur": b.amount_eur,
        }
        for b in bills.order_by("starts_on", "pk")
    ]


def export_weighings(user: User) -> list[Row]:
    if not user.household_id:
        return []
    weighings = Weighing.objects.filter(
        registration__household_id=user.household_id
    ).select_related("registration__challenge")
    return [
        {
            "defi": w.registration.challenge.title,
            "date": w.weighed_on,
            "flux": w.get_flow_display(),
            "kg": w.kg,
            "saisi_le": w.entered_at,
        }
        for w in weighings.order_by("weighed_on", "pk")
    ]


def register_measures() -> None:
    register_section("releves", export_readings)
    register_section("factures", export_bills)
    register_section("pesees", export_weighings)
