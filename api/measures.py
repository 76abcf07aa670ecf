"""Entering data through the API: a reading, a weighing. Idempotent with a
client-supplied key: the same key again returns the row already saved (200)."""

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
from measures.models import Meter

router = Router(tags=["Saisie"])

ClientKey = Field(..., min_length=8, max_length=60, description="Clé choisie par le client.")


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
    reading = added.reading
    body = {
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
    return Status(201 if added.created else 200, body)


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
