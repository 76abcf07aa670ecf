"""Organisers create, edit and run a challenge; the public reads its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentText
from challenges.models import Challenge, Phase, RegistrationStatus, Theme
from challenges.views.challenge import day_label
from tests.factories import (
    ChallengeFactory,
    KitDocumentFactory,
    PartnerFactory,
    RegistrationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Familles à énergie positive 2026",
        "slug": "",
        "summary": "Un hiver pour économiser en équipe.",
        "description": "Des équipes de foyers relèvent le défi.",
        "themes": [Theme.ENERGY, Theme.WATER],
        "registration_opens_on": "2026-10-01",
        "registration_closes_on": "2026-11-15",
        "starts_on": "2026-12-01",
        "ends_on": "2027-04-30",
        "reference_weeks": 4,
        "objective_energy_pct": "8",
        "objective_water_pct": "",
        "objective_waste_pct": "",
        "max_households": 120,
        "reading_frequency_days": 15,
        "weighing_frequency_days": 7,
        "selection_rule": "residents",
        "organising_association": "ALEC de la Drôme",
        "consent_body": "Vos relevés servent à calculer vos économies et celles de votre équipe.",
    }
    data.update(overrides)
    return data


def create_url(territory) -> str:  # type: ignore[no-untyped-def]
    return reverse("challenges:create", args=[territory.slug])


def test_an_organiser_creates_a_draft_with_a_slug_from_the_title(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(create_url(territory), form_data())
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "challenges:manage", args=[territory.slug, challenge.slug]
    )
    assert challenge.slug == "familles-a-energie-positive-2026"
    assert challenge.published_at is None
    assert challenge.phase() == Phase.DRAFT
    assert challenge.created_by == organiser
    assert challenge.selection_rule == "residents"
    assert challenge.consent_text.key == "defi-val-de-drome-familles-a-energie-positive-2026"
    assert challenge.consent_text.version == 1


def test_the_form_explains_each_selection_rule(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    html = client.get(create_url(territory)).content.decode()
    assert "<legend>" in html
    assert "Les foyers inscrits avec un code d&#x27;équipe passent d&#x27;abord" in html
    assert "équilibre les profils retenus" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"registration_closes_on": "2026-09-01"},
            "registration_closes_on",
            "La clôture des inscriptions doit suivre leur ouverture.",
        ),
        ({"ends_on": "2026-11-30"}, "ends_on", "Le dernier jour du défi doit suivre le premier."),
        (
            {"registration_opens_on": "2026-12-05", "registration_closes_on": "2026-12-10"},
            "registration_opens_on",
            "Les inscriptions doivent ouvrir avant le premier jour du défi.",
        ),
        (
            {"themes": [Theme.WASTE], "ends_on": "2026-12-20", "objective_energy_pct": ""},
            "reference_weeks",
            "La phase de référence doit laisser du temps au défi lui-même.",
        ),
        ({"themes": []}, "themes", "Ce champ est obligatoire."),
        (
            {"objective_waste_pct": "20"},
            "objective_waste_pct",
            "Cochez le thème « Déchets » ou laissez cet objectif vide.",
        ),
    ],
)
def test_contradictory_dates_are_refused_next_to_the_field_and_nothing_is_saved(
    client, territory, organiser, overrides, field, message
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(create_url(territory), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Challenge.objects.exists()
    assert not ConsentText.objects.exists()


def test_a_slug_is_unique_within_a_territory_only(
    client, territory, other_territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, slug="hiver")
    ChallengeFactory(territory=other_territory, slug="ailleurs")
    client.force_login(organiser)
    response = client.post(create_url(territory), form_data(slug="hiver"))
    assert response.status_code == 400
    assert "Un autre défi de ce territoire utilise déjà cette adresse courte." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert client.post(create_url(territory), form_data(slug="ailleurs")).status_code == 302
    assert Challenge.objects.filter(territory=territory, slug="ailleurs").exists()


def test_a_slug_from_a_taken_title_gets_a_number(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, slug="familles-a-energie-positive-2026")
    client.force_login(organiser)
    client.post(create_url(territory), form_data())
    assert Challenge.objects.filter(slug="familles-a-energie-positive-2026-2").exists()


def test_a_reserved_slug_is_refused(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(create_url(territory), form_data(slug="nouveau"))
    assert response.status_code == 400
    assert not Challenge.objects.exists()


def test_an_organiser_of_another_territory_cannot_create_here(
    client, territory, other_organiser
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(other_organiser)
    assert client.post(create_url(territory), form_data()).status_code == 403
    assert not Challenge.objects.exists()


def test_editing_the_consent_text_creates_a_new_version(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    client.post(create_url(territory), form_data(slug="hiver"))
    challenge = Challenge.objects.get()
    first = challenge.consent_text
    url = reverse("challenges:edit", args=[territory.slug, "hiver"])
    assert "Vos relevés servent" in client.get(url).content.decode()
    # Same text: no new version.
    client.post(url, form_data(slug="hiver", title="Nouveau titre"))
    challenge.refresh_from_db()
    assert challenge.title == "Nouveau titre"
    assert challenge.consent_text == first
    client.post(url, form_data(slug="hiver", consent_body="Nouvelle version du texte."))
    challenge.refresh_from_db()
    assert challenge.consent_text.version == 2
    assert challenge.consent_text.key == first.key
    assert ConsentText.objects.filter(key=first.key).count() == 2


def test_a_bad_edit_keeps_the_saved_challenge(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, title="Hiver")
    client.force_login(organiser)
    response = client.post(
        reverse("challenges:edit", args=[territory.slug, challenge.slug]),
        form_data(slug=challenge.slug, ends_on="2020-01-01"),
    )
    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.title == "Hiver"


def test_day_label_writes_the_first_of_the_month_the_french_way() -> None:
    assert day_label(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert day_label(dt.date(2027, 4, 30)) == "30 avril 2027"


def detail_url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("challenges:detail", args=[challenge.territory.slug, challenge.slug])


def test_the_public_page_shows_dates_phase_objectives_and_counts(client, territory) -> None:  # type: ignore[no-untyped-def]
    PartnerFactory(territory=territory, name="Biocoop de la vallée")
    challenge = ChallengeFactory(
        territory=territory,
        title="Hiver malin",
        themes=[Theme.ENERGY, Theme.WATER],
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 4, 30),
        registration_opens_on=dt.date(2026, 10, 1),
        registration_closes_on=dt.date(2026, 11, 15),
        objective_energy_pct=8,
    )
    team = TeamFactory(challenge=challenge)
    RegistrationFactory.create_batch(3, challenge=challenge, team=team)
    RegistrationFactory(challenge=challenge, status=RegistrationStatus.WAITING)
    response = client.get(detail_url(challenge))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hiver malin" in html
    assert "du 1er décembre 2026 au 30 avril 2027" in html
    assert "du 1er décembre 2025 au 30 avril 2026" in html  # the reference period
    assert "−8 %" in html
    assert response.context["selected_count"] == 3
    assert response.context["team_count"] == 1
    assert 'aria-current="step"' in html
    assert "Biocoop de la vallée" in html
    assert "--accent:" in html
    assert "Résultats" in html
    assert "Brouillon</strong>" not in html


def test_the_step_list_marks_the_current_phase(client, territory) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, open_for_registration=True, max_households=10)
    RegistrationFactory.create_batch(4, challenge=challenge)
    response = client.get(detail_url(challenge))
    html = response.content.decode()
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Inscriptions ouvertes" in current
    assert response.context["places_left"] == 6
    assert "il reste 6 places" in html


def test_a_waste_challenge_explains_its_reference_weeks(client, territory) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(
        territory=territory,
        themes=[Theme.WASTE],
        objective_energy_pct=None,
        objective_waste_pct=20,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 6, 30),
        registration_opens_on=dt.date(2026, 11, 2),
        registration_closes_on=dt.date(2026, 12, 20),
        reference_weeks=4,
    )
    html = client.get(detail_url(challenge)).content.decode()
    assert "les 4 premières semaines du défi, jusqu'au 31 janvier 2027" in html
    assert "un an plus tôt" not in html


def test_a_draft_is_hidden_from_the_public_and_shown_to_organisers_with_a_banner(
    client, territory, organiser, member, other_organiser
) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True)
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(member)
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(other_organiser)
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(organiser)
    response = client.get(detail_url(draft))
    assert response.status_code == 200
    assert "Brouillon</strong>" in response.content.decode()


def test_the_list_shows_drafts_to_organisers_only(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, title="Défi publié")
    ChallengeFactory(territory=territory, title="Défi en préparation", draft=True)
    url = reverse("challenges:list", args=[territory.slug])
    html = client.get(url).content.decode()
    assert "Défi publié" in html
    assert "Défi en préparation" not in html
    client.force_login(organiser)
    html = client.get(url).content.decode()
    assert "Défi en préparation" in html
    assert "Brouillon" in html


def test_a_registered_household_sees_its_kit_but_not_the_captain_kit(
    client, territory, member
) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    KitDocumentFactory(challenge=challenge, title="Guide du participant")
    KitDocumentFactory(challenge=challenge, kind="kit_capitaine", title="Kit du capitaine")
    html = client.get(detail_url(challenge)).content.decode()
    assert "Guide du participant" not in html
    client.force_login(member)
    response = client.get(detail_url(challenge))
    assert [d.title for d in response.context["kit_documents"]] == ["Guide du participant"]


def test_the_detail_page_costs_the_same_queries_with_more_teams_and_households(
    client, territory, member, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)

    def grow(teams: int) -> None:
        for _ in range(teams):
            team = TeamFactory(challenge=challenge)
            RegistrationFactory.create_batch(3, challenge=challenge, team=team)
            KitDocumentFactory(challenge=challenge)
            PartnerFactory(territory=territory)

    grow(1)
    with django_assert_max_num_queries(20) as small:
        client.get(detail_url(challenge))
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(detail_url(challenge))
    assert response.context["team_count"] == 11


def test_the_list_page_costs_the_same_queries_with_more_challenges(
    client, territory, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("challenges:list", args=[territory.slug])
    ChallengeFactory.create_batch(2, territory=territory)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for challenge in ChallengeFactory.create_batch(10, territory=territory):
        TeamFactory(challenge=challenge)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_manage_hub_counts_registrations_by_status(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory.create_batch(2, challenge=challenge)
    RegistrationFactory(challenge=challenge, status=RegistrationStatus.WAITING)
    TeamFactory(challenge=challenge)
    client.force_login(organiser)
    response = client.get(reverse("challenges:manage", args=[territory.slug, challenge.slug]))
    counts = dict(response.context["status_counts"])
    assert counts["Retenu"] == 2
    assert counts["Liste d'attente"] == 1
    assert counts["Candidature reçue"] == 0
    assert response.context["team_count"] == 1


def phase_url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("challenges:phase", args=[challenge.territory.slug, challenge.slug])


def test_publishing_asks_for_confirmation_first(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True, open_for_registration=True)
    client.force_login(organiser)
    response = client.get(phase_url(draft), {"action": "publish"})
    assert "Sa page devient visible de tous" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None
    response = client.post(phase_url(draft), {"action": "publish"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.phase() == Phase.REGISTRATION
    client.logout()
    assert client.get(detail_url(draft)).status_code == 200


def test_forcing_a_phase_needs_a_reason_and_records_who_and_when(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    client.force_login(organiser)
    response = client.post(phase_url(challenge), {"action": "override", "phase": "inscriptions"})
    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.phase_override == ""
    client.post(
        phase_url(challenge),
        {"action": "override", "phase": "inscriptions", "note": "Équipe de Crest en retard"},
    )
    challenge.refresh_from_db()
    assert challenge.phase() == Phase.REGISTRATION
    assert challenge.phase_overridden_by == organiser
    assert challenge.phase_overridden_at <= timezone.now()
    html = client.get(detail_url(challenge)).content.decode()
    assert "Équipe de Crest en retard" in html
    client.post(phase_url(challenge), {"action": "clear"})
    challenge.refresh_from_db()
    assert challenge.phase() == Phase.RUNNING


def test_forcing_the_draft_phase_is_refused(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    client.force_login(organiser)
    response = client.post(
        phase_url(challenge), {"action": "override", "phase": "brouillon", "note": "x"}
    )
    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.phase() == Phase.RUNNING


def test_archiving_a_draft_is_refused_with_a_message(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True)
    client.force_login(organiser)
    response = client.post(phase_url(draft), {"action": "archive"}, follow=True)
    assert "Un brouillon ne s&#x27;archive pas" in response.content.decode()
    draft.refresh_from_db()
    assert draft.archived_at is None


def test_an_unknown_phase_action_is_not_found(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    client.force_login(organiser)
    assert client.get(phase_url(challenge), {"action": "delete"}).status_code == 404


def test_a_member_cannot_change_the_phase(client, territory, member) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    client.force_login(member)
    assert client.post(phase_url(challenge), {"action": "archive"}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.archived_at is None


def test_an_archived_challenge_stays_readable(client, territory) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, archived_at=timezone.now())
    response = client.get(detail_url(challenge))
    assert response.status_code == 200
    assert response.context["phase"] == Phase.ARCHIVED


def test_the_page_invites_to_register_while_registration_is_open(client, territory, member) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, open_for_registration=True)
    register = reverse("challenges:register", args=[territory.slug, challenge.slug])
    assert f'href="{register}"' in client.get(detail_url(challenge)).content.decode()
    running = ChallengeFactory(territory=territory)
    register = reverse("challenges:register", args=[territory.slug, running.slug])
    assert register not in client.get(detail_url(running)).content.decode()


def test_a_registered_household_is_sent_to_its_registration_and_team(
    client, territory, member
) -> None:  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, open_for_registration=True)
    team = TeamFactory(challenge=challenge)
    RegistrationFactory(challenge=challenge, household=member.household, team=team)
    client.force_login(member)
    html = client.get(detail_url(challenge)).content.decode()
    args = [territory.slug, challenge.slug]
    assert reverse("challenges:registration", args=args) in html
    assert reverse("challenges:my_team", args=args) in html
    assert reverse("challenges:gestures", args=args) in html
    assert reverse("challenges:register", args=args) not in html
