"""Property-based run of every API operation against its own OpenAPI schema.

Schemathesis loads /api/v1/openapi.json from the WSGI app in process and
generates requests for each operation; each response must not be a server
error, must use a documented status code and must match the documented body.
Path parameters are drawn either from what schemathesis generates or from a
small world built with the factories, so that both the 404 branch and the real
payloads are exercised. Examples are few (see SETTINGS): this guards the
contract, the behaviour is tested by the other files of tests/api/.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from commons.models import Resource
from elan.wsgi import application
from reports.models import Audience, Report
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MembershipFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)
from tests.network.campaign_factories import action_with_dates
from tests.network.factories import ContactFactory, ContactLogFactory, member_actor
from tests.pledges.factories import CampaignFactory, CommitmentFactory
from tests.questionnaires.factories import quiz_with_questions

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SETTINGS = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _keep_connection():  # type: ignore[no-untyped-def]
    # Requests go through the WSGI app, not Django's test client: like the client,
    # keep the test's connection (and its transaction) open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(territory, _keep_connection):  # type: ignore[no-untyped-def]
    """One territory with a bit of everything, and the token of an organiser
    who is also a registered household of its running challenge."""
    household = HouseholdFactory(commune=territory.communes.first())
    user = UserFactory(email="animatrice@example.org", household=household)
    MembershipFactory(user=user, territory=territory)
    challenge = ChallengeFactory(territory=territory, slug="defi-hiver")
    team = TeamFactory(challenge=challenge, name="Les Économes")
    RegistrationFactory(challenge=challenge, household=household, team=team)
    meter = MeterFactory(household=household)
    ReadingFactory(meter=meter)
    report = Report.objects.create(challenge=challenge, audience=Audience.PUBLIC, data_key="k")
    quiz = quiz_with_questions(territory=territory, slug="quiz-energie")
    event = EventFactory(territory=territory)
    EventRegistrationFactory(event=event)
    campaign = CampaignFactory(territory=territory, slug="a-velo")
    CommitmentFactory(campaign=campaign)
    actor = member_actor(territory, days_since_contact=120)
    ContactFactory(actor=actor)
    ContactLogFactory(actor=actor)
    action = action_with_dates(0, 2, week__territory=territory)
    _token, raw = token_create(user=user, name="Schemathesis")
    first_resource = Resource.objects.order_by("pk").first()
    KNOWN.clear()
    KNOWN.update(
        {
            "territory": territory.slug,
            "territories.slug": territory.slug,
            "challenges.slug": challenge.slug,
            "questionnaires.slug": quiz.slug,
            "campaigns.slug": campaign.slug,
            "commons.slug": first_resource.slug if first_resource else "inconnue",
            "team_id": team.pk,
            "meter_id": meter.pk,
            "report_id": report.pk,
            "event_id": event.pk,
            "actor_id": actor.pk,
            "week_id": action.week_id,
            "dataset": "resultats-defis",
        }
    )
    yield {"token": raw}
    KNOWN.clear()


# Loaded once at collection: building the schema reads no data. Valid requests
# only (the documented contract), generated and from the schema's examples.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    application,
    config=SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "positive"},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)
# The values of the world's path parameters, by name or by "<first segment>.<name>".
KNOWN: dict[str, Any] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):  # type: ignore[no-untyped-def]
    # Either the world's objects (the real payloads) or what was generated (404s).
    if not path_parameters:
        return st.just(path_parameters)
    prefix = context.operation.path.strip("/").split("/")[2]
    real = dict(path_parameters)
    for name in path_parameters:
        value = KNOWN.get(f"{prefix}.{name}", KNOWN.get(name))
        if value is not None:
            real[name] = value
    return st.sampled_from([real, path_parameters])


@schema.parametrize()
@SETTINGS
def test_every_operation_honours_its_schema(case, world) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Bearer {world['token']}"}, checks=CHECKS)
