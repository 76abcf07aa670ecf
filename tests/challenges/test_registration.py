"""A household registers to a challenge: the page, its bad cases, the e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Consent
from challenges.models import Registration, RegistrationDecision, RegistrationStatus, SelectionRule
from tests.factories import (
    ChallengeFactory,
    ConsentTextFactory,
    HouseholdFactory,
    MeterFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory,
        slug="hiver",
        open_for_registration=True,
        max_households=2,
        organising_association="Les Amis du Vélo",
        selection_rule=SelectionRule.RESIDENTS_FIRST,
    )


@pytest.fixture
def terms(db):  # type: ignore[no-untyped-def]
    return ConsentTextFactory(key="cgu", version=3, title="Conditions d'utilisation")


@pytest.fixture
def equipped(member, terms):  # type: ignore[no-untyped-def]
    """The member's household with a gas and a water meter."""
    MeterFactory(household=member.household, carrier="gaz", unit="m3", label="Gaz")
    MeterFactory(household=member.household, carrier="eau", unit="m3", label="Eau", heating_share=0)
    return member


@pytest.fixture
def housemate(member):  # type: ignore[no-untyped-def]
    return UserFactory(email="colocataire@example.org", household=member.household)


def url(challenge, name: str = "register") -> str:  # type: ignore[no-untyped-def]
    return reverse(f"challenges:{name}", args=[challenge.territory.slug, challenge.slug])


VALID = {"consent": "on", "team_code": ""}


def test_anonymous_visitors_log_in_then_come_back(client, challenge):
    response = client.get(url(challenge))
    assert response.status_code == 302
    assert response["Location"] == f"/compte/login/?next={url(challenge)}"


def test_the_page_shows_the_household_meters_and_consent_text(client, equipped, challenge):
    client.force_login(equipped)
    response = client.get(url(challenge))
    assert response.status_code == 200
    page = response.content.decode()
    assert equipped.household.name in page
    assert "Gaz" in page
    assert "Vous acceptez les conditions" in page
    assert "Je suis adhérent·e de Les Amis du Vélo" in page
    assert "?next=" in page  # links to edit the household and meters come back here


def test_without_a_household_the_page_leads_to_creating_one(client, outsider, challenge):
    client.force_login(outsider)
    response = client.get(url(challenge))
    assert response.status_code == 200
    assert reverse("accounts:household") + "?next=" in response.content.decode()
    assert client.post(url(challenge), VALID).status_code == 400
    assert not Registration.objects.exists()


def test_a_household_registers_as_candidate_with_consent_and_email(
    client, equipped, housemate, challenge, terms, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(equipped)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(challenge), {**VALID, "is_association_member": "on"})
    assert response.status_code == 302
    assert response["Location"] == url(challenge, "registration")
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CANDIDATE
    assert registration.household == equipped.household
    assert registration.registered_by == equipped
    assert registration.is_association_member
    assert registration.consent == Consent.objects.get(user=equipped, text=terms)
    decision = RegistrationDecision.objects.get()
    assert decision.reason.startswith("Candidature reçue le ")
    # One message per member of the household.
    assert [m.to for m in mailoutbox] == [["colocataire@example.org"], ["foyer@example.org"]]
    assert "Candidature reçue" in mailoutbox[0].subject


def test_the_challenge_consent_text_wins_over_the_terms(client, equipped, challenge):
    challenge.consent_text = ConsentTextFactory(
        key="defi-hiver", version=1, title="Données du défi"
    )
    challenge.save()
    client.force_login(equipped)
    client.post(url(challenge), VALID)
    assert Registration.objects.get().consent.text.key == "defi-hiver"


def test_a_valid_team_code_is_recorded(client, equipped, challenge):
    team = TeamFactory(challenge=challenge)
    client.force_login(equipped)
    response = client.post(url(challenge), {**VALID, "team_code": team.invite_code.lower()})
    assert response.status_code == 302
    assert Registration.objects.get().requested_team_code == team.invite_code


