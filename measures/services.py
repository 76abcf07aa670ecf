"""Writes of the measures module: the meters a household declares."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Household
from measures.models import Meter


class MeterError(Exception):
    """A meter change that is refused; the message is for the household."""


def duplicate_message(label: str) -> str:
    return _("Votre foyer a déjà un compteur « %(label)s » pour cette énergie.") % {"label": label}


@transaction.atomic
def meter_create(
    *,
    household: Household,
    carrier: str,
    unit: str,
    label: str,
    heating_share: Decimal,
    has_offpeak: bool = False,
) -> Meter:
    try:
        with transaction.atomic():
            return Meter.objects.create(
                household=household,
                carrier=carrier,
                unit=unit,
                label=label,
                heating_share=heating_share,
                has_offpeak=has_offpeak,
            )
    except IntegrityError as error:  # the same meter submitted twice at once
        raise MeterError(duplicate_message(label)) from error


@transaction.atomic
def meter_update(
    *,
    meter: Meter,
    carrier: str,
    unit: str,
    label: str,
    heating_share: Decimal,
    has_offpeak: bool,
    is_active: bool,
) -> Meter:
    if meter.readings.exists() and (carrier, unit) != (meter.carrier, meter.unit):
        # Past readings would silently change meaning.
        raise MeterError(
            _("Ce compteur a déjà des relevés : son énergie et son unité ne peuvent plus changer.")
        )
    meter.carrier, meter.unit, meter.label = carrier, unit, label
    meter.heating_share, meter.has_offpeak, meter.is_active = heating_share, has_offpeak, is_active
    try:
        with transaction.atomic():
            meter.save(
                update_fields=[
                    "carrier",
                    "unit",
                    "label",
                    "heating_share",
                    "has_offpeak",
                    "is_active",
                ]
            )
    except IntegrityError as error:
        raise MeterError(duplicate_message(label)) from error
    return meter


@transaction.atomic
def meter_delete(*, meter: Meter) -> bool:
    """Delete a meter without readings. One with readings is put out of
    service instead, so that no reading is lost. Returns True when deleted."""
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    if meter.readings.exists():
        if meter.is_active:
            meter.is_active = False
            meter.save(update_fields=["is_active"])
        return False
    meter.delete()
    return True
