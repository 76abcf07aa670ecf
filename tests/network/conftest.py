from __future__ import annotations

import pytest

from territories.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.network.factories import ActorFactory, ContactFactory


@pytest.fixture
def actor(territory):
    """An association of the territory, in Crest."""
    return ActorFactory(
        territory=territory, name="Repair café de Crest", commune=territory.communes.get()
    )


@pytest.fixture
def actor_contact(db, territory, actor):
    """A user with the actor-contact role, linked to one of `actor`'s contacts."""
    user = UserFactory(email="contact@repaircafe.example.org", first_name="Karim")
    MembershipFactory(user=user, territory=territory, role=Role.ACTOR_CONTACT)
    ContactFactory(actor=actor, user=user, email=user.email, first_name="Karim")
    return user
