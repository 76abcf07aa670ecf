"""Reciprocal pledge campaigns: public lists and details with live counts,
committing (double opt-in by e-mail, the same rate limit as the form), and
activity reports with the participant's personal token.

Activity reports authenticate with the token of the personal link received by
e-mail, in the `Authorization: Bearer <jeton>` header (the last segment of
`/engagement/<jeton>/activites/`); organisers' API tokens do not apply here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import HttpBearer

from accounts.forms import CommuneField
from api.pagination import Pages
from api.schemas import ErrorOut
from pledges import activities, services
from pledges.models import Campaign, Commitment

# The form's rate limit, shared (same cache keys) so that the API is no way around it.
from pledges.views.commit import commit_counted, commit_limited
from territories.permissions import check

router = Router(tags=["Engagements réciproques"])

VIEW = "pledges.view_campaign"
# Annotations of a paginated view are resolved in ninja's namespace: plain types only.
STATUS_FILTERS = ("ouverte", "atteinte", "tenue", "expiree")
Mode = Literal["velo", "marche", "covoiturage", "transport_commun", "trottinette", "autre"]


class CampaignOut(Schema):
    territory: str
    slug: str
    title: str
    action: str
    status: str
    status_label: str
    audience: str
    participants_count: int
    participants_goal: int
    progress: float
    quantity_total: Decimal
    quantity_goal: Decimal | None
    quantity_unit: str
    deadline: dt.datetime
    sponsor: str
    url: str

    @staticmethod
    def resolve_territory(obj: Campaign) -> str:
        return obj.territory.slug

    @staticmethod
    def resolve_status_label(obj: Campaign) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_sponsor(obj: Campaign) -> str:
        return obj.sponsor.name

    @staticmethod
    def resolve_url(obj: Campaign) -> str:
        return reverse("pledges:detail", args=[obj.territory.slug, obj.slug])


class CampaignDetailOut(CampaignOut):
    description: str
    counterpart: str
    beneficiary: str
    beneficiary_url: str
    operation: str | None
    accepts_commitments: bool
    reports_activities: bool
    activity_modes: list[str]
    published_at: dt.datetime | None
    reached_at: dt.datetime | None
    fulfilled_at: dt.datetime | None
    expired_at: dt.datetime | None
    fulfilment_text: str

    @staticmethod
    def resolve_operation(obj: Campaign) -> str | None:
        return obj.operation.title if obj.operation else None

    @staticmethod
    def resolve_accepts_commitments(obj: Campaign) -> bool:
        return obj.accepts_commitments()

    @staticmethod
    def resolve_activity_modes(obj: Campaign) -> list[str]:
        return [mode for mode, _label in activities.campaign_modes(obj)]


def _visible() -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible()
        .filter(territory__is_published=True)
        .select_related("territory", "sponsor")
        .order_by("-published_at", "pk")
    )


@router.get("/campaigns", response=list[CampaignOut], summary="Campagnes d'engagement publiées")
@paginate(Pages)
def campaign_list(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    territory: Query[str] = "",
    status: Query[str] = "",
):
    """Les campagnes annoncées des territoires publiés, avec leurs compteurs en direct ;
    `territory` filtre par adresse courte du territoire, `status` par état (`ouverte`,
    `atteinte`, `tenue`, `expiree`). 50 par page."""
    campaigns = _visible()
    if territory:
        campaigns = campaigns.filter(territory__slug=territory[:80])
    if status:
        if status not in STATUS_FILTERS:
            raise HttpError(422, f"État inconnu : choisissez parmi {', '.join(STATUS_FILTERS)}.")
        campaigns = campaigns.filter(status=status)
    return campaigns


def _campaign(request: HttpRequest, territory: str, slug: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("territory", "sponsor", "operation"),
        territory__slug=territory,
        slug=slug,
    )
    check(request, VIEW, campaign, visible=VIEW)
    return campaign


@router.get(
    "/campaigns/{territory}/{slug}",
    response={200: CampaignDetailOut, 404: ErrorOut},
    summary="Une campagne : compteurs, progression, date limite, parrain, contrepartie, état",
)
def campaign_detail(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    return _campaign(request, territory, slug)


class CommitmentIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=60)
    email: str = Field(..., max_length=254)
    commune: str = Field(
        "", max_length=120, description="Code INSEE, code postal ou « Nom (code postal) »."
    )
    consent: bool
    site: str = Field("", max_length=80)
    invite_code: str = Field("", max_length=12)


class RefusalOut(Schema):
    message: str
    erreurs: list[dict[str, str]] = []


def _refusal_body(error: ValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        errors = [
            {"champ": name, "message": str(message)}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        return {"message": " ".join(e["message"] for e in errors), "erreurs": errors}
    return {"message": " ".join(str(m) for m in error.messages), "erreurs": []}


def _commitment_fields(payload: CommitmentIn) -> dict[str, Any]:
    """Validate the e-mail and find the commune as the form does (ValidationError)."""
    try:
        validate_email(payload.email)
    except ValidationError as error:
        raise ValidationError({"email": "Cette adresse e-mail n'est pas valable."}) from error
    try:
        commune = CommuneField(required=False).clean(payload.commune)
    except forms.ValidationError as error:
        raise ValidationError({"commune": error.messages}) from error
    return {
        "first_name": payload.first_name,
        "email": payload.email,
        "commune": commune,
        "consent": payload.consent,
        "site": payload.site,
        "invite_code": payload.invite_code,
    }


@router.post(
    "/campaigns/{territory}/{slug}/commitments",
    response={202: ErrorOut, 404: ErrorOut, 409: RefusalOut, 422: RefusalOut, 429: ErrorOut},
    summary="S'engager (sans compte) : un e-mail de confirmation est envoyé",
)
def campaign_commit(  # type: ignore[no-untyped-def]
    request: HttpRequest, territory: str, slug: str, payload: CommitmentIn
):
    """L'engagement compte une fois l'adresse confirmée par le lien reçu (valable 7 jours).
    Mêmes limites que le formulaire : 5 engagements par adresse IP en 10 minutes,
    3 par adresse e-mail et par jour (429 au-delà). 422 : champ refusé ; 409 : campagne
    close, réservée ou engagement déjà confirmé."""
    campaign = _campaign(request, territory, slug)
    check(request, "pledges.commit", campaign, visible=VIEW)
    if commit_limited(request, payload.email):
        return Status(429, {"message": "Trop d'engagements envoyés : réessayez plus tard."})
    try:
        services.commitment_create(campaign=campaign, **_commitment_fields(payload))
    except services.CommitmentRefused as refusal:
        status = 422 if hasattr(refusal, "error_dict") else 409
        return Status(status, _refusal_body(refusal))
    except ValidationError as invalid:
        return Status(422, _refusal_body(invalid))
    commit_counted(request, payload.email)
    return Status(
        202,
        {
            "message": f"Un e-mail de confirmation a été envoyé à {payload.email.strip().lower()} : "
            "l'engagement comptera une fois l'adresse confirmée."
        },
    )


class ReportTokenAuth(HttpBearer):
    """`Authorization: Bearer <jeton>`: the token of the participant's personal link."""

    def authenticate(self, request: HttpRequest, token: str) -> Commitment | None:
        return Commitment.objects.select_related("campaign").filter(report_token=token[:40]).first()


