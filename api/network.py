"""The actors' network: the public directory of a territory (listed members
only, no personal data) and, for its organisers (token or session), the
actors, their contacts and the contact log. Everything is scoped by the
territory in the path: an actor of another territory is a 404."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from api.auth import token_or_session
from api.pagination import Pages
from api.schemas import ErrorOut
from network import selectors, services
from network.identifiers import LocalCourt
from network.models import (
    OVERDUE_DAYS,
    Actor,
    ActorKind,
    Contact,
    ContactChannel,
    ContactLog,
    MembershipStatus,
)
from territories.models import Territory
from territories.permissions import check
from territories.themes import Theme

router = Router(tags=["Réseau d'acteurs"])

VIEW_TERRITORY = "territories.view_territory"
READ = "network.view_network"
MANAGE = "network.manage"


# --- schemas -------------------------------------------------------------------


class DirectoryFilters(Schema):
    kind: ActorKind | None = Field(None, description="Type d'acteur.")
    theme: Theme | None = Field(None, description="Thème.")
    commune: str = Field("", max_length=5, description="Code INSEE de la commune.")
    q: str = Field("", max_length=100, description="Nom (sans accents ni casse).")


class ActorFilters(DirectoryFilters):
    status: MembershipStatus | None = Field(None, description="Statut d'adhésion actuel.")
    overdue: bool = Field(False, description="Seulement les membres à recontacter.")
    days: int = Field(
        OVERDUE_DAYS, ge=1, le=selectors.MAX_DAYS, description="Délai sans contact, en jours."
    )


class Delay(Schema):
    days: int = Field(
        OVERDUE_DAYS, ge=1, le=selectors.MAX_DAYS, description="Délai sans contact, en jours."
    )


class DirectoryActorOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    commune: str | None = Field(None, description="Code INSEE.")
    commune_name: str | None
    latitude: Decimal | None = Field(None, description="Centre de la commune (jamais plus précis).")
    longitude: Decimal | None
    website: str
    description: str
    themes: list[str]
    tags: list[str]
    logo_url: str | None

    @staticmethod
    def resolve_kind_label(obj: Actor) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_commune(obj: Actor) -> str | None:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: Actor) -> str | None:
        return obj.commune.name if obj.commune else None

    @staticmethod
    def resolve_latitude(obj: Actor) -> Decimal | None:
        return obj.commune.latitude if obj.commune else None

    @staticmethod
    def resolve_longitude(obj: Actor) -> Decimal | None:
        return obj.commune.longitude if obj.commune else None

    @staticmethod
    def resolve_themes(obj: Actor) -> list[str]:
        return obj.theme_codes

    @staticmethod
    def resolve_tags(obj: Actor) -> list[str]:
        return obj.tag_labels

    @staticmethod
    def resolve_logo_url(obj: Actor) -> str | None:
        if not obj.logo:
            return None
        return reverse("network:actor_logo", args=[obj.territory.slug, obj.pk])


class ActorOut(DirectoryActorOut):
    address: str
    postal_code: str
    siret: str
    rna: str
    local_register_court: str
    local_register_volume: str
    local_register_folio: str
    listed: bool
    practice_sheet_url: str
    membership_status: str | None = Field(None, description="candidat, membre, refuse, parti.")
    member_since: dt.date | None
    last_contact_on: dt.date | None
    last_confirmed_at: dt.datetime | None
    created_at: dt.datetime


class ActorIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: ActorKind
    commune: str = Field(
        "", max_length=5, description="Code INSEE (un arrondissement devient sa ville)."
    )
    address: str = Field("", max_length=250)
    postal_code: str = Field("", max_length=5)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    siret: str = Field("", max_length=20)
    rna: str = Field("", max_length=14)
    local_register_court: LocalCourt | None = None
    local_register_volume: str = Field("", max_length=10)
    local_register_folio: str = Field("", max_length=10)
    listed: bool = False
    practice_sheet_url: str = Field("", max_length=200)
    themes: list[Theme] = []
    tags: list[str] = []


class ActorPatch(Schema):
    """Only the fields sent change."""

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: ActorKind | None = None
    commune: str | None = Field(None, max_length=5)
    address: str | None = Field(None, max_length=250)
    postal_code: str | None = Field(None, max_length=5)
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    siret: str | None = Field(None, max_length=20)
    rna: str | None = Field(None, max_length=14)
    local_register_court: LocalCourt | None = None
    local_register_volume: str | None = Field(None, max_length=10)
    local_register_folio: str | None = Field(None, max_length=10)
    listed: bool | None = None
    practice_sheet_url: str | None = Field(None, max_length=200)
    themes: list[Theme] | None = None
    tags: list[str] | None = None


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str
    keeps_entry: bool = Field(..., description="A accès à la fiche avec son compte Élan.")

    @staticmethod
    def resolve_keeps_entry(obj: Contact) -> bool:
        return obj.user_id is not None


class ContactIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=80)
    role: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class ContactLogOut(Schema):
    id: int
    happened_on: dt.date
    channel: str
    channel_label: str
    subject: str
    notes: str
    contact_id: int | None
    logged_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_channel_label(obj: ContactLog) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_logged_by(obj: ContactLog) -> str | None:
        return str(obj.logged_by) if obj.logged_by else None


class ContactLogIn(Schema):
    happened_on: dt.date
    channel: ContactChannel
    subject: str = Field(..., min_length=1, max_length=200)
    notes: str = Field("", max_length=5000)
    contact_id: int | None = None


class RefusalOut(Schema):
    message: str
    erreurs: list[dict[str, str]] = []


# --- helpers -------------------------------------------------------------------


def _territory(request: HttpRequest, slug: str, perm: str) -> Territory:
    territory = get_object_or_404(Territory.objects.select_related("region"), slug=slug)
    check(request, perm, territory, visible=VIEW_TERRITORY)
    return territory


def _actor(request: HttpRequest, slug: str, actor_id: int, perm: str) -> Actor:
    territory = _territory(request, slug, perm)
    return get_object_or_404(
        Actor.objects.filter(territory=territory)
        .with_membership()
        .with_last_contact()
        .select_related("territory", "commune")
        .prefetch_related("themes", "tags"),
        pk=actor_id,
    )


def _refusal(error: ValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        errors = [
            {"champ": name, "message": str(message)}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        return {"message": " ".join(e["message"] for e in errors), "erreurs": errors}
    return {"message": " ".join(str(m) for m in error.messages), "erreurs": []}


def _actor_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The service's data from the payload's fields: a commune by INSEE code."""
    data = {k: v for k, v in payload.items() if k in services.ACTOR_FIELDS}
    for name in ("kind", "local_register_court"):
        if name in data:
            data[name] = getattr(data[name], "value", data[name]) or ""
    if "commune" in data:
        code = (data["commune"] or "").strip()
        data["commune"] = services.commune_for_insee(code) if code else None
        if code and data["commune"] is None:
            raise ValidationError({"commune": "Aucune commune n'a ce code INSEE."})
    return data


