"""Factories of events (shared by its tests)."""

from __future__ import annotations

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import (
    Event,
    EventKind,
    EventPhoto,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from territories.themes import Theme
from tests.factories import TerritoryFactory, UserFactory


class WorkshopTemplateFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopTemplate

    theme = Theme.WASTE
    title = factory.Sequence(lambda n: f"Atelier compostage n° {n}")
    summary = "Apprendre à composter chez soi."
    duration_minutes = 120
    default_capacity = 15


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    territory = factory.SubFactory(TerritoryFactory)
    kind = EventKind.WORKSHOP
    theme = Theme.WASTE
    title = factory.Sequence(lambda n: f"Atelier n° {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    place_name = "Salle des fêtes"
    status = EventStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class EventRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    """A small real PNG (forms check that an upload is an image)."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (31, 111, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


class EventPhotoFactory(DjangoModelFactory):
    class Meta:
        model = EventPhoto

    event = factory.SubFactory(
        EventFactory,
        starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
    )
    image = factory.LazyFunction(
        lambda: SimpleUploadedFile("atelier.png", png_bytes(), content_type="image/png")
    )
    alt_text = "Des participants autour du composteur"
