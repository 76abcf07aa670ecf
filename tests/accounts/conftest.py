from __future__ import annotations

import pytest

from tests.factories import CommuneFactory, ConsentTextFactory, HouseholdFactory, UserFactory

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def crest(db):
    return CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400", population=8500)


@pytest.fixture
def terms(db):
    return ConsentTextFactory(key="cgu", version=2, title="Conditions d'utilisation")


@pytest.fixture
def household(db, crest):
    return HouseholdFactory(name="Les Martin", commune=crest, adults=2, children=2)


@pytest.fixture
def owner(db, household):
    """Logged-in member of `household`."""
    return UserFactory(email="camille@example.org", household=household)


@pytest.fixture
def housemate(db, household):
    return UserFactory(email="dominique@example.org", household=household)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
