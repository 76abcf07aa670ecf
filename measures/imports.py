"""Import and export of a challenge's readings and weighings (CSV, XLSX or
ODS), following the import protocol of the tabular kit (`elan.tabular`).

Columns (header line required; names are case and accent insensitive):

- readings (« relevés »): ``foyer`` (household name, or its number as shown in
  the export) or ``email`` (of a member), ``compteur`` (meter label), ``date``
  (JJ/MM/AAAA or AAAA-MM-JJ), ``index``, optional ``registre``
  (base / hp / hc) and ``type`` (releve / remplacement / tour), optional
  ``coefficient_kwh_m3`` (« coefficient », « coef_conversion »…: the gas
  meter's conversion coefficient printed on the bill, METHODOLOGY §2) and
  ``confirmer``;
- weighings (« pesées »): ``foyer`` or ``email``, ``date``, ``flux``
  (omr, emballages, verre, papier, biodechets, or their labels), ``kg``.

The coefficient is set on the meter of the row, which must be a gas meter
counted in m³; an empty cell leaves the meter's coefficient as it is. 0 or
less is refused; outside 9–13 kWh/m³ the row is an error unless its
``confirmer`` cell says « oui » (the person checked the bill): the file then
says what was confirmed, row by row, and nothing depends on a form option.

`import_preview` (the dry run) validates every row and writes nothing;
`data_import` validates again and writes every new row in one transaction,
or nothing at all. A row already in the database (same import key, or same
meter, register, date and index / same household, date, flow and kg) is
reported as « déjà présent » and skipped, so re-importing a file — or an
export — changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from challenges.models import Challenge, Registration, RegistrationStatus, Theme
from elan import tabular
from elan.tabular import (
    PRESENT,
    CellError,
    Field,
    Row,
    Schema,
    column_key,
    csv_text,
    parse_date,
    parse_decimal,
    parse_yes_no,
    unneutralise,
)
from elan.tabular import (
    ImportRejected as ImportRejected,  # the views catch it from here
)
from measures.models import (
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
from measures.services import entry_floor


class DataKind(StrEnum):
    READINGS = "releves"
    WEIGHINGS = "pesees"


READING_COLUMNS = ["foyer", "compteur", "registre", "date", "index", "type"]
WEIGHING_COLUMNS = ["foyer", "date", "flux", "kg"]
COEFFICIENT = "coefficient_kwh_m3"
CONFIRM = "confirmer"

READING_SCHEMA = Schema(
    fields=(
        *(Field(key) for key in ["foyer", "email", "compteur", "registre", "date", "index"]),
        Field("type"),
        Field(
            COEFFICIENT,
            synonyms=(
                "coefficient",
                "coef_conversion",
                "coefficient_conversion",
                "coefficient_de_conversion",
                "kwh_m3",
                "kwh_par_m3",
            ),
        ),
        Field(CONFIRM, synonyms=("confirmation", "confirme")),
    ),
    required=(("foyer", "email"), ("compteur",), ("date",), ("index",)),
)
WEIGHING_SCHEMA = Schema(
    fields=tuple(Field(key) for key in ["foyer", "email", "date", "flux", "kg"]),
    required=(("foyer", "email"), ("date",), ("flux",), ("kg",)),
)

KIND_CODES = {
    "releve": ReadingKind.NORMAL,
    "normal": ReadingKind.NORMAL,
    "remplacement": ReadingKind.REPLACEMENT,
    "nouveau_compteur": ReadingKind.REPLACEMENT,
    "tour": ReadingKind.ROLLOVER,
}
KIND_EXPORT: dict[str, str] = {
    ReadingKind.NORMAL: "releve",
    ReadingKind.REPLACEMENT: "remplacement",
    ReadingKind.ROLLOVER: "tour",
}

# Households of a challenge whose data may be imported or exported.
EXCLUDED_STATUSES = [RegistrationStatus.NOT_SELECTED, RegistrationStatus.WITHDRAWN]
# Readings exported around the challenge: its reference period and its period.
EXPORT_MARGIN = dt.timedelta(days=60)
MAX_INDEX = Decimal("999999999.999")
MAX_KG = Decimal("500")
# A gas bill's coefficient (kWh PCS per m³) is about 10.5 to 11.5 in France;
# outside this range it is a typing error until someone confirms it.
USUAL_COEFFICIENT = (Decimal("9"), Decimal("13"))
MAX_COEFFICIENT = Decimal("99.999")  # the meter's field holds 5 digits


@dataclass(kw_only=True)
class RowResult(tabular.RowResult):
    # Set for valid rows: what would be written.
    instance: Reading | Weighing | None = None
    household_id: int | None = None
    series: tuple[Any, ...] = ()
    meter: Meter | None = None
    coefficient: Decimal | None = None


@dataclass(kw_only=True)
class ImportReport(tabular.ImportReport[RowResult]):
    kind: DataKind
    # Meters whose conversion coefficient the import sets: meter id → kWh/m³.
    coefficients: dict[int, Decimal] = field(default_factory=dict)


# --- Reading the cells -------------------------------------------------------


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _past_date(text: str) -> dt.date:
    day = parse_date(text)
    if day > timezone.localdate():
        raise CellError(_("la date %(day)s est dans le futur") % {"day": day.strftime("%d/%m/%Y")})
    return day


def _index(text: str) -> Decimal:
    value = parse_decimal(text, label=_("index"))
    if value < 0:
        raise CellError(_("l'index ne peut pas être négatif"))
    if value > MAX_INDEX:
        raise CellError(_("l'index « %(value)s » est trop grand") % {"value": text[:40]})
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _kg(text: str) -> Decimal:
    value = parse_decimal(text, label=_("poids"))
    if value < 0:
        raise CellError(_("le poids ne peut pas être négatif"))
    if value > MAX_KG:
        raise CellError(_("%(value)s kg : au plus 500 kg par pesée") % {"value": text[:40]})
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _register(text: str) -> str:
    code = column_key(text) or Register.SINGLE
    if code not in Register.values:
        raise CellError(_("registre « %(value)s » inconnu (base, hp ou hc)") % {"value": text[:40]})
    return code


def _reading_kind(text: str) -> str:
    code = column_key(text) or "releve"
    if code not in KIND_CODES:
        raise CellError(
            _("type « %(value)s » inconnu (releve, remplacement ou tour)") % {"value": text[:40]}
        )
    return KIND_CODES[code]


FLOW_CODES = {column_key(str(label)): value for value, label in WasteFlow.choices}
FLOW_CODES.update({value: value for value in WasteFlow.values})


def _flow(text: str) -> str:
    code = column_key(text)
    if not code:
        raise CellError(_("flux manquant"))
    if code not in FLOW_CODES:
        raise CellError(
            _("flux « %(value)s » inconnu (%(codes)s)")
            % {"value": text[:40], "codes": ", ".join(WasteFlow.values)}
        )
    return FLOW_CODES[code]


def _coefficient(text: str, confirm: str) -> Decimal | None:
    """A gas meter's kWh per m³, or None for an empty cell (the meter keeps its own)."""
    if not text.strip():
        return None
    value = parse_decimal(text, label=_("coefficient"))
    if value <= 0:
        raise CellError(
            _("le coefficient de conversion doit être positif (kWh par m³, sur la facture de gaz)")
        )
    value = value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if value > MAX_COEFFICIENT:
        raise CellError(
            _("coefficient « %(value)s » impossible : un m³ de gaz donne environ 11 kWh")
            % {"value": text[:40]}
        )
    low, high = USUAL_COEFFICIENT
    if not low <= value <= high and not parse_yes_no(confirm, label=_("confirmer")):
        raise CellError(
            _(
                "coefficient %(value)s kWh/m³ inhabituel (attendu entre 9 et 13) : vérifiez la facture, puis indiquez « oui » dans la colonne confirmer"
            )
            % {"value": _number_text(value)}
        )
    return value


