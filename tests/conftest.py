from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import (
    CommuneFactory,
    CoordinatorFactory,
    HouseholdFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
)


@pytest.fixture
def territory(db):
    territory = TerritoryFactory(name="Val de Drôme", slug="val-de-drome")
    territory.communes.add(CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400"))
    return territory


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(name="Pays voisin", slug="pays-voisin")


@pytest.fixture
def outsider(db):
    """Logged-in, no household, no role."""
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def member(db, territory):
    """A household member (foyer) living in the territory."""
    household = HouseholdFactory(commune=territory.communes.first())
    return UserFactory(email="foyer@example.org", household=household)


@pytest.fixture
def organiser(db, territory):
    user = UserFactory(email="animatrice@example.org")
    MembershipFactory(user=user, territory=territory)
    return user


@pytest.fixture
def other_organiser(db, other_territory):
    user = UserFactory(email="autre-animateur@example.org")
    MembershipFactory(user=user, territory=other_territory)
    return user


@pytest.fixture
def coordinator(db, territory):
    return CoordinatorFactory(
        user=UserFactory(email="coordination@example.org"), region=territory.region
    ).user


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploads of a test go to its own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    # PBKDF2's deliberate slowness costs ~0.3 s a user; tests need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages link to the host the test client asks (testserver), whatever
    # ELAN_SITE_URL the shell has; a test that wants a public address sets it.
    settings.PUBLIC_URL = ""
    # Rate limits live in the cache: each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


# Data shipped by data migrations (the éco-gestes catalogue, the default
# factor set). A transactional test (the browser tests) flushes every table
# when it ends, so later tests of the same worker would find them gone: put
# them back, as a fresh database would have them.
_MIGRATION_DATA = [
    ("challenges.migrations.0002_ecogestes_catalogue", "load_catalogue", "challenges.EcoGesture"),
    ("measures.migrations.0003_default_factors", "create_defaults", "measures.FactorSet"),
    (
        "questionnaires.migrations.0002_shipped_templates",
        "load_templates",
        "questionnaires.Questionnaire",
    ),
    ("events.migrations.0002_workshop_catalogue", "load_catalogue", "events.WorkshopTemplate"),
    ("measures.migrations.0004_mode_factors", "add_mode_factors", "measures.FactorSet"),
    ("measures.migrations.0007_default_factor_bases", "add_bases", "measures.FactorSet"),
    ("measures.migrations.0008_equivalence_factors", "add_equivalences", "measures.FactorSet"),
    ("commons.migrations.0004_shipped_content", "load_content", "commons.Resource"),
]


@pytest.fixture(autouse=True)
def _migration_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    import importlib

    from django.apps import apps

    # Decide before loading: 0004 completes the set that 0003 creates.
    missing = [
        (m, f) for m, f, label in _MIGRATION_DATA if not apps.get_model(label).objects.exists()
    ]
    for module, function in missing:
        getattr(importlib.import_module(module), function)(apps, None)
