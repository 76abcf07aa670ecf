"""Assisted mode: the agents' services, their tablet screen and the
organisers' field report."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pledges import field
from pledges.models import (
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    FieldProposal,
    ProposalOutcome,
)
from pledges.services import CommitmentRefused
from tests.factories import UserFactory
from tests.pledges.factories import CampaignFactory, FieldProposalFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="agent@example.org", display_name="Karim")


@pytest.fixture
def campaign(territory, agent):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="tri", participants_goal=50)
    campaign.agents.add(agent)
    return campaign


@pytest.fixture
def crest(territory):  # type: ignore[no-untyped-def]
    return territory.communes.first()


def key() -> str:
    return str(uuid.uuid4())


def commit(campaign, agent, crest, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "campaign": campaign,
        "agent": agent,
        "first_name": "Ginette",
        "commune": crest,
        "consent": True,
        "client_key": key(),
    }
    values.update(kwargs)
    return field.proposal_commit(**values)


def url(campaign, name="pledges:field"):  # type: ignore[no-untyped-def]
    return reverse(name, args=[campaign.territory.slug, campaign.slug])


# --- Services ---------------------------------------------------------------------


def test_a_tap_records_a_proposal_without_commitment(campaign, agent) -> None:  # type: ignore[no-untyped-def]
    recorded = field.proposal_record(
        campaign=campaign, agent=agent, outcome=ProposalOutcome.DECLINED, client_key=key()
    )
    assert recorded.created
    proposal = FieldProposal.objects.get()
    assert proposal == recorded.proposal
    assert (proposal.agent, proposal.outcome, proposal.commitment) == (agent, "refus", None)


def test_a_double_tap_records_once(campaign, agent) -> None:  # type: ignore[no-untyped-def]
    same = key()
    first = field.proposal_record(
        campaign=campaign, agent=agent, outcome=ProposalOutcome.ABSENT, client_key=same
    )
    second = field.proposal_record(
        campaign=campaign, agent=agent, outcome=ProposalOutcome.ABSENT, client_key=same
    )
    assert first.created
    assert not second.created
    assert second.proposal == first.proposal
    assert FieldProposal.objects.count() == 1
    field.proposal_record(
        campaign=campaign, agent=agent, outcome=ProposalOutcome.ABSENT, client_key=key()
    )
    assert FieldProposal.objects.count() == 2


def test_a_commitment_in_the_field_counts_at_once(campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    recorded = commit(campaign, agent, crest, email="ginette@example.org", site="")
    proposal = recorded.proposal
    assert proposal is not None
    assert proposal.outcome == ProposalOutcome.COMMITTED
    commitment = proposal.commitment
    assert commitment is not None
    assert commitment.status == CommitmentStatus.CONFIRMED
    assert (commitment.agent, commitment.commune, commitment.consent) == (agent, crest, True)
    campaign.refresh_from_db()
    assert campaign.participants_count == 1


def test_a_double_tap_on_a_commitment_counts_once(campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    same = key()
    commit(campaign, agent, crest, client_key=same)
    again = commit(campaign, agent, crest, client_key=same)
    assert not again.created
    assert Commitment.objects.count() == FieldProposal.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.participants_count == 1


def test_a_queue_sent_again_after_the_cache_is_gone_still_counts_once(
    campaign, agent, crest
) -> None:  # type: ignore[no-untyped-def]
    # The key lives on the row, not in a per-process cache: a tablet that was
    # offline may send its queue to another server hours later.
    same = key()
    commit(campaign, agent, crest, client_key=same)
    cache.clear()
    assert not commit(campaign, agent, crest, client_key=same).created
    assert Commitment.objects.count() == FieldProposal.objects.count() == 1


def test_without_consent_nothing_is_recorded_and_the_key_may_be_used_again(
    campaign, agent, crest
) -> None:  # type: ignore[no-untyped-def]
    same = key()
    with pytest.raises(CommitmentRefused):
        commit(campaign, agent, crest, client_key=same, consent=False)
    assert not FieldProposal.objects.exists()
    assert not Commitment.objects.exists()
    assert commit(campaign, agent, crest, client_key=same).created


def test_the_counts_are_the_agents_own_of_the_day(campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    commit(campaign, agent, crest)
    for outcome in ("refus", "refus", "absent"):
        FieldProposalFactory(campaign=campaign, agent=agent, outcome=outcome)
    FieldProposalFactory(campaign=campaign, agent=UserFactory(), outcome="refus")
    yesterday = FieldProposalFactory(campaign=campaign, agent=agent)
    FieldProposal.objects.filter(pk=yesterday.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    counts = field.agent_counts(campaign=campaign, agent=agent)
    assert counts == field.Counts(proposals=4, committed=1, declined=2, absent=1)
    assert counts.conversion_rate == pytest.approx(1 / 3)


def test_the_next_commune_is_the_agents_last_one(campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    assert field.agent_last_commune(campaign=campaign, agent=agent) is None
    commit(campaign, agent, crest)
    assert field.agent_last_commune(campaign=campaign, agent=agent) == crest


def test_the_report_shows_each_agent_and_day_and_the_idle_ones(campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    idle = UserFactory(display_name="Zoé")
    campaign.agents.add(idle)
    commit(campaign, agent, crest)
    FieldProposalFactory(campaign=campaign, agent=agent, outcome="refus")
    old = FieldProposalFactory(campaign=campaign, agent=agent, outcome="absent")
    FieldProposal.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    report = field.field_report(campaign)
    assert report.totals == field.Counts(proposals=3, committed=1, declined=1, absent=1)
    assert [(a.agent, a.counts.proposals) for a in report.agents] == [("Karim", 3), ("Zoé", 0)]
    assert report.agents[1].last_activity is None
    assert [(d.day, d.counts.proposals) for d in report.days] == [
        (timezone.localdate(), 2),
        (timezone.localdate() - dt.timedelta(days=2), 1),
    ]


@pytest.mark.parametrize("agents", [1, 6])
def test_the_report_takes_two_queries_whatever_the_data(
    campaign, agents, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(agents):
        someone = UserFactory()
        campaign.agents.add(someone)
        for outcome in ("engage", "refus", "absent"):
            FieldProposalFactory(campaign=campaign, agent=someone, outcome=outcome)
    with django_assert_num_queries(2):
        report = field.field_report(campaign)
    assert len(report.agents) == agents + 1  # the fixture's agent, idle


# --- The tablet screen -------------------------------------------------------------


@pytest.fixture
def agent_client(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    return client


def test_the_screen_reminds_what_to_offer_and_prefills_the_commune(
    agent_client, campaign, agent, crest
) -> None:  # type: ignore[no-untyped-def]
    commit(campaign, agent, crest)
    response = agent_client.get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert campaign.action in html
    assert "S'engage" in html
    assert 'value="Crest (26400)"' in html
    assert response.context["counts"].committed == 1
    assert "La personne a donné son accord" in html


def test_a_tap_without_javascript_comes_back_with_a_notice(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = agent_client.post(
        url(campaign), {"outcome": "absent", "client_key": key()}, follow=True
    )
    assert response.redirect_chain[-1][0] == url(campaign)
    assert "Noté : personne à la porte." in response.content.decode()
    assert FieldProposal.objects.get().outcome == ProposalOutcome.ABSENT


def test_a_tap_with_htmx_returns_the_panel_with_its_counts(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = agent_client.post(url(campaign), {"outcome": "refus", "client_key": key()}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="terrain"' in html
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "ne souhaite pas" in html
    assert response.context["counts"].declined == 1


def test_a_replayed_tap_is_a_no_op(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    data = {"outcome": "refus", "client_key": key()}
    agent_client.post(url(campaign), data, **HTMX)
    response = agent_client.post(url(campaign), data, **HTMX)
    assert "C&#x27;était déjà noté." in response.content.decode()
    assert FieldProposal.objects.count() == 1


def test_a_commitment_from_the_screen(agent_client, campaign, agent) -> None:  # type: ignore[no-untyped-def]
    data = {
        "outcome": "engage",
        "first_name": "Ginette",
        "commune": "26400",
        "email": "",
        "consent": "on",
        "client_key": key(),
    }
    response = agent_client.post(url(campaign), data, follow=True)
    assert "Engagement de Ginette enregistré" in response.content.decode()
    commitment = Commitment.objects.get()
    assert commitment.agent == agent
    assert commitment.commune_id == "26108"
    assert commitment.proposal.outcome == ProposalOutcome.COMMITTED


def test_without_consent_the_form_comes_back_with_what_was_typed(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    data = {
        "outcome": "engage",
        "first_name": "Ginette",
        "commune": "Crest",
        "client_key": key(),
    }
    response = agent_client.post(url(campaign), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sans l&#x27;accord de la personne" in html
    assert 'value="Ginette"' in html
    assert '<details class="field-engage" open>' in html
    assert not Commitment.objects.exists()
    assert not FieldProposal.objects.exists()


def test_an_unknown_commune_is_refused_in_french(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    data = {
        "outcome": "engage",
        "first_name": "Ginette",
        "commune": "Zzyzx",
        "consent": "on",
        "client_key": key(),
    }
    response = agent_client.post(url(campaign), data, **HTMX)
    assert response.status_code == 400
    assert "Commune introuvable" in response.content.decode()


def test_a_restricted_campaign_refusal_is_shown(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(
        audience="organisation", allowed_domains="humanis.fr"
    )
    data = {
        "outcome": "engage",
        "first_name": "Ginette",
        "commune": "26400",
        "email": "ginette@gmail.com",
        "consent": "on",
        "client_key": key(),
    }
    response = agent_client.post(url(campaign), data)
    assert response.status_code == 400
    assert "réservée aux membres" in response.content.decode()


def test_a_closed_campaign_records_nothing(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.EXPIRED)
    page = agent_client.get(url(campaign))
    assert "ne reçoit plus d'engagements" in page.content.decode()
    response = agent_client.post(url(campaign), {"outcome": "refus", "client_key": key()})
    assert response.status_code == 400
    assert "Cette campagne est close." in response.content.decode()
    assert not FieldProposal.objects.exists()


def test_a_broken_tap_asks_to_try_again(agent_client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = agent_client.post(url(campaign), {"outcome": "refus", "client_key": "x"})
    assert response.status_code == 400
    assert "touchez-le à nouveau" in response.content.decode()


def test_only_agents_and_organisers_record(client, member, organiser, campaign) -> None:  # type: ignore[no-untyped-def]
    tap = {"outcome": "refus", "client_key": key()}
    anonymous = client.post(url(campaign), tap)
    assert anonymous.status_code == 302
    assert "/compte/login/" in anonymous["Location"]
    client.force_login(member)
    assert client.post(url(campaign), tap).status_code == 403
    client.force_login(organiser)
    assert client.post(url(campaign), tap).status_code == 302
    assert FieldProposal.objects.get().agent == organiser


# --- The organisers' report --------------------------------------------------------


def test_the_organiser_sees_each_agents_line(client, organiser, campaign, agent, crest) -> None:  # type: ignore[no-untyped-def]
    commit(campaign, agent, crest)
    FieldProposalFactory(campaign=campaign, agent=agent, outcome="refus")
    client.force_login(organiser)
    response = client.get(url(campaign, "pledges:field_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karim" in html
    assert "50 %" in html
    assert 'role="img"' in html
    assert "<caption" in html


def test_the_organiser_sees_idle_agents(client, organiser, campaign) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    html = client.get(url(campaign, "pledges:field_report")).content.decode()
    assert "Karim" in html
    assert "Aucune proposition enregistrée" in html


def test_the_report_page_does_not_grow_with_the_data(
    client, organiser, campaign, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    measured = []
    for agents in (1, 5):
        for _ in range(agents):
            someone = UserFactory()
            campaign.agents.add(someone)
            FieldProposalFactory.create_batch(3, campaign=campaign, agent=someone)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url(campaign, "pledges:field_report")).status_code == 200
        measured.append(len(captured.captured_queries))
    assert measured[0] == measured[1]
