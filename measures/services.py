"""Writes of the measures module: the meters a household declares, and the
readings, bills and weighings it enters (METHODOLOGY §2 and §5)."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import Household, User
from challenges.models import Registration, Theme
from measures.models import (
    Bill,
    Carrier,
    Meter,
    Reading,
    ReadingKind,
    Register,
    Unit,
    WasteFlow,
    Weighing,
)
from measures.results import results_invalidate


class MeterError(Exception):
    """A meter change that is refused; the message is for the household, next
    to `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnusualCoefficient(MeterError):
    """A gas coefficient outside the usual range: saved once confirmed."""


def duplicate_message(label: str) -> str:
    return _("Votre foyer a déjà un compteur « %(label)s » pour cette énergie.") % {"label": label}


GAS_COEFFICIENT = "gas_kwh_per_m3"
# Bills of French natural gas give 10.5 to 11.5 kWh PCS per m³ (GRDF); outside
# 9–13 it is most likely a typing error (a PCI value, m³ confused with kWh).
GAS_COEFFICIENT_USUAL = (Decimal("9"), Decimal("13"))


def gas_coefficient_check(
    *,
    value: Decimal | None,
    carrier: str,
    unit: str,
    confirmed: bool,
    previous: Decimal | None = None,
) -> None:
    """Refuse a gas coefficient that cannot be right; ask for a confirmation of
    one outside 9–13 kWh/m³ (unless it is the one already saved)."""
    if value is None:
        return
    if carrier != Carrier.GAS or unit != Unit.M3:
        raise MeterError(
            _(
                "Le coefficient de conversion ne concerne qu'un compteur de gaz relevé en m³ : "
                "laissez ce champ vide."
            ),
            field=GAS_COEFFICIENT,
        )
    if value <= 0:
        raise MeterError(
            _(
                "Le coefficient de conversion doit être supérieur à 0 : recopiez celui de votre "
                "facture de gaz (souvent entre 10,5 et 11,5 kWh/m³)."
            ),
            field=GAS_COEFFICIENT,
        )
    low, high = GAS_COEFFICIENT_USUAL
    if not (low <= value <= high or confirmed or value == previous):
        raise UnusualCoefficient(
            _(
                "Un coefficient de %(value)s kWh/m³ est inhabituel : les factures de gaz "
                "indiquent d'ordinaire entre 10,5 et 11,5 kWh/m³. Vérifiez votre facture, puis "
                "confirmez ce coefficient pour l'enregistrer."
            )
            % {"value": format_number(value)},
            field=GAS_COEFFICIENT,
        )


@transaction.atomic
def meter_create(
    *,
    household: Household,
    carrier: str,
    unit: str,
    label: str,
    heating_share: Decimal,
    has_offpeak: bool = False,
    gas_kwh_per_m3: Decimal | None = None,
    confirm_coefficient: bool = False,
) -> Meter:
    gas_coefficient_check(
        value=gas_kwh_per_m3, carrier=carrier, unit=unit, confirmed=confirm_coefficient
    )
    try:
        with transaction.atomic():
            meter = Meter.objects.create(
                household=household,
                carrier=carrier,
                unit=unit,
                label=label,
                heating_share=heating_share,
                has_offpeak=has_offpeak,
                gas_kwh_per_m3=gas_kwh_per_m3,
            )
    except IntegrityError as error:  # the same meter submitted twice at once
        raise MeterError(duplicate_message(label)) from error
    # A new meter changes which households are complete.
    results_invalidate(household_id=household.pk)
    return meter


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
    gas_kwh_per_m3: Decimal | None,
    confirm_coefficient: bool = False,
) -> Meter:
    # The stored row, locked: `meter` may carry a form's unsaved values.
    stored = Meter.objects.select_for_update().get(pk=meter.pk)
    if stored.readings.exists() and (carrier, unit) != (stored.carrier, stored.unit):
        # Past readings would silently change meaning.
        raise MeterError(
            _("Ce compteur a déjà des relevés : son énergie et son unité ne peuvent plus changer.")
        )
    gas_coefficient_check(
        value=gas_kwh_per_m3,
        carrier=carrier,
        unit=unit,
        confirmed=confirm_coefficient,
        previous=stored.gas_kwh_per_m3,
    )
    meter.carrier, meter.unit, meter.label = carrier, unit, label
    meter.heating_share, meter.has_offpeak, meter.is_active = heating_share, has_offpeak, is_active
    meter.gas_kwh_per_m3 = gas_kwh_per_m3
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
                    "gas_kwh_per_m3",
                ]
            )
    except IntegrityError as error:
        raise MeterError(duplicate_message(label)) from error
    # The heating share, the coefficient or the meter's service change results.
    results_invalidate(household_id=meter.household_id)
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


# --- Readings, bills and weighings (the entry pages, the API) -------------------------

# METHODOLOGY §2: a value more than this many times the usual daily use asks for
# a confirmation.
UNUSUAL_FACTOR = Decimal(3)
MAX_PHOTO_BYTES = 8 * 1024 * 1024


class ReadingError(Exception):
    """A reading that is refused; the message is for the household."""

    def __init__(self, message: str, *, register: str | None = None) -> None:
        super().__init__(message)
        self.register = register


class UnusualReading(ReadingError):
    """A plausible mistake: saved only once the household confirms it."""


def _key_of_another_meter() -> str:
    return _("Cette clé de saisie a déjà servi pour un autre compteur.")


class ReadingErrors(Exception):
    def __init__(self, errors: list[ReadingError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    @property
    def only_unusual(self) -> bool:
        return all(isinstance(e, UnusualReading) for e in self.errors)


@dataclass(frozen=True)
class AddedReading:
    reading: Reading
    created: bool
    previous: Reading | None

    @property
    def consumption(self) -> Decimal | None:
        """Use since the previous reading (None for a first, new or rolled-over index)."""
        if not self.created or self.previous is None or self.reading.kind != ReadingKind.NORMAL:
            return None
        return self.reading.value - self.previous.value

    @property
    def days(self) -> int | None:
        if self.previous is None:
            return None
        return (self.reading.read_on - self.previous.read_on).days


def registers_of(meter: Meter) -> list[str]:
    return [Register.PEAK, Register.OFFPEAK] if meter.has_offpeak else [Register.SINGLE]


def oldest_entry_date(household_id: int) -> dt.date:
    """Entries go back at most one year before the earliest reference period of
    the household's challenges (three years without any challenge)."""
    starts = Registration.objects.filter(household_id=household_id).values_list(
        "challenge__starts_on", flat=True
    )
    earliest = min(starts, default=None)
    if earliest is None:
        return timezone.localdate() - dt.timedelta(days=3 * 365)
    return entry_floor(earliest)


def entry_floor(challenge_start: dt.date) -> dt.date:
    """One year before the reference period, which starts one year before the challenge."""
    return _years_before(challenge_start, 2)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def format_number(value: Decimal) -> str:
    """« 812,5 », « 1234 »: no trailing zeros, the local decimal separator."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


def _usual_daily_use(history: list[Reading]) -> Decimal | None:
    """Mean daily use over the readings before the new one, counting only the
    spans that end with an ordinary reading (a new meter restarts the count)."""
    if len(history) < 2:
        return None
    used, days = Decimal(0), 0
    for before, after in itertools.pairwise(history):
        if after.kind == ReadingKind.NORMAL:
            used += after.value - before.value
            days += (after.read_on - before.read_on).days
    if days <= 0 or used <= 0:
        return None
    return used / days


def _check_reading(
    *,
    meter: Meter,
    register: str,
    read_on: dt.date,
    value: Decimal,
    kind: str,
    confirm_unusual: bool,
    active: list[Reading] | None = None,
    floor: dt.date | None = None,
) -> tuple[Reading | None, Reading | None, bool]:
    """Validate a new reading. Returns (previous reading, reading of the same
    day it replaces, whether it was confirmed as unusual). `active` (the
    register's readings not superseded, by date) and `floor` are read from
    the database unless the caller already holds them."""
    if register not in registers_of(meter):
        raise ReadingError(_("Ce compteur n'a pas cet index."), register=register)
    if read_on > timezone.localdate():
        raise ReadingError(
            _("La date du relevé ne peut pas être dans le futur."), register=register
        )
    if floor is None:
        floor = oldest_entry_date(meter.household_id)
    if read_on < floor:
        raise ReadingError(
            _("La date du relevé ne peut pas précéder le %(date)s.")
            % {"date": date_format(floor, "j F Y")},
            register=register,
        )
    if value < 0:
        raise ReadingError(_("Un index ne peut pas être négatif."), register=register)
    if active is None:
        active = list(
            Reading.objects.filter(
                meter=meter, register=register, superseded_by__isnull=True
            ).order_by("read_on", "pk")
        )
    history = [r for r in active if r.read_on < read_on]
    same = next((r for r in active if r.read_on == read_on), None)
    following = next((r for r in active if r.read_on > read_on), None)
    previous = history[-1] if history else None
    unit = meter.get_unit_display()
    if kind == ReadingKind.NORMAL and previous is not None and value < previous.value:
        raise ReadingError(
            _(
                "L'index saisi (%(value)s %(unit)s) est plus petit que celui du %(date)s "
                "(%(previous)s %(unit)s). Un index ne diminue pas : vérifiez les chiffres "
                "(unités entières, sans les chiffres rouges), ou choisissez « Nouveau compteur » "
                "ou « Le compteur a fait le tour »."
            )
            % {
                "value": format_number(value),
                "previous": format_number(previous.value),
                "unit": unit,
                "date": date_format(previous.read_on, "j F Y"),
            },
            register=register,
        )
    if following is not None and following.kind == ReadingKind.NORMAL and value > following.value:
        raise ReadingError(
            _(
                "L'index saisi (%(value)s %(unit)s) dépasse celui du relevé suivant, le %(date)s "
                "(%(next)s %(unit)s) : vérifiez la date et les chiffres."
            )
            % {
                "value": format_number(value),
                "next": format_number(following.value),
                "unit": unit,
                "date": date_format(following.read_on, "j F Y"),
            },
            register=register,
        )
    unusual = False
    usual = _usual_daily_use(history) if kind == ReadingKind.NORMAL else None
    if usual is not None and previous is not None:
        daily = (value - previous.value) / (read_on - previous.read_on).days
        unusual = daily > UNUSUAL_FACTOR * usual
        if unusual and not confirm_unusual:
            raise UnusualReading(
                _(
                    "Cette valeur représente %(daily)s %(unit)s par jour depuis le relevé du "
                    "%(date)s, plus de 3 fois votre consommation habituelle (%(usual)s %(unit)s "
                    "par jour). Vérifiez l'index ; s'il est juste, cochez « Je confirme cette "
                    "valeur »."
                )
                % {
                    "daily": number_format(daily, 1),
                    "usual": number_format(usual, 1),
                    "unit": unit,
                    "date": date_format(previous.read_on, "j F Y"),
                },
                register=register,
            )
    return previous, same, unusual


@transaction.atomic
def reading_add(
    *,
    meter: Meter,
    register: str,
    read_on: dt.date,
    value: Decimal,
    kind: str,
    user: User | None,
    client_key: str | None = None,
    photo: File | None = None,
    confirm_unusual: bool = False,
) -> AddedReading:
    """Record a reading. The same client_key again is a no-op; a reading on a
    day that already has one replaces it, the old row pointing to the new."""
    Meter.objects.select_for_update().filter(pk=meter.pk).first()  # one writer per meter
    if client_key:
        existing = Reading.objects.filter(client_key=client_key).order_by().first()
        if existing is not None:
            if existing.meter_id != meter.pk:
                raise ReadingError(_key_of_another_meter())
            return AddedReading(existing, created=False, previous=None)
    checked = _check_reading(
        meter=meter,
        register=register,
        read_on=read_on,
        value=value,
        kind=kind,
        confirm_unusual=confirm_unusual,
    )
    return _store_reading(
        meter=meter,
        register=register,
        read_on=read_on,
        value=value,
        kind=kind,
        user=user,
        client_key=client_key,
        photo=photo,
        checked=checked,
    )


def _store_reading(
    *,
    meter: Meter,
    register: str,
    read_on: dt.date,
    value: Decimal,
    kind: str,
    user: User | None,
    client_key: str | None,
    photo: File | None,
    checked: tuple[Reading | None, Reading | None, bool],
) -> AddedReading:
    """Save a reading _check_reading accepted, the meter locked by the caller."""
    previous, same, unusual = checked
    reading = Reading(
        meter=meter,
        register=register,
        read_on=read_on,
        value=value,
        kind=kind,
        entered_by=user,
        client_key=client_key or None,
        confirmed_unusual=unusual,
    )
    if photo is not None:
        reading.photo.save(photo.name or "photo.jpg", photo, save=False)
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError:  # the same key, submitted twice at the same instant
        existing = Reading.objects.filter(client_key=client_key).order_by().first()
        if existing is None:
            raise
        return AddedReading(existing, created=False, previous=None)
    if same is not None:
        same.superseded_by = reading
        same.save(update_fields=["superseded_by"])
    results_invalidate(household_id=meter.household_id)
    return AddedReading(reading, created=True, previous=previous)


@transaction.atomic
def meter_readings_add(
    *,
    meter: Meter,
    values: dict[str, Decimal],
    read_on: dt.date,
    kind: str,
    user: User | None,
    client_key: str,
    photo: File | None = None,
    confirm_unusual: bool = False,
) -> list[AddedReading]:
    """The readings of one meter on one day (peak and off-peak together): all
    are saved, or none. Every problem is reported at once (ReadingErrors)."""
    Meter.objects.select_for_update().filter(pk=meter.pk).first()  # one writer per meter
    keys = {register: f"{client_key}-{register}" for register in values}
    existing = list(Reading.objects.filter(client_key__in=keys.values()).order_by())
    if existing:  # a double submission
        if any(r.meter_id != meter.pk for r in existing):
            raise ReadingErrors([ReadingError(_key_of_another_meter())])
        return [AddedReading(r, created=False, previous=None) for r in existing]
    errors = []
    checked = {}
    for register, value in values.items():
        try:
            checked[register] = _check_reading(
                meter=meter,
                register=register,
                read_on=read_on,
                value=value,
                kind=kind,
                confirm_unusual=confirm_unusual,
            )
        except ReadingError as error:
            errors.append(error)
    if errors:
        raise ReadingErrors(errors)
    # Checked once, under the meter's lock: stored as checked.
    return [
        _store_reading(
            meter=meter,
            register=register,
            read_on=read_on,
            value=value,
            kind=kind,
            user=user,
            client_key=keys[register],
            photo=photo if index == 0 else None,
            checked=checked[register],
        )
        for index, (register, value) in enumerate(values.items())
    ]


READINGS_BATCH_MAX = 100


@dataclass(frozen=True)
class NewReading:
    """One reading of a batch, as the client sent it."""

    meter_id: int
    register: str
    read_on: dt.date
    value: Decimal
    kind: str
    client_key: str
    confirm_unusual: bool = False


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one reading of a batch: 201 saved, 200 already saved
    with this key, 400 refused (`message` for the household), 404 no such
    meter in the household."""

    status: int
    added: AddedReading | None = None
    message: str = ""


@transaction.atomic
def readings_add_batch(
    *, household_id: int, items: list[NewReading], user: User | None
) -> list[BatchOutcome]:
    """A household's readings sent together (a phone's queue of readings taken
    offline, a month of indexes): each one is accepted or refused on its own,
    by the rules of reading_add, in the order sent, so that a refused reading
    never costs the others. The meters are locked once, their readings and
    the keys read once, the accepted rows inserted in one statement and the
    results marked stale once: a batch costs a few queries, not a few per
    reading."""
    wanted = {item.meter_id for item in items}
    meters = {  # locked in the order of their keys: two batches cannot deadlock
        m.pk: m
        for m in Meter.objects.select_for_update()
        .filter(household_id=household_id, pk__in=wanted)
        .order_by("pk")
    }
    keys = {item.client_key for item in items}
    known = {r.client_key: r for r in Reading.objects.filter(client_key__in=keys).order_by()}
    active: dict[tuple[int, str], list[Reading]] = {}
    for row in Reading.objects.filter(meter_id__in=meters, superseded_by__isnull=True).order_by(
        "read_on", "pk"
    ):
        active.setdefault((row.meter_id, row.register), []).append(row)
    floor = oldest_entry_date(household_id)
    outcomes: list[BatchOutcome] = []
    new: list[Reading] = []
    replaced: list[tuple[Reading, Reading]] = []  # (old row of the same day, new row)
    for item in items:
        meter = meters.get(item.meter_id)
        if meter is None:
            outcomes.append(_unknown_meter())
            continue
        existing = known.get(item.client_key)
        if existing is not None:
            if existing.meter_id != meter.pk:
                outcomes.append(BatchOutcome(400, message=_key_of_another_meter()))
            else:
                outcomes.append(BatchOutcome(200, AddedReading(existing, False, None)))
            continue
        rows = active.setdefault((meter.pk, item.register), [])
        try:
            previous, same, unusual = _check_reading(
                meter=meter,
                register=item.register,
                read_on=item.read_on,
                value=item.value,
                kind=item.kind,
                confirm_unusual=item.confirm_unusual,
                active=rows,
                floor=floor,
            )
        except ReadingError as error:
            outcomes.append(BatchOutcome(400, message=str(error)))
            continue
        reading = Reading(
            meter=meter,
            register=item.register,
            read_on=item.read_on,
            value=item.value,
            kind=item.kind,
            entered_by=user,
            client_key=item.client_key,
            confirmed_unusual=unusual,
        )
        # The next readings of the batch are checked against this one.
        if same is not None:
            rows.remove(same)
            replaced.append((same, reading))
        bisect.insort(rows, reading, key=lambda r: r.read_on)
        known[item.client_key] = reading
        new.append(reading)
        outcomes.append(BatchOutcome(201, AddedReading(reading, True, previous)))
    if not new:
        return outcomes
    try:
        with transaction.atomic():
            Reading.objects.bulk_create(new)
    except IntegrityError:  # a key sent at the same instant by another request
        return _readings_one_by_one(meters=meters, items=items, user=user)
    if replaced:  # one statement for the rows of the same day the batch replaces
        Reading.objects.filter(pk__in=[old.pk for old, _new in replaced]).update(
            superseded_by=Case(*(When(pk=old.pk, then=Value(new.pk)) for old, new in replaced))
        )
    results_invalidate(household_id=household_id)
    return outcomes


def _unknown_meter() -> BatchOutcome:
    return BatchOutcome(404, message=_("Ce compteur n'existe pas dans votre foyer."))


def _readings_one_by_one(
    *, meters: dict[int, Meter], items: list[NewReading], user: User | None
) -> list[BatchOutcome]:
    """The slow way, for the rare batch that raced another writer of its keys."""
    outcomes = []
    for item in items:
        meter = meters.get(item.meter_id)
        if meter is None:
            outcomes.append(_unknown_meter())
            continue
        try:
            with transaction.atomic():
                added = reading_add(
                    meter=meter,
                    register=item.register,
                    read_on=item.read_on,
                    value=item.value,
                    kind=item.kind,
                    user=user,
                    client_key=item.client_key,
                    confirm_unusual=item.confirm_unusual,
                )
        except ReadingError as error:
            outcomes.append(BatchOutcome(400, message=str(error)))
        else:
            outcomes.append(BatchOutcome(201 if added.created else 200, added))
    return outcomes


@transaction.atomic
def bill_add(
    *,
    meter: Meter,
    starts_on: dt.date,
    ends_on: dt.date,
    quantity: Decimal | None,
    amount_eur: Decimal | None,
    user: User | None,
) -> Bill:
    bill = Bill.objects.create(
        meter=meter,
        starts_on=starts_on,
        ends_on=ends_on,
        quantity=quantity,
        amount_eur=amount_eur,
        entered_by=user,
    )
    results_invalidate(household_id=meter.household_id)
    return bill


class WeighingError(Exception):
    """A weighing that is refused; the message is for the household."""


@transaction.atomic
def weighing_add(
    *,
    registration: Registration,
    weighed_on: dt.date,
    flow: str,
    kg: Decimal,
    user: User | None,
    client_key: str | None = None,
    replaces: Weighing | None = None,
) -> tuple[Weighing, bool]:
    """Record a weighing; returns it and whether it is new. The same client_key
    again is a no-op. A weighing of the same flow on the same day, and the one
    it `replaces` (a correction), are kept as history, superseded by the new one."""
    if client_key:
        existing = Weighing.objects.filter(client_key=client_key).order_by().first()
        if existing is not None:
            if existing.registration_id != registration.pk:
                raise WeighingError(_("Cette clé de saisie a déjà servi pour un autre foyer."))
            return existing, False
    if flow not in WasteFlow.values:
        raise WeighingError(_("Flux de déchets inconnu."))
    if kg < 0 or kg > 500:
        raise WeighingError(_("Le poids doit être compris entre 0 et 500 kg."))
    if weighed_on > timezone.localdate():
        raise WeighingError(_("La date de la pesée ne peut pas être dans le futur."))
    challenge = registration.challenge
    if Theme.WASTE not in challenge.themes:
        raise WeighingError(_("Ce défi ne comporte pas de pesées de déchets."))
    if weighed_on < challenge.starts_on or weighed_on > challenge.ends_on:
        raise WeighingError(
            _("La pesée doit avoir lieu pendant le défi, du %(start)s au %(end)s.")
            % {
                "start": date_format(challenge.starts_on, "j F Y"),
                "end": date_format(challenge.ends_on, "j F Y"),
            }
        )
    weighing = Weighing(
        registration=registration,
        weighed_on=weighed_on,
        flow=flow,
        kg=kg,
        entered_by=user,
        client_key=client_key or None,
    )
    try:
        with transaction.atomic():
            weighing.save()
    except IntegrityError:
        existing = Weighing.objects.filter(client_key=client_key).order_by().first()
        if existing is None:
            raise
        return existing, False
    older = Weighing.objects.filter(
        registration=registration, weighed_on=weighed_on, flow=flow, superseded_by__isnull=True
    ).exclude(pk=weighing.pk)
    if replaces is not None:
        older = older | Weighing.objects.filter(pk=replaces.pk, superseded_by__isnull=True)
    Weighing.objects.filter(pk__in=[w.pk for w in older]).update(superseded_by=weighing)
    results_invalidate(household_id=registration.household_id)
    return weighing, True


@transaction.atomic
def weighings_add(
    *,
    registration: Registration,
    weighed_on: dt.date,
    kgs: dict[str, Decimal],
    user: User | None,
    client_key: str,
) -> list[tuple[Weighing, bool]]:
    """The weighings of one day, one per weighed flow, all or none."""
    return [
        weighing_add(
            registration=registration,
            weighed_on=weighed_on,
            flow=flow,
            kg=kg,
            user=user,
            client_key=f"{client_key}-{flow}",
        )
        for flow, kg in kgs.items()
    ]


def reminders_pause(*, registration: Registration, paused: bool) -> None:
    registration.reminders_paused = paused
    registration.save(update_fields=["reminders_paused"])