class ActivityIn(Schema):
    date: dt.date
    mode: Mode
    km: Decimal | None = Field(None, max_digits=7, decimal_places=1)
    count: int | None = Field(
        None, description="Nombre de trajets (campagnes comptées en trajets)."
    )
    client_key: uuid.UUID = Field(
        ..., description="Clé choisie par le client (UUID) : un envoi répété ne compte qu'une fois."
    )
    confirm: bool = Field(
        False,
        description="Confirme une valeur inhabituelle (ex. plus de 300 km à vélo en un jour).",
    )


class ActivityOut(Schema):
    id: int
    date: dt.date
    mode: str
    km: Decimal | None
    count: int | None
    client_key: uuid.UUID | None
    campaign_total: Decimal


class ActivityRefusalOut(RefusalOut):
    question: str | None = None


@router.post(
    "/activities",
    response={
        200: ActivityOut,
        201: ActivityOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ActivityRefusalOut,
    },
    auth=ReportTokenAuth(),
    summary="Déclarer une activité (jeton du lien personnel)",
)
def activity_create(request: HttpRequest, payload: ActivityIn):  # type: ignore[no-untyped-def]
    """201 : déclaration enregistrée ; 200 : la même `client_key` déjà reçue (comptée une
    fois) ; 422 : refusée, ou valeur inhabituelle à confirmer (`question`, renvoyer avec
    `confirm: true`) ; 403 : campagne sans déclaration, engagement non confirmé ou
    déclarations closes."""
    commitment: Commitment = request.auth  # type: ignore[attr-defined]
    refusal = activities.reporting_refusal(commitment)
    if refusal:
        return Status(403, {"message": refusal})
    try:
        report, created = activities.activity_report_create(
            commitment=commitment,
            day=payload.date,
            mode=payload.mode,
            km=payload.km,
            count=payload.count,
            client_key=payload.client_key,
            confirmed=payload.confirm,
        )
    except activities.ActivityRefused as error:
        question = error.messages[0] if activities.needs_confirmation(error) else None
        return Status(422, {**_refusal_body(error), "question": question})
    total = Campaign.objects.values_list("quantity_total", flat=True).get(pk=commitment.campaign_id)
    body = {
        "id": report.pk,
        "date": report.date,
        "mode": report.mode,
        "km": report.km,
        "count": report.count,
        "client_key": report.client_key,
        "campaign_total": total,
    }
    return Status(201 if created else 200, body)
