"""Factories and helpers of the campaign weeks (shared by their tests)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from network.models import (
    ActionStatus,
    CampaignAction,
    CampaignActionDate,
    CampaignWeek,
)
from tests.factories import TerritoryFactory
from tests.network.factories import ActorFactory


def png(name: str = "photo.png") -> SimpleUploadedFile:
    """A real (tiny) PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 120, 80)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class CampaignWeekFactory(DjangoModelFactory):
    """An edition starting in 20 days, open to declarations for 10 more days."""

    class Meta:
        model = CampaignWeek

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Semaine européenne de réduction des déchets {2015 + n}")
    theme = "dechets"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=8))
    declaration_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=10)
    )
    staff_day_value = Decimal("200")


class CampaignActionFactory(DjangoModelFactory):
    class Meta:
        model = CampaignAction

    week = factory.SubFactory(CampaignWeekFactory)
    actor = factory.LazyAttribute(lambda o: ActorFactory(territory=o.week.territory))
    title = factory.Sequence(lambda n: f"Atelier réparation n° {n}")
    description = "Apportez un objet en panne, on le répare ensemble."
    place_name = "Salle des fêtes"
    expected_attendance = 30
    staff_days = Decimal("1.5")
    material_expenses = Decimal("120")
    status = ActionStatus.SUBMITTED


def add_dates(action: CampaignAction, *days: int, hour: int = 14) -> list[CampaignActionDate]:
    """Dates `days` after the week's first day, from `hour` to `hour` + 2."""
    rows = []
    for offset in days:
        day = action.week.starts_on + dt.timedelta(days=offset)
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        rows.append(
            CampaignActionDate.objects.create(
                action=action, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
            )
        )
    return rows


def action_with_dates(*days: int, **kwargs: Any) -> CampaignAction:
    action = CampaignActionFactory(**kwargs)
    add_dates(action, *(days or (0,)))
    return action
