"""Factories of the actors' network (shared by its tests)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from network.identifiers import normalise_actor_name
from network.models import (
    Actor,
    ActorKind,
    ActorTheme,
    Charter,
    Contact,
    ContactChannel,
    ContactLog,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from tests.factories import TerritoryFactory


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Association des jardins n° {n}")
    normalised_name = factory.LazyAttribute(lambda o: normalise_actor_name(o.name))
    kind = ActorKind.ASSOCIATION
    description = "Des jardins partagés et un composteur de quartier."
    website = "https://jardins.example.org"


class ActorThemeFactory(DjangoModelFactory):
    class Meta:
        model = ActorTheme

    actor = factory.SubFactory(ActorFactory)
    theme = "dechets"


class MembershipFactory(DjangoModelFactory):
    """A member since 30 days ago."""

    class Meta:
        model = Membership

    actor = factory.SubFactory(ActorFactory)
    status = MembershipStatus.MEMBER
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    actor = factory.SubFactory(ActorFactory)
    first_name = "Lou"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    role = "Présidente"
    email = factory.Sequence(lambda n: f"contact{n}@asso.example.org")
    phone = "04 75 00 00 00"


class ContactLogFactory(DjangoModelFactory):
    class Meta:
        model = ContactLog

    actor = factory.SubFactory(ActorFactory)
    happened_on = factory.LazyFunction(timezone.localdate)
    channel = ContactChannel.PHONE
    subject = "Appel de suivi"


class CharterFactory(DjangoModelFactory):
    class Meta:
        model = Charter

    territory = factory.SubFactory(TerritoryFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Charte du réseau"
    body = "Nous diffusons la lettre du réseau et organisons des actions."
    published_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400))


class JoinRequestFactory(DjangoModelFactory):
    """A request confirmed by e-mail, waiting for the organisers."""

    class Meta:
        model = JoinRequest

    territory = factory.SubFactory(TerritoryFactory)
    status = JoinRequestStatus.PENDING
    name = factory.Sequence(lambda n: f"Repair café n° {n}")
    kind = ActorKind.ASSOCIATION
    first_name = "Inès"
    last_name = "Vial"
    email = factory.Sequence(lambda n: f"demande{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)


def member_actor(territory, *, days_since_contact: int | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """A member actor of `territory` who joined 400 days ago, last contacted
    `days_since_contact` days ago (never when None)."""
    actor = ActorFactory(territory=territory, **kwargs)
    MembershipFactory(actor=actor, joined_on=timezone.localdate() - dt.timedelta(days=400))
    if days_since_contact is not None:
        ContactLogFactory(
            actor=actor,
            happened_on=timezone.localdate() - dt.timedelta(days=days_since_contact),
        )
    return actor