# --- The challenge's households ----------------------------------------------


class _Households:
    """Who may appear in a file of this challenge, found by name, number or e-mail."""

    def __init__(self, challenge: Challenge) -> None:
        registrations = list(
            Registration.objects.filter(challenge=challenge)
            .exclude(status__in=EXCLUDED_STATUSES)
            .select_related("household")
            .order_by("household__name", "household_id")
        )
        self.by_household = {r.household_id: r for r in registrations}
        self.by_name: dict[str, list[Registration]] = defaultdict(list)
        for registration in registrations:
            self.by_name[registration.household.name.strip().casefold()].append(registration)
        self.by_email = {
            email.casefold(): self.by_household[household_id]
            for email, household_id in User.objects.filter(
                household_id__in=self.by_household
            ).values_list("email", "household_id")
        }

    def export_name(self, registration: Registration) -> str:
        """The household's name, or its number when another one has the same name."""
        name = registration.household.name.strip()
        if len(self.by_name[name.casefold()]) == 1 and not name.isdigit():
            return name
        return str(registration.household_id)

    def find(self, row: Row) -> Registration:
        name, email = unneutralise(row.get("foyer")), row.get("email")
        if not name and not email:
            raise CellError(_("foyer manquant (colonne foyer ou email)"))
        if name:
            # isdigit() is true of « ² » too, which int() refuses: ASCII digits only.
            if name.isascii() and name.isdigit() and int(name) in self.by_household:
                return self.by_household[int(name)]
            matches = self.by_name.get(name.casefold(), [])
            if len(matches) > 1:
                raise CellError(
                    _("plusieurs foyers s'appellent « %(name)s » : indiquez leur numéro (%(ids)s)")
                    % {"name": name[:60], "ids": ", ".join(str(r.household_id) for r in matches)}
                )
            if matches:
                return matches[0]
            raise CellError(_("foyer « %(name)s » inconnu dans ce défi") % {"name": name[:60]})
        registration = self.by_email.get(email.casefold())
        if registration is None:
            raise CellError(
                _("aucun foyer de ce défi n'a l'adresse « %(email)s »") % {"email": email[:80]}
            )
        return registration


