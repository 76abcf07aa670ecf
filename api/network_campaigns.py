"""Campaign weeks of the actors' network, public: a territory's editions and
the accepted actions of one (no personal data: who declared an action, the
moderation and the expenses stay with the organisers). A week of another
territory is a 404."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from api.pagination import Pages
from network import campaigns
from network.models import ActionStatus, CampaignAction, CampaignActionPhoto, CampaignWeek
from territories.models import Territory
from territories.permissions import check

router = Router(tags=["Réseau d'acteurs"])

VIEW_TERRITORY = "territories.view_territory"
PUBLIC = "network.view_directory"
ACCEPTED = Q(actions__status=ActionStatus.ACCEPTED)


class CampaignWeekOut(Schema):
    id: int
    title: str
    theme: str
    theme_label: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    declaration_deadline: dt.date
    accepted_actions: int = Field(..., description="Actions acceptées, chacune une fois.")
    accepted_dates: int = Field(..., description="Dates des actions acceptées.")

    @staticmethod
    def resolve_theme_label(obj: CampaignWeek) -> str:
        return str(obj.get_theme_display()) if obj.theme else ""


class NamedActorOut(Schema):
    id: int
    name: str


class ActionDateOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    event_id: int | None = Field(None, description="L'événement de l'agenda du territoire.")


class ActionPhotoOut(Schema):
    url: str
    alt_text: str

    @staticmethod
    def resolve_url(obj: CampaignActionPhoto) -> str:
        action = obj.action
        return reverse(
            "network:campaign_action_photo",
            args=[action.week.territory.slug, action.week_id, action.pk, obj.pk],
        )


class CampaignActionOut(Schema):
    id: int
    title: str
    description: str
    actor: NamedActorOut
    partners: list[NamedActorOut]
    other_partners: str
    place_name: str
    address: str
    commune: str | None = Field(None, description="Code INSEE.")
    commune_name: str | None
    latitude: Decimal | None = Field(None, description="Le lieu, sinon le centre de la commune.")
    longitude: Decimal | None
    audience: str
    audience_label: str
    expected_attendance: int
    dates: list[ActionDateOut]
    photos: list[ActionPhotoOut]

    @staticmethod
    def resolve_partners(obj: CampaignAction) -> list[NamedActorOut]:
        return [NamedActorOut(id=p.pk, name=p.name) for p in obj.partners.all()]

    @staticmethod
    def resolve_commune(obj: CampaignAction) -> str | None:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: CampaignAction) -> str | None:
        return obj.commune.name if obj.commune else None

    @staticmethod
    def resolve_latitude(obj: CampaignAction) -> Decimal | None:
        if obj.latitude is not None:
            return obj.latitude
        return obj.commune.latitude if obj.commune else None

    @staticmethod
    def resolve_longitude(obj: CampaignAction) -> Decimal | None:
        if obj.longitude is not None:
            return obj.longitude
        return obj.commune.longitude if obj.commune else None

    @staticmethod
    def resolve_audience_label(obj: CampaignAction) -> str:
        return str(obj.get_audience_display())

    @staticmethod
    def resolve_dates(obj: CampaignAction) -> list[ActionDateOut]:
        return [
            ActionDateOut(starts_at=d.starts_at, ends_at=d.ends_at, event_id=d.event_id)
            for d in obj.dates.all()
        ]

    @staticmethod
    def resolve_photos(obj: CampaignAction) -> list[CampaignActionPhoto]:
        return list(obj.photos.all())


def _territory(request: HttpRequest, slug: str) -> Territory:
    territory = get_object_or_404(Territory.objects.select_related("region"), slug=slug)
    check(request, PUBLIC, territory, visible=VIEW_TERRITORY)
    return territory


@router.get(
    "/network/{territory}/campaign-weeks",
    response=list[CampaignWeekOut],
    summary="Semaines thématiques du réseau d'un territoire",
)
@paginate(Pages)
def network_campaign_week_list(request: HttpRequest, territory: str):  # type: ignore[no-untyped-def]
    """Les éditions, de la plus récente à la plus ancienne, avec le nombre de
    leurs actions acceptées (une action tenue à plusieurs dates compte une
    fois parmi les actions, une fois par date parmi les dates)."""
    found = _territory(request, territory)
    return (
        CampaignWeek.objects.filter(territory=found)
        .annotate(
            accepted_actions=Count("actions", filter=ACCEPTED, distinct=True),
            accepted_dates=Count("actions__dates", filter=ACCEPTED),
        )
        .order_by("-starts_on", "-pk")
    )


@router.get(
    "/network/{territory}/campaign-weeks/{week_id}/actions",
    response=list[CampaignActionOut],
    summary="Actions acceptées d'une semaine thématique",
)
@paginate(Pages)
def network_campaign_action_list(request: HttpRequest, territory: str, week_id: int):  # type: ignore[no-untyped-def]
    """Les actions acceptées, sans donnée personnelle : l'acteur qui organise,
    ses partenaires, le lieu, les dates (et l'événement de l'agenda de
    chacune) et les photos avec leur description."""
    found = _territory(request, territory)
    week = get_object_or_404(
        CampaignWeek.objects.select_related("territory"), territory=found, pk=week_id
    )
    return campaigns.accepted_actions(week)
