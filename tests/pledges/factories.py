"""Factories of pledge campaigns (shared by its tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from pledges.models import Campaign, CampaignStatus, Commitment, CommitmentStatus, Operation
from tests.factories import PartnerFactory, TerritoryFactory


class OperationFactory(DjangoModelFactory):
    class Meta:
        model = Operation

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Semaine de la mobilité n° {n}")
    slug = factory.Sequence(lambda n: f"operation-{n}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"À vélo pour Solicycle n° {n}")
    slug = factory.Sequence(lambda n: f"campagne-{n}")
    action = "Se déplacer à vélo au moins une fois par semaine"
    participants_goal = 200
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    sponsor = factory.SubFactory(
        PartnerFactory, territory=factory.SelfAttribute("..territory"), name="Mairie de Crest"
    )
    counterpart = "La Mairie donne 5 000 € à l'association Solicycle."
    beneficiary = "Solicycle"
    status = CampaignStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    campaign = factory.SubFactory(CampaignFactory)
    first_name = factory.Sequence(lambda n: f"Camille {n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    consent = True
    status = CommitmentStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class ActivityReportFactory(DjangoModelFactory):
    """A report of a bike ride (does not move the campaign's counter: the
    service does; tests that need the counter set it)."""

    class Meta:
        model = "pledges.ActivityReport"

    commitment = factory.SubFactory(CommitmentFactory)
    date = factory.LazyFunction(timezone.localdate)
    mode = "velo"
    km = Decimal("10")


class FieldProposalFactory(DjangoModelFactory):
    class Meta:
        model = "pledges.FieldProposal"

    campaign = factory.SubFactory(CampaignFactory)
    outcome = "refus"