def _import_key(challenge: Challenge, kind: DataKind, parts: Iterable[object]) -> str:
    return tabular.import_key(challenge.pk, kind.value, *parts)


# --- Validation --------------------------------------------------------------


def import_preview(
    *, challenge: Challenge, kind: DataKind | str, data: bytes, filename: str
) -> ImportReport:
    """The dry run: every row parsed and checked; nothing is written."""
    kind = DataKind(kind)
    report = ImportReport(kind=kind)
    theme_ok = (
        Theme.WASTE in challenge.themes
        if kind == DataKind.WEIGHINGS
        else bool({Theme.ENERGY, Theme.WATER} & set(challenge.themes))
    )
    if not theme_ok:
        message = (
            _("Ce défi ne comprend pas de pesées de déchets.")
            if kind == DataKind.WEIGHINGS
            else _("Ce défi ne comprend pas de relevés de compteurs.")
        )
        report.file_errors.append(message)
        return report

    def check(rows: list[Row]) -> None:
        households = _Households(challenge)
        if kind == DataKind.READINGS:
            _check_readings(challenge, households, rows, report)
        else:
            _check_weighings(challenge, households, rows, report)

    schema = READING_SCHEMA if kind == DataKind.READINGS else WEIGHING_SCHEMA
    tabular.preview(report, data=data, filename=filename, schema=schema, check=check)
    return report