def test_an_unknown_team_code_is_refused_and_what_was_typed_is_kept(client, equipped, challenge):
    other_team = TeamFactory()  # a team of another challenge
    client.force_login(equipped)
    response = client.post(
        url(challenge),
        {**VALID, "team_code": other_team.invite_code, "is_association_member": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce code ne correspond à aucune équipe de ce défi" in page
    assert other_team.invite_code in page
    assert not Registration.objects.exists()


def test_consent_is_required(client, equipped, challenge):
    client.force_login(equipped)
    response = client.post(url(challenge), {"team_code": ""})
    assert response.status_code == 400
    assert "Votre accord est nécessaire" in response.content.decode()
    assert not Registration.objects.exists()
    assert not Consent.objects.exists()


def test_missing_meters_are_refused_theme_by_theme(client, member, terms, challenge):
    MeterFactory(household=member.household, carrier="eau", unit="m3", label="Eau", heating_share=0)
    client.force_login(member)
    response = client.post(url(challenge), VALID)
    assert response.status_code == 400
    page = response.content.decode()
    assert "déclarez au moins un compteur d&#x27;énergie" in page
    assert "déclarez votre compteur d&#x27;eau" not in page
    assert not Registration.objects.exists()


def test_a_water_meter_does_not_count_as_an_energy_meter(client, member, terms, challenge):
    MeterFactory(household=member.household, carrier="eau", unit="m3", label="Eau")
    MeterFactory(household=member.household, carrier="gaz", label="Vieux", is_active=False)
    client.force_login(member)
    assert client.post(url(challenge), VALID).status_code == 400


def test_a_waste_challenge_needs_no_meter(client, member, terms, territory):
    challenge = ChallengeFactory(
        territory=territory, open_for_registration=True, themes=["dechets"]
    )
    client.force_login(member)
    assert client.post(url(challenge), VALID).status_code == 302
    assert Registration.objects.filter(challenge=challenge).exists()


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [(5, 10, "ne sont pas encore ouvertes"), (-20, -1, "elles sont maintenant closes")],
)
def test_registration_outside_the_window_is_refused(
    client, equipped, territory, opens, closes, expected
):
    today = timezone.localdate()
    challenge = ChallengeFactory(
        territory=territory,
        registration_opens_on=today + dt.timedelta(days=opens),
        registration_closes_on=today + dt.timedelta(days=closes),
        starts_on=today + dt.timedelta(days=30),
    )
    client.force_login(equipped)
    response = client.get(url(challenge))
    assert response.status_code == 403
    assert expected in response.content.decode()
    assert client.post(url(challenge), VALID).status_code == 403
    assert not Registration.objects.exists()


def test_an_already_registered_household_is_shown_its_status(
    client, equipped, housemate, challenge
):
    RegistrationFactory(challenge=challenge, household=equipped.household)
    client.force_login(housemate)
    response = client.post(url(challenge), VALID, follow=True)
    assert response.redirect_chain[-1][0] == url(challenge, "registration")
    assert "déjà inscrit" in response.content.decode()
    assert Registration.objects.count() == 1


def test_first_come_selects_at_once_while_places_remain(
    client, equipped, challenge, mailoutbox, django_capture_on_commit_callbacks
):
    challenge.selection_rule = SelectionRule.FIRST_COME
    challenge.save()
    client.force_login(equipped)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(challenge), VALID)
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.SELECTED
    assert registration.decision_reason.endswith("parmi les 2 premiers")
    assert [d.status for d in registration.decisions.all()] == ["candidat", "retenu"]
    assert [m.subject for m in mailoutbox] == [
        "[Élan] Candidature reçue : " + challenge.title,
        "[Élan] Votre foyer est retenu : " + challenge.title,
    ]


def test_first_come_puts_the_household_on_the_waiting_list_when_full(client, equipped, challenge):
    challenge.selection_rule = SelectionRule.FIRST_COME
    challenge.save()
    RegistrationFactory.create_batch(2, challenge=challenge)
    client.force_login(equipped)
    client.post(url(challenge), VALID)
    registration = Registration.objects.get(household=equipped.household)
    assert registration.status == RegistrationStatus.WAITING
    assert registration.waiting_rank == 1


def test_other_rules_wait_for_the_organiser(client, equipped, challenge):
    client.force_login(equipped)
    client.post(url(challenge), VALID)
    assert Registration.objects.get().status == RegistrationStatus.CANDIDATE


# --- « mon inscription » ---------------------------------------------------------