def _themes(values: list[Any] | None) -> list[str] | None:
    return None if values is None else [getattr(v, "value", v) for v in values]


def _reloaded(actor: Actor) -> Actor:
    return (
        Actor.objects.with_membership()
        .with_last_contact()
        .select_related("territory", "commune")
        .prefetch_related("themes", "tags")
        .get(pk=actor.pk)
    )


def _filters(filters: DirectoryFilters) -> selectors.DirectoryFilters:
    return selectors.DirectoryFilters(
        kind=filters.kind.value if filters.kind else "",
        theme=filters.theme.value if filters.theme else "",
        commune=filters.commune.strip().upper(),
        q=filters.q.strip(),
        status=getattr(getattr(filters, "status", None), "value", "") or "",
        overdue=bool(getattr(filters, "overdue", False)),
    )


# --- public --------------------------------------------------------------------


@router.get(
    "/network/{territory}/directory",
    response=list[DirectoryActorOut],
    summary="Annuaire public des membres du réseau d'un territoire",
)
@paginate(Pages)
def network_directory(request: HttpRequest, territory: str, filters: Query[DirectoryFilters]):  # type: ignore[no-untyped-def]
    """Les membres qui ont accepté de figurer dans l'annuaire, sans aucune donnée
    personnelle ; positions au centre de la commune."""
    found = _territory(request, territory, "network.view_directory")
    return selectors.public_directory(found, _filters(filters))


# --- organisers ----------------------------------------------------------------


@router.get(
    "/network/{territory}/actors",
    response=list[ActorOut],
    auth=token_or_session,
    summary="Acteurs du territoire (animateur·rices, coordination régionale)",
)
@paginate(Pages)
def network_actor_list(request: HttpRequest, territory: str, filters: Query[ActorFilters]):  # type: ignore[no-untyped-def]
    found = _territory(request, territory, READ)
    return selectors.directory(
        found, _filters(filters), today=timezone.localdate(), days=filters.days
    )


@router.post(
    "/network/{territory}/actors",
    response={201: ActorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: RefusalOut},
    auth=token_or_session,
    summary="Ajouter un acteur (SIRET, RNA et registre vérifiés, doublons refusés)",
)
def network_actor_create(request: HttpRequest, territory: str, payload: ActorIn):  # type: ignore[no-untyped-def]
    found = _territory(request, territory, MANAGE)
    fields = payload.dict()
    try:
        actor = services.actor_create(
            territory=found,
            data=_actor_data(fields),
            themes=_themes(fields["themes"]) or [],
            tags=fields["tags"],
            user=request.auth,  # type: ignore[attr-defined]
        )
    except ValidationError as refusal:
        return Status(422, _refusal(refusal))
    return Status(201, _reloaded(actor))