def _check_readings(
    challenge: Challenge, households: _Households, rows: list[Row], report: ImportReport
) -> None:
    meters: dict[int, dict[str, list[Meter]]] = defaultdict(lambda: defaultdict(list))
    for known in Meter.objects.filter(household_id__in=households.by_household):
        meters[known.household_id][known.label.strip().casefold()].append(known)
    for row in rows:
        result = RowResult.of(row)
        report.rows.append(result)
        registration = result.cell(households.find, row)
        meter: Meter | None = None
        label = unneutralise(row.get("compteur"))
        if not label:
            result.errors.append(_("compteur manquant"))
        elif registration is not None:
            found = meters[registration.household_id].get(label.casefold(), [])
            if not found:
                result.errors.append(
                    _("le foyer n'a pas de compteur « %(label)s »") % {"label": label[:80]}
                )
            elif len(found) > 1:
                result.errors.append(
                    _("le foyer a plusieurs compteurs « %(label)s » : renommez-en un")
                    % {"label": label[:80]}
                )
            else:
                meter = found[0]
        register = result.cell(_register, row.get("registre"))
        day = result.cell(_past_date, row.get("date"))
        value = result.cell(_index, row.get("index"))
        reading_kind = result.cell(_reading_kind, row.get("type"))
        result.coefficient = result.cell(_coefficient, row.get(COEFFICIENT), row.get(CONFIRM))
        if meter is not None and result.coefficient is not None:
            if meter.carrier == Carrier.GAS and meter.unit == Unit.M3:
                result.meter = meter
            else:
                result.errors.append(
                    _(
                        "le compteur « %(label)s » n'est pas un compteur de gaz en m³ : laissez son coefficient vide"
                    )
                    % {"label": label[:80]}
                )
        floor = entry_floor(challenge.starts_on)
        if day is not None and day < floor:
            result.errors.append(
                _("relevé du %(day)s trop ancien (au plus tôt le %(floor)s)")
                % {"day": _fr(day), "floor": _fr(floor)}
            )
        if meter is not None and register is not None:
            if meter.has_offpeak and register == Register.SINGLE:
                result.errors.append(_("ce compteur a deux index : indiquez le registre hp ou hc"))
            elif not meter.has_offpeak and register != Register.SINGLE:
                result.errors.append(_("ce compteur n'a qu'un index : registre « base » ou vide"))
        if result.errors or None in (meter, register, day, value, reading_kind):
            continue
        assert meter is not None
        assert day is not None
        assert value is not None
        assert register is not None
        assert reading_kind is not None
        result.household_id = meter.household_id
        result.series = (meter.pk, register)
        result.key = _import_key(
            challenge, DataKind.READINGS, [meter.pk, register, day.isoformat(), value, reading_kind]
        )
        result.instance = Reading(
            meter=meter,
            register=register,
            read_on=day,
            value=value,
            kind=reading_kind,
            client_key=result.key,
        )
    _check_series(report)
    _check_coefficients(report)


def _check_coefficients(report: ImportReport) -> None:
    """One coefficient per meter in the file; those that change a meter are
    noted on the report, to be written with the readings."""
    first: dict[int, tuple[int, Decimal]] = {}  # meter → (line, coefficient)
    low, high = USUAL_COEFFICIENT
    for result in report.rows:
        meter, value = result.meter, result.coefficient
        if meter is None or value is None or result.errors:
            continue
        line, known = first.setdefault(meter.pk, (result.line, value))
        if known != value:
            result.errors.append(
                _("la ligne %(line)s donne un autre coefficient pour ce compteur (%(value)s)")
                % {"line": line, "value": _number_text(known)}
            )
            result.instance = None
            continue
        if not low <= value <= high:
            result.warnings.append(
                _("coefficient inhabituel %(value)s kWh/m³, confirmé")
                % {"value": _number_text(value)}
            )
        if meter.gas_kwh_per_m3 != value and meter.pk not in report.coefficients:
            report.coefficients[meter.pk] = value
            result.note = _("coefficient de « %(label)s » : %(value)s kWh/m³") % {
                "label": meter.label[:80],
                "value": _number_text(value),
            }


@dataclass
class _Point:
    day: dt.date
    value: Decimal
    kind: str
    row: RowResult | None  # None: a reading already saved