def test_my_registration_shows_status_history_and_rank(client, member, challenge):
    registration = RegistrationFactory(
        challenge=challenge,
        household=member.household,
        status=RegistrationStatus.WAITING,
        waiting_rank=4,
        decision_reason="Liste d'attente (rang 4) : les 2 places sont prises",
    )
    RegistrationDecision.objects.create(
        registration=registration, status="attente", reason="Liste d'attente (rang 4)"
    )
    client.force_login(member)
    page = client.get(url(challenge, "registration")).content.decode()
    assert "Liste d&#x27;attente (rang 4)" in page
    assert "au rang 4 de la liste d'attente" in page
    assert "Suivez vos consommations en autonomie" in page


def test_alternatives_are_not_offered_to_selected_households(client, member, challenge):
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    page = client.get(url(challenge, "registration")).content.decode()
    assert "Suivez vos consommations en autonomie" not in page


def test_options_are_saved_with_htmx_or_a_plain_form(client, member, challenge):
    registration = RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    response = client.post(
        url(challenge, "registration"),
        {"shares_values_with_team": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Options enregistrées" in response.content.decode()
    registration.refresh_from_db()
    assert registration.shares_values_with_team
    assert not registration.reminders_paused
    response = client.post(url(challenge, "registration"), {"reminders_paused": "on"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.shares_values_with_team, registration.reminders_paused) == (False, True)


def test_withdrawing_promotes_the_first_of_the_waiting_list(
    client, member, challenge, mailoutbox, django_capture_on_commit_callbacks
):
    mine = RegistrationFactory(challenge=challenge, household=member.household)
    RegistrationFactory(challenge=challenge)
    first = RegistrationFactory(challenge=challenge, status="attente", waiting_rank=1)
    UserFactory(email="premier@example.org", household=first.household)
    second = RegistrationFactory(challenge=challenge, status="attente", waiting_rank=2)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(challenge, "withdraw"))
    assert response.status_code == 302
    mine.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert mine.status == RegistrationStatus.WITHDRAWN
    assert first.status == RegistrationStatus.SELECTED
    assert first.waiting_rank is None
    assert first.decision_reason.startswith("Promu depuis la liste d'attente le ")
    assert first.decision_reason.endswith(": une place s'est libérée")
    assert second.waiting_rank == 1
    assert [m.to for m in mailoutbox] == [["premier@example.org"]]
    assert "Une place s'est libérée" in mailoutbox[0].subject


def test_withdrawing_from_the_waiting_list_closes_the_gap(client, member, challenge):
    RegistrationFactory.create_batch(2, challenge=challenge)
    RegistrationFactory(challenge=challenge, status="attente", waiting_rank=1)
    RegistrationFactory(
        challenge=challenge, household=member.household, status="attente", waiting_rank=2
    )
    last = RegistrationFactory(challenge=challenge, status="attente", waiting_rank=3)
    client.force_login(member)
    client.post(url(challenge, "withdraw"))
    last.refresh_from_db()
    assert last.waiting_rank == 2
    assert challenge.registrations.selected().count() == 2


def test_withdrawing_twice_changes_nothing(client, member, challenge):
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    client.post(url(challenge, "withdraw"))
    client.post(url(challenge, "withdraw"))
    assert RegistrationDecision.objects.filter(status="desiste").count() == 1


def test_withdraw_is_post_only(client, member, challenge):
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    assert client.get(url(challenge, "withdraw")).status_code == 405


def test_a_household_of_another_challenge_cannot_see_this_registration(client, challenge):
    stranger = UserFactory(household=HouseholdFactory())
    RegistrationFactory(household=stranger.household)  # registered elsewhere
    client.force_login(stranger)
    assert client.get(url(challenge, "registration")).status_code == 403
    assert client.post(url(challenge, "withdraw")).status_code == 403


def test_a_withdrawn_household_leaves_its_team_and_its_captaincy(db) -> None:  # type: ignore[no-untyped-def]
    from challenges.services.registration import registration_withdraw
    from tests.factories import HouseholdFactory, RegistrationFactory, TeamFactory, UserFactory

    team = TeamFactory()
    captain = UserFactory(household=HouseholdFactory())
    team.captain = captain
    team.captain_trained = True
    team.save()
    registration = RegistrationFactory(
        challenge=team.challenge, household=captain.household, team=team
    )
    registration_withdraw(registration=registration, user=captain)
    registration.refresh_from_db()
    team.refresh_from_db()
    assert registration.team is None
    assert team.captain is None
    assert team.captain_trained is False