@router.get(
    "/network/{territory}/actors/{actor_id}",
    response={200: ActorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    summary="Un acteur : fiche, adhésion, dernier contact",
)
def network_actor_detail(request: HttpRequest, territory: str, actor_id: int):  # type: ignore[no-untyped-def]
    return _actor(request, territory, actor_id, READ)


@router.patch(
    "/network/{territory}/actors/{actor_id}",
    response={200: ActorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: RefusalOut},
    auth=token_or_session,
    summary="Modifier la fiche d'un acteur (seuls les champs envoyés changent)",
)
def network_actor_update(  # type: ignore[no-untyped-def]
    request: HttpRequest, territory: str, actor_id: int, payload: ActorPatch
):
    actor = _actor(request, territory, actor_id, MANAGE)
    fields = payload.dict(exclude_unset=True)
    try:
        services.actor_update(
            actor=actor,
            data=_actor_data(fields),
            themes=_themes(fields.get("themes")),
            tags=fields.get("tags"),
            user=request.auth,  # type: ignore[attr-defined]
        )
    except ValidationError as refusal:
        return Status(422, _refusal(refusal))
    return _reloaded(actor)


@router.get(
    "/network/{territory}/actors/{actor_id}/contacts",
    response={200: list[ContactOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    summary="Contacts d'un acteur (animateur·rices)",
)
def network_contact_list(request: HttpRequest, territory: str, actor_id: int):  # type: ignore[no-untyped-def]
    actor = _actor(request, territory, actor_id, MANAGE)
    return list(actor.contacts.order_by("last_name", "first_name", "pk"))


@router.post(
    "/network/{territory}/actors/{actor_id}/contacts",
    response={201: ContactOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: RefusalOut},
    auth=token_or_session,
    summary="Ajouter un contact à un acteur (une adresse e-mail n'y figure qu'une fois)",
)
def network_contact_create(  # type: ignore[no-untyped-def]
    request: HttpRequest, territory: str, actor_id: int, payload: ContactIn
):
    actor = _actor(request, territory, actor_id, MANAGE)
    try:
        contact = services.contact_save(
            actor=actor,
            data=payload.dict(),
            user=request.auth,  # type: ignore[attr-defined]
        )
    except ValidationError as refusal:
        return Status(422, _refusal(refusal))
    return Status(201, contact)


@router.get(
    "/network/{territory}/actors/{actor_id}/contact-log",
    response=list[ContactLogOut],
    auth=token_or_session,
    summary="Journal des échanges avec un acteur, du plus récent au plus ancien",
)
@paginate(Pages)
def network_contact_log(request: HttpRequest, territory: str, actor_id: int):  # type: ignore[no-untyped-def]
    actor = _actor(request, territory, actor_id, MANAGE)
    return actor.contact_logs.select_related("logged_by").order_by("-happened_on", "-pk")


@router.post(
    "/network/{territory}/actors/{actor_id}/contact-log",
    response={201: ContactLogOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: RefusalOut},
    auth=token_or_session,
    summary="Noter un échange (un envoi répété dans les 10 minutes ne compte qu'une fois)",
)
def network_contact_log_add(  # type: ignore[no-untyped-def]
    request: HttpRequest, territory: str, actor_id: int, payload: ContactLogIn
):
    actor = _actor(request, territory, actor_id, MANAGE)
    contact = None
    if payload.contact_id is not None:
        contact = actor.contacts.filter(pk=payload.contact_id).first()
        if contact is None:
            return Status(
                422,
                {
                    "message": "Cette personne n'est pas un contact de cet acteur.",
                    "erreurs": [{"champ": "contact_id", "message": "Contact inconnu."}],
                },
            )
    try:
        entry = services.contact_log_add(
            actor=actor,
            happened_on=payload.happened_on,
            channel=payload.channel.value,
            subject=payload.subject,
            notes=payload.notes,
            contact=contact,
            user=request.auth,  # type: ignore[attr-defined]
        )
    except ValidationError as refusal:
        return Status(422, _refusal(refusal))
    return Status(201, entry)


@router.get(
    "/network/{territory}/overdue",
    response=list[ActorOut],
    auth=token_or_session,
    summary="Membres sans contact depuis plus de N jours (90 par défaut)",
)
@paginate(Pages)
def network_overdue(request: HttpRequest, territory: str, delay: Query[Delay]):  # type: ignore[no-untyped-def]
    found = _territory(request, territory, READ)
    return selectors.overdue(found, today=timezone.localdate(), days=delay.days)