def _check_series(report: ImportReport) -> None:
    """Compare the new rows with the saved readings of the same meter and
    register, sorted by date: a decreasing index is refused unless the row
    (or the saved reading) is a meter replacement or a rollover."""
    valid = [r for r in report.rows if r.instance is not None]
    if not valid:
        return
    meter_ids = {r.series[0] for r in valid}
    saved: dict[tuple[Any, ...], list[_Point]] = defaultdict(list)
    saved_keys: set[str] = set()
    for meter_id, register, day, value, kind, key in Reading.objects.filter(
        meter_id__in=meter_ids, superseded_by__isnull=True
    ).values_list("meter_id", "register", "read_on", "value", "kind", "client_key"):
        saved[(meter_id, register)].append(_Point(day, value, kind, None))
        if key:
            saved_keys.add(key)
    seen_in_file: dict[tuple[Any, ...], RowResult] = {}
    series: dict[tuple[Any, ...], list[_Point]] = defaultdict(list)
    for result in valid:
        reading = result.instance
        assert isinstance(reading, Reading)
        same = (result.series, reading.read_on)
        existing = [p for p in saved[result.series] if p.day == reading.read_on]
        if result.key in saved_keys or any(p.value == reading.value for p in existing):
            result.status, result.instance = PRESENT, None
            continue
        if existing:
            result.errors.append(
                _("un relevé du %(day)s existe déjà pour ce compteur (index %(value)s)")
                % {"day": _fr(reading.read_on), "value": _number_text(existing[0].value)}
            )
            continue
        if same in seen_in_file:
            first = seen_in_file[same]
            first_reading = first.instance
            if isinstance(first_reading, Reading) and first_reading.value == reading.value:
                result.status, result.instance = PRESENT, None
                result.note = _("en double avec la ligne %(line)s") % {"line": first.line}
            else:
                result.errors.append(
                    _(
                        "la ligne %(line)s donne un autre index pour le même compteur et le même jour"
                    )
                    % {"line": first.line}
                )
            continue
        seen_in_file[same] = result
        series[result.series].append(_Point(reading.read_on, reading.value, reading.kind, result))
    for series_key, new_points in series.items():
        points = sorted(saved[series_key] + new_points, key=lambda p: p.day)
        for previous, current in itertools.pairwise(points):
            if current.value >= previous.value or current.kind != ReadingKind.NORMAL:
                continue
            if current.row is not None:
                current.row.errors.append(
                    _(
                        "index %(value)s inférieur au relevé du %(day)s (%(previous)s) : "
                        "indiquez le type « remplacement » (nouveau compteur) ou « tour » "
                        "(le compteur a fait le tour)"
                    )
                    % {
                        "value": _number_text(current.value),
                        "day": _fr(previous.day),
                        "previous": _number_text(previous.value),
                    }
                )
            elif previous.row is not None:
                previous.row.errors.append(
                    _("index %(value)s supérieur au relevé suivant du %(day)s (%(next)s)")
                    % {
                        "value": _number_text(previous.value),
                        "day": _fr(current.day),
                        "next": _number_text(current.value),
                    }
                )
    for result in valid:
        if result.errors:
            result.instance = None


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_weighings(
    challenge: Challenge, households: _Households, rows: list[Row], report: ImportReport
) -> None:
    for row in rows:
        result = RowResult.of(row)
        report.rows.append(result)
        registration = result.cell(households.find, row)
        day = result.cell(_past_date, row.get("date"))
        flow = result.cell(_flow, row.get("flux"))
        kg = result.cell(_kg, row.get("kg"))
        if day is not None and day < challenge.starts_on:
            result.errors.append(
                _("pesée du %(day)s avant le début du défi (%(start)s)")
                % {"day": _fr(day), "start": _fr(challenge.starts_on)}
            )
        if result.errors or registration is None or day is None or flow is None or kg is None:
            continue
        result.household_id = registration.household_id
        result.series = (registration.pk, day, flow, kg)
        result.instance = Weighing(registration=registration, weighed_on=day, flow=flow, kg=kg)
    valid = [r for r in report.rows if r.instance is not None]
    if not valid:
        return
    # The same weighing twice (two bags of 3 kg the same day) is legitimate:
    # rows are matched with saved ones occurrence by occurrence.
    registration_ids = {r.series[0] for r in valid}
    saved_keys: set[str] = set()
    saved_counts: Counter[tuple[Any, ...]] = Counter()
    for registration_id, day, flow, kg, key in Weighing.objects.filter(
        registration_id__in=registration_ids, superseded_by__isnull=True
    ).values_list("registration_id", "weighed_on", "flow", "kg", "client_key"):
        saved_counts[(registration_id, day, flow, kg)] += 1
        if key:
            saved_keys.add(key)
    occurrences: Counter[tuple[Any, ...]] = Counter()
    for result in valid:
        occurrences[result.series] += 1
        number = occurrences[result.series]
        registration_id, day, flow, kg = result.series
        result.key = _import_key(
            challenge, DataKind.WEIGHINGS, [registration_id, day.isoformat(), flow, kg, number]
        )
        assert isinstance(result.instance, Weighing)
        result.instance.client_key = result.key
        if result.key in saved_keys or number <= saved_counts[result.series]:
            result.status, result.instance = PRESENT, None


