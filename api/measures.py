"""Entering data through the API: my household's meters, a reading, a
weighing. Readings and weighings are idempotent with a client-supplied key:
the same key again returns the row already saved (200)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from api.auth import token_or_session
from api.schemas import ErrorOut
from challenges.models import Registration, RegistrationStatus
from measures import services
from measures.forms import MeterForm
from measures.models import Meter

router = Router(tags=["Saisie"])

ClientKey = Field(..., min_length=8, max_length=60, description="Clé choisie par le client.")


# --- Meters ------------------------------------------------------------------------

# Numbers may come as JSON numbers or as French text ("11,05"): the meter form
# reads them, so that every refusal is the one the household sees on the page.
Number = Decimal | str

COEFFICIENT_DESCRIPTION = (
    "Gaz en m³ : le coefficient de conversion de la facture (kWh PCS par m³, souvent entre "
    "10,5 et 11,5). Vide : la valeur par défaut de la table des facteurs (11,2). Hors de "
    "9 à 13 kWh/m³, il faut `confirm_unusual_coefficient`."
)


class MeterOut(Schema):
    id: int
    label: str
    carrier: str
    unit: str
    heating_share: Decimal
    has_offpeak: bool
    is_active: bool
    gas_kwh_per_m3: Decimal | None = Field(None, description=COEFFICIENT_DESCRIPTION)


class MeterIn(Schema):
    carrier: str = Field(..., description="electricite, gaz, fioul, bois_buches, granules…")
    label: str
    unit: str = Field("", description="Vide : l'unité habituelle de l'énergie.")
    heating_share: Number | None = None
    has_offpeak: bool = False
    gas_kwh_per_m3: Number | None = Field(None, description=COEFFICIENT_DESCRIPTION)
    confirm_unusual_coefficient: bool = False


class MeterPatch(Schema):
    """Only the fields sent change."""

    carrier: str | None = None
    label: str | None = None
    unit: str | None = None
    heating_share: Number | None = None
    has_offpeak: bool | None = None
    is_active: bool | None = None
    gas_kwh_per_m3: Number | None = Field(None, description=COEFFICIENT_DESCRIPTION)
    confirm_unusual_coefficient: bool = False


class FieldErrorOut(Schema):
    champ: str
    message: str


class MeterErrorOut(Schema):
    message: str
    erreurs: list[FieldErrorOut] = []


CONFIRM_HINT = (
    " Pour l'enregistrer quand même, renvoyez la requête avec "
    "« confirm_unusual_coefficient » à true."
)
METER_RESPONSES = {400: MeterErrorOut, 401: ErrorOut, 404: ErrorOut}


def _form_data(values: dict[str, Any]) -> dict[str, str]:
    """The API's values as the meter form reads a POST."""
    data = {}
    for name in ("carrier", "label", "unit", "heating_share", "gas_kwh_per_m3"):
        value = values.get(name)
        data[name] = "" if value is None else str(value)
    for name, field in (
        ("has_offpeak", "has_offpeak"),
        ("is_active", "is_active"),
        ("confirm_unusual_coefficient", "confirm_coefficient"),
    ):
        if values.get(name):
            data[field] = "on"
    return data


