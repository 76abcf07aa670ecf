"""The organisers' page of candidacies: list, selection, manual decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges.models import RegistrationDecision, RegistrationStatus, SelectionRule
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory,
        open_for_registration=True,
        max_households=2,
        selection_rule=SelectionRule.MEMBERS_FIRST,
        organising_association="Les Amis du Vélo",
    )


@pytest.fixture
def organiser_client(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def url(challenge, name: str = "candidates") -> str:  # type: ignore[no-untyped-def]
    return reverse(f"challenges:{name}", args=[challenge.territory.slug, challenge.slug])


def decide_url(registration) -> str:  # type: ignore[no-untyped-def]
    c = registration.challenge
    return reverse("challenges:decide", args=[c.territory.slug, c.slug, registration.pk])


def test_the_page_lists_candidates_with_their_profile_and_counts(
    organiser_client, challenge, territory
):
    team = TeamFactory(challenge=challenge, name="Les Castors")
    RegistrationFactory(
        challenge=challenge,
        status="candidat",
        household__name="Les Martin",
        household__commune=territory.communes.get(),
        requested_team_code=team.invite_code,
        is_association_member=True,
    )
    RegistrationFactory(
        challenge=challenge,
        status="attente",
        waiting_rank=1,
        household__name="Les Durand",
        household__commune=CommuneFactory(name="Valence"),
        requested_team_code="FAUXCODE",
    )
    response = organiser_client.get(url(challenge))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Les Martin", "Crest", "Les Castors", "Les Durand", "Valence", "code inconnu"):
        assert text in page
    assert "rang 1" in page
    assert {s.value: n for s, n in response.context["counts"]} == {
        "candidat": 1,
        "retenu": 0,
        "attente": 1,
        "non_retenu": 0,
        "desiste": 0,
    }


def test_the_list_filters_by_status(organiser_client, challenge):
    RegistrationFactory(challenge=challenge, status="candidat", household__name="Candidat A")
    RegistrationFactory(challenge=challenge, status="retenu", household__name="Retenu B")
    page = organiser_client.get(url(challenge), {"statut": "retenu"}).content.decode()
    assert "Retenu B" in page
    assert "Candidat A" not in page
    # An unknown status shows everything rather than failing.
    page = organiser_client.get(url(challenge), {"statut": "<script>"}).content.decode()
    assert "Candidat A" in page


@pytest.mark.parametrize("count", [10, 60])
def test_the_page_query_count_does_not_grow(
    organiser_client, challenge, count, django_assert_max_num_queries
):
    team = TeamFactory(challenge=challenge)
    for i in range(count):
        RegistrationFactory(
            challenge=challenge,
            status=["candidat", "retenu", "attente"][i % 3],
            team=team if i % 2 else None,
            requested_team_code=team.invite_code if i % 4 else "",
            household__commune=CommuneFactory(),
        )
    # + the access log's entry (accounts/audit.py)
    with django_assert_max_num_queries(8):
        response = organiser_client.get(url(challenge))
    assert response.status_code == 200
    assert len(response.context["registrations"]) == count


def test_applying_the_rule_decides_and_emails(
    organiser_client, challenge, mailoutbox, django_capture_on_commit_callbacks
):
    members = []
    for name, member in (("A", False), ("B", True), ("C", True)):
        registration = RegistrationFactory(
            challenge=challenge,
            status="candidat",
            household__name=name,
            is_association_member=member,
        )
        UserFactory(household=registration.household, email=f"{name.lower()}@example.org")
        members.append(registration)
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url(challenge, "apply_selection"), follow=True)
    assert "Sélection appliquée : 2 foyer(s) retenu(s), 1 sur liste d" in response.content.decode()
    statuses = {}
    for r in members:
        r.refresh_from_db()
        statuses[r.household.name] = (r.status, r.waiting_rank)
    assert statuses == {"A": ("attente", 1), "B": ("retenu", None), "C": ("retenu", None)}
    assert len(mailoutbox) == 3


def test_apply_selection_is_post_only(organiser_client, challenge):
    assert organiser_client.get(url(challenge, "apply_selection")).status_code == 405


def test_not_selecting_a_selected_household_promotes_the_next_one(
    organiser_client, challenge, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    selected = RegistrationFactory(challenge=challenge)
    RegistrationFactory(challenge=challenge)
    waiting = RegistrationFactory(challenge=challenge, status="attente", waiting_rank=1)
    UserFactory(email="attente@example.org", household=waiting.household)
    UserFactory(email="retenu@example.org", household=selected.household)
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            decide_url(selected),
            {"status": "non_retenu", "reason": "Non retenu : foyer hors du territoire"},
        )
    assert response.status_code == 302
    selected.refresh_from_db()
    waiting.refresh_from_db()
    assert selected.status == RegistrationStatus.NOT_SELECTED
    assert selected.decision_reason == "Non retenu : foyer hors du territoire"
    assert selected.decisions.get().decided_by == organiser
    assert waiting.status == RegistrationStatus.SELECTED
    assert waiting.decision_reason.startswith("Promu depuis la liste d'attente")
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects["retenu@example.org"].startswith("[Élan] Votre candidature")
    assert subjects["attente@example.org"].startswith("[Élan] Une place s'est libérée")
    not_selected = next(m for m in mailoutbox if m.to == ["retenu@example.org"])
    assert "ateliers qui ont encore des places" in not_selected.body


def test_moving_a_selected_household_to_the_waiting_list_does_not_promote_it_back(
    organiser_client, challenge
):
    selected = RegistrationFactory(challenge=challenge)
    RegistrationFactory(challenge=challenge)
    organiser_client.post(decide_url(selected), {"status": "attente", "reason": "Plus tard"})
    selected.refresh_from_db()
    assert (selected.status, selected.waiting_rank) == ("attente", 1)
    assert challenge.registrations.selected().count() == 1


def test_selecting_by_hand_in_a_full_challenge_is_refused(organiser_client, challenge):
    RegistrationFactory.create_batch(2, challenge=challenge)
    candidate = RegistrationFactory(challenge=challenge, status="candidat")
    response = organiser_client.post(
        decide_url(candidate), {"status": "retenu", "reason": "Foyer témoin"}
    )
    assert response.status_code == 400
    assert "Le défi est complet (2 foyers retenus)" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == "candidat"
    assert not RegistrationDecision.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"status": "retenu", "reason": ""}, {"status": "desiste", "reason": "x"}, {}],
)
def test_a_decision_needs_a_known_status_and_a_reason(organiser_client, challenge, data):
    candidate = RegistrationFactory(challenge=challenge, status="candidat")
    response = organiser_client.post(decide_url(candidate), data)
    assert response.status_code == 400
    candidate.refresh_from_db()
    assert candidate.status == "candidat"


def test_a_withdrawn_household_cannot_be_decided(organiser_client, challenge):
    gone = RegistrationFactory(challenge=challenge, status="desiste")
    response = organiser_client.post(decide_url(gone), {"status": "retenu", "reason": "Retour"})
    assert response.status_code == 400
    assert "s&#x27;est désisté" in response.content.decode()


def test_a_registration_of_another_challenge_is_not_found(organiser_client, challenge, territory):
    elsewhere = RegistrationFactory(challenge=ChallengeFactory(territory=territory))
    wrong = reverse("challenges:decide", args=[territory.slug, challenge.slug, elsewhere.pk])
    assert organiser_client.post(wrong, {"status": "retenu", "reason": "x"}).status_code == 404


def test_other_territories_organisers_may_not_decide(client, other_organiser, challenge):
    candidate = RegistrationFactory(challenge=challenge, status="candidat")
    client.force_login(other_organiser)
    assert client.get(url(challenge)).status_code == 403
    assert (
        client.post(decide_url(candidate), {"status": "retenu", "reason": "x"}).status_code == 403
    )
    assert client.post(url(challenge, "apply_selection")).status_code == 403


def test_a_draft_challenge_is_hidden_from_other_organisers(client, other_organiser, territory):
    draft = ChallengeFactory(territory=territory, draft=True)
    client.force_login(other_organiser)
    assert client.get(url(draft)).status_code == 404