# --- Writing -----------------------------------------------------------------


@transaction.atomic
def data_import(
    *,
    challenge: Challenge,
    kind: DataKind | str,
    data: bytes,
    filename: str,
    user: User | None,
) -> ImportReport:
    """Validate again (the data may have changed since the dry run), then
    write every new row, or nothing: raises ImportRejected on any error."""
    # Serialise imports of the same challenge so that two concurrent imports
    # do not both pass validation.
    Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
    report = import_preview(challenge=challenge, kind=kind, data=data, filename=filename)
    now = timezone.now()

    def write(rows: list[RowResult]) -> None:
        for result in rows:
            assert result.instance is not None
            result.instance.entered_by = user
            result.instance.entered_at = now
        if report.kind == DataKind.READINGS:
            Reading.objects.bulk_create(
                [r.instance for r in rows if isinstance(r.instance, Reading)], batch_size=1000
            )
        else:
            Weighing.objects.bulk_create(
                [r.instance for r in rows if isinstance(r.instance, Weighing)], batch_size=1000
            )
        for meter_id, value in report.coefficients.items():
            Meter.objects.filter(pk=meter_id).update(gas_kwh_per_m3=value)

    tabular.write_all(report, write)
    household_ids = {r.household_id for r in report.new_rows if r.household_id is not None}
    household_ids |= set(
        Meter.objects.filter(pk__in=report.coefficients).values_list("household_id", flat=True)
    )
    if household_ids:
        _invalidate(household_ids)
    return report


def _invalidate(household_ids: set[int]) -> None:
    """METHODOLOGY contract: every write bumps the data version of every
    challenge the household takes part in, in the same transaction."""
    for household_id in sorted(household_ids):
        results_invalidate(household_id=household_id)


# --- Export ------------------------------------------------------------------


def data_export(*, challenge: Challenge, kind: DataKind | str) -> str:
    """The challenge's readings or weighings as CSV (« ; », decimal comma,
    dates JJ/MM/AAAA), with the import's columns: re-importing it changes
    nothing (the kit's writer neutralises a name starting with « = », the
    import reads it back)."""
    kind = DataKind(kind)
    households = _Households(challenge)
    if kind == DataKind.READINGS:
        return csv_text(READING_COLUMNS, _reading_rows(challenge, households))
    weighings = Weighing.objects.filter(
        registration_id__in=[r.pk for r in households.by_household.values()],
        superseded_by__isnull=True,
    ).order_by("registration__household__name", "registration_id", "weighed_on", "flow", "pk")
    by_pk = {r.pk: r for r in households.by_household.values()}
    return csv_text(
        WEIGHING_COLUMNS,
        (
            [
                households.export_name(by_pk[weighing.registration_id]),
                weighing.weighed_on,
                weighing.flow,
                _number_text(weighing.kg),
            ]
            for weighing in weighings
        ),
    )


def _reading_rows(challenge: Challenge, households: _Households) -> Iterator[list[Any]]:
    start = challenge.reference_period[0] - EXPORT_MARGIN
    end = challenge.period[1] + EXPORT_MARGIN
    readings = (
        Reading.objects.filter(
            meter__household_id__in=households.by_household,
            superseded_by__isnull=True,
            read_on__gte=start,
            read_on__lt=end,
        )
        .select_related("meter")
        .order_by(
            "meter__household__name",
            "meter__household_id",
            "meter__label",
            "register",
            "read_on",
            "pk",
        )
    )
    for reading in readings:
        registration = households.by_household[reading.meter.household_id]
        yield [
            households.export_name(registration),
            reading.meter.label,
            reading.register,
            reading.read_on,
            _number_text(reading.value),
            KIND_EXPORT.get(reading.kind, "releve"),
        ]