def _refusal(form: MeterForm) -> Status:
    errors = [
        {"champ": "non_field_errors" if name == "__all__" else name, "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    message = errors[0]["message"] if errors else "Requête invalide."
    if form.asks_confirmation and not form.data.get("confirm_coefficient"):
        message += CONFIRM_HINT
    return Status(400, {"message": message, "erreurs": errors})


def _meter_error(error: services.MeterError) -> Status:
    message = str(error) + (CONFIRM_HINT if isinstance(error, services.UnusualCoefficient) else "")
    field = [{"champ": error.field, "message": str(error)}] if error.field else []
    return Status(400, {"message": message, "erreurs": field})


@router.get(
    "/meters",
    response={200: list[MeterOut], 401: ErrorOut},
    auth=token_or_session,
    summary="Les compteurs de mon foyer",
)
def meter_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Meter.objects.filter(household_id=_household_id(request)).order_by("pk")


@router.post(
    "/meters",
    response={201: MeterOut, **METER_RESPONSES},
    auth=token_or_session,
    summary="Déclarer un compteur de mon foyer",
)
def meter_create(request: HttpRequest, payload: MeterIn):  # type: ignore[no-untyped-def]
    """Refusé (400, message en français) : énergie ou unité inconnue, coefficient de gaz nul
    ou négatif, ou hors de 9 à 13 kWh/m³ sans `confirm_unusual_coefficient`."""
    household = request.auth.household  # type: ignore[attr-defined]
    if household is None:
        return Status(
            400, {"message": "Décrivez d'abord votre foyer : ses compteurs y seront rattachés."}
        )
    form = MeterForm(_form_data(payload.model_dump()), household=household)
    if not form.is_valid():
        return _refusal(form)
    try:
        meter = services.meter_create(household=household, **form.values())
    except services.MeterError as error:
        return _meter_error(error)
    return Status(201, meter)


@router.patch(
    "/meters/{meter_id}",
    response={200: MeterOut, **METER_RESPONSES},
    auth=token_or_session,
    summary="Modifier un compteur de mon foyer",
)
def meter_update(request: HttpRequest, meter_id: int, payload: MeterPatch):  # type: ignore[no-untyped-def]
    """Seuls les champs envoyés changent ; `gas_kwh_per_m3` à null efface le coefficient
    (la valeur par défaut s'applique alors). Mêmes refus que la création."""
    meter = get_object_or_404(
        Meter.objects.select_related("household"),
        pk=meter_id,
        household_id=_household_id(request),
    )
    current = {
        "carrier": meter.carrier,
        "label": meter.label,
        "unit": meter.unit,
        "heating_share": meter.heating_share,
        "has_offpeak": meter.has_offpeak,
        "is_active": meter.is_active,
        "gas_kwh_per_m3": meter.gas_kwh_per_m3,
    }
    values = {**current, **payload.model_dump(exclude_unset=True)}
    form = MeterForm(_form_data(values), instance=meter, household=meter.household)
    if not form.is_valid():
        return _refusal(form)
    try:
        services.meter_update(meter=meter, **form.values())
    except services.MeterError as error:
        return _meter_error(error)
    return Status(200, meter)


class ReadingIn(Schema):
    meter_id: int
    # "register" would shadow an attribute of Schema: the alias keeps the public name.
    register_code: Literal["base", "hp", "hc"] = Field("base", alias="register")
    read_on: dt.date
    value: Decimal = Field(..., ge=0, max_digits=12, decimal_places=3)
    kind: Literal["normal", "remplacement", "tour"] = "normal"
    client_key: str = ClientKey
    confirm_unusual: bool = False


class ReadingOut(Schema):
    id: int
    meter_id: int
    register_code: str = Field(..., alias="register")
    read_on: dt.date
    value: Decimal
    kind: str
    client_key: str | None
    confirmed_unusual: bool
    consumption: Decimal | None = None


class WeighingIn(Schema):
    registration_id: int
    weighed_on: dt.date
    flow: Literal["omr", "emballages", "verre", "papier", "biodechets"]
    kg: Decimal = Field(..., ge=0, le=500, max_digits=7, decimal_places=2)
    client_key: str = ClientKey


class WeighingOut(Schema):
    id: int
    registration_id: int
    weighed_on: dt.date
    flow: str
    kg: Decimal
    client_key: str | None


def _household_id(request: HttpRequest) -> int:
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    return user.household_id or -1


@router.post(
    "/readings",
    response={200: ReadingOut, 201: ReadingOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    by_alias=True,
    summary="Saisir un relevé de compteur de mon foyer",
)
def reading_create(request: HttpRequest, payload: ReadingIn):  # type: ignore[no-untyped-def]
    """Refusé (400) : index plus petit que le précédent (sauf `remplacement` ou `tour`),
    date future, valeur inhabituelle non confirmée (`confirm_unusual`)."""
    meter = get_object_or_404(Meter, pk=payload.meter_id, household_id=_household_id(request))
    try:
        added = services.reading_add(
            meter=meter,
            register=payload.register_code,
            read_on=payload.read_on,
            value=payload.value,
            kind=payload.kind,
            user=request.auth,  # type: ignore[attr-defined]
            client_key=payload.client_key,
            confirm_unusual=payload.confirm_unusual,
        )
    except services.ReadingError as error:
        return Status(400, {"message": str(error)})
    return Status(201 if added.created else 200, _reading_body(added))


class ReadingsBatchIn(Schema):
    readings: list[ReadingIn] = Field(
        ...,
        min_length=1,
        max_length=services.READINGS_BATCH_MAX,
        description=f"De 1 à {services.READINGS_BATCH_MAX} relevés, traités dans l'ordre.",
    )


class ReadingResultOut(Schema):
    index: int = Field(..., description="La place du relevé dans la liste envoyée, à partir de 0.")
    status: Literal[200, 201, 400, 404] = Field(
        ...,
        description="201 enregistré, 200 déjà enregistré avec cette clé, 400 refusé, "
        "404 compteur inconnu de votre foyer.",
    )
    message: str | None = None
    reading: ReadingOut | None = None


class ReadingsBatchOut(Schema):
    created: int
    already: int
    refused: int
    results: list[ReadingResultOut]


def _reading_body(added: services.AddedReading) -> dict[str, Any]:
    reading = added.reading
    return {
        "id": reading.pk,
        "meter_id": reading.meter_id,
        "register": reading.register,
        "read_on": reading.read_on,
        "value": reading.value,
        "kind": reading.kind,
        "client_key": reading.client_key,
        "confirmed_unusual": reading.confirmed_unusual,
        "consumption": added.consumption,
    }


@router.post(
    "/readings/batch",
    response={200: ReadingsBatchOut, 400: ErrorOut, 401: ErrorOut},
    auth=token_or_session,
    by_alias=True,
    summary="Saisir plusieurs relevés de mon foyer en une fois",
)
def readings_batch(request: HttpRequest, payload: ReadingsBatchIn):  # type: ignore[no-untyped-def]
    """Pour une application qui envoie les relevés pris hors connexion, ou un mois de relevés.
    Chaque relevé est accepté ou refusé seul, selon les règles de `POST /readings`, dans
    l'ordre de la liste : un relevé refusé ne fait perdre aucun des autres. La réponse donne
    le sort de chacun (`results`, dans l'ordre envoyé) ; renvoyer le lot avec les mêmes clés
    ne crée rien de plus."""
    items = [
        services.NewReading(
            meter_id=r.meter_id,
            register=r.register_code,
            read_on=r.read_on,
            value=r.value,
            kind=r.kind,
            client_key=r.client_key,
            confirm_unusual=r.confirm_unusual,
        )
        for r in payload.readings
    ]
    outcomes = services.readings_add_batch(
        household_id=_household_id(request),
        items=items,
        user=request.auth,  # type: ignore[attr-defined]
    )
    results = [
        {
            "index": index,
            "status": outcome.status,
            "message": outcome.message or None,
            "reading": _reading_body(outcome.added) if outcome.added else None,
        }
        for index, outcome in enumerate(outcomes)
    ]
    return {
        "created": sum(1 for o in outcomes if o.status == 201),
        "already": sum(1 for o in outcomes if o.status == 200),
        "refused": sum(1 for o in outcomes if o.status >= 400),
        "results": results,
    }


@router.post(
    "/weighings",
    response={
        200: WeighingOut,
        201: WeighingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    auth=token_or_session,
    summary="Saisir une pesée de déchets de mon foyer",
)
def weighing_create(request: HttpRequest, payload: WeighingIn):  # type: ignore[no-untyped-def]
    """Une pesée par flux ; 0 kg est permis. La même clé renvoie la pesée déjà enregistrée."""
    registration = get_object_or_404(
        Registration.objects.select_related("challenge"),
        pk=payload.registration_id,
        household_id=_household_id(request),
    )
    if registration.status != RegistrationStatus.SELECTED:
        return Status(
            403, {"message": "Seuls les foyers retenus pour le défi saisissent leurs données."}
        )
    try:
        weighing, created = services.weighing_add(
            registration=registration,
            weighed_on=payload.weighed_on,
            flow=payload.flow,
            kg=payload.kg,
            user=request.auth,  # type: ignore[attr-defined]
            client_key=payload.client_key,
        )
    except services.WeighingError as error:
        return Status(400, {"message": str(error)})
    return Status(201 if created else 200, weighing)
