"""Pages of teams: the organiser's page, the team page, joining a team."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import Registration, RegistrationStatus, Team
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, slug="hiver", open_for_registration=True)


@pytest.fixture
def running(territory):
    return ChallengeFactory(territory=territory, slug="en-cours")


def url(name: str, challenge, *args) -> str:
    return reverse(f"challenges:{name}", args=[challenge.territory.slug, challenge.slug, *args])


def household(challenge, team=None, email=None, name="Camille", **kwargs) -> Registration:
    registration = RegistrationFactory(
        challenge=challenge,
        household=HouseholdFactory(commune=challenge.territory.communes.first()),
        team=team,
        **kwargs,
    )
    UserFactory(
        household=registration.household,
        email=email or f"{registration.household.name.replace(' ', '').lower()}@example.org",
        display_name=name,
    )
    return registration


def text(response) -> str:
    return html.unescape(response.content.decode())


def fill(team: Team, count: int) -> list[Registration]:
    return [household(team.challenge, team) for _ in range(count)]


# --- organiser page ----------------------------------------------------------


def test_the_organiser_sees_teams_warnings_and_unassigned_households(
    client, organiser, challenge
) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    fill(team, 2)
    alone = household(challenge, email="seul@example.org")
    client.force_login(organiser)
    response = client.get(url("teams", challenge))
    assert response.status_code == 200
    page = text(response)
    assert "Crest 1" in page
    assert "Équipe incomplète : 2 foyers sur 3 au minimum." in page
    assert "Pas encore de capitaine." in page
    assert team.invite_code in page
    assert alone.household.name in page
    assert response.context["incomplete_count"] == 1
    assert len(response.context["unassigned"]) == 1


def test_the_organiser_page_does_not_run_a_query_per_team(
    client, organiser, challenge, django_assert_max_num_queries
) -> None:
    def make(count: int) -> None:
        for index in range(count):
            team = TeamFactory(challenge=challenge)
            registrations = fill(team, 3)
            if index % 2:
                team.captain = registrations[0].household.members.first()
                team.save()
        household(challenge)

    client.force_login(organiser)
    make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("teams", challenge)).status_code == 200
    make(6)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url("teams", challenge)).status_code == 200


def test_the_organiser_page_shows_twenty_teams_a_page(client, organiser, challenge) -> None:
    from challenges.views.teams import TEAMS_PER_PAGE

    teams = [TeamFactory(challenge=challenge, name=f"Équipe {i:02d}") for i in range(25)]
    far = household(challenge, teams[-1])
    alone = household(challenge)
    client.force_login(organiser)
    first = client.get(url("teams", challenge))
    assert len(first.context["rows"]) == TEAMS_PER_PAGE
    page = text(first)
    assert "Équipes 1 à 20 sur 25" in page
    assert "Page 1 sur 2" in page
    assert f'id="equipe-{teams[19].pk}"' in page
    assert f'id="equipe-{teams[20].pk}"' not in page
    # Counters are the challenge's, not the page's.
    assert first.context["team_count"] == 25
    assert first.context["incomplete_count"] == 25
    # The move form offers the households shown and those without a team.
    offered = {value for value, _ in first.context["move_form"].fields["registration"].choices}
    assert alone.pk in offered
    assert far.pk not in offered
    second = client.get(url("teams", challenge) + "?page=2")
    assert [row.team.name for row in second.context["rows"]] == [
        f"Équipe {i}" for i in range(20, 25)
    ]
    assert far.household.name in text(second)
    # A page out of range or not a number shows the nearest page, never an error.
    assert client.get(url("teams", challenge) + "?page=99").context["page_obj"].number == 2
    assert client.get(url("teams", challenge) + "?page=x").context["page_obj"].number == 1


def test_the_organiser_finds_a_team_by_household_captain_or_name(
    client, organiser, challenge
) -> None:
    crest = TeamFactory(challenge=challenge, name="Crest Centre")
    full = TeamFactory(challenge=challenge, name="Les Sobres")
    members = fill(full, 3)
    full.captain = members[0].household.members.get()
    full.captain_trained = True
    full.save()
    target = household(challenge, crest)
    client.force_login(organiser)

    def names(query: str) -> list[str]:
        response = client.get(url("teams", challenge) + query)
        assert response.status_code == 200
        return [row.team.name for row in response.context["rows"]]

    assert names("?q=crest") == ["Crest Centre"]
    assert names("?q=" + target.household.name) == ["Crest Centre"]
    assert names("?q=" + full.captain.email) == ["Les Sobres"]
    # « à compléter »: fewer than three households, or a captain missing or untrained.
    assert names("?a_completer=on") == ["Crest Centre"]
    assert names("?q=personne") == []
    page = text(client.get(url("teams", challenge) + "?q=personne"))
    assert "0 équipe correspond à la recherche" in page
    assert "Aucune équipe ne correspond à la recherche." in page
    # Hostile or over-long searches are a message or nothing found, never a 500.
    assert client.get(url("teams", challenge) + "?q=" + "x" * 500).status_code == 200
    assert client.get(url("teams", challenge) + "?q=%27%3B--").status_code == 200


def test_a_household_of_another_page_is_moved_and_the_organiser_stays_on_his_page(
    client, organiser, challenge
) -> None:
    teams = [TeamFactory(challenge=challenge, name=f"Équipe {i:02d}") for i in range(25)]
    far = household(challenge, teams[-1])
    client.force_login(organiser)
    response = client.post(
        url("team_move", challenge) + "?page=2&q=quipe&autre=1",
        {"registration": far.pk, "team": teams[0].pk},
    )
    assert response.status_code == 302
    assert response["Location"] == url("teams", challenge) + "?page=2&q=quipe"
    far.refresh_from_db()
    assert far.team == teams[0]
    # A refused move shows the page again with the household still offered.
    response = client.post(
        url("team_move", challenge) + "?page=2", {"registration": far.pk, "team": 999_999}
    )
    assert response.status_code == 400
    assert "Cette équipe n'existe pas dans ce défi." in text(response)
    offered = {value for value, _ in response.context["move_form"].fields["registration"].choices}
    assert far.pk in offered


def test_the_organiser_creates_a_team(client, organiser, challenge) -> None:
    client.force_login(organiser)
    response = client.post(url("team_create", challenge), {"name": "Les Sobres"})
    assert response.status_code == 302
    assert challenge.teams.get().name == "Les Sobres"
    response = client.post(url("team_create", challenge), {"name": "les sobres"}, follow=False)
    assert response.status_code == 400
    assert "Une équipe s'appelle déjà" in text(response)
    response = client.post(url("team_create", challenge), {"name": "  "})
    assert response.status_code == 400
    assert challenge.teams.count() == 1


def test_the_organiser_moves_a_household_and_is_warned(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    registration = household(challenge)
    client.force_login(organiser)
    response = client.post(
        url("team_move", challenge), {"registration": registration.pk, "team": team.pk}, follow=True
    )
    registration.refresh_from_db()
    assert registration.team == team
    page = text(response)
    assert "est dans l'équipe « Crest 1 »" in page
    assert "incomplète (1 foyer)" in page
    client.post(url("team_move", challenge), {"registration": registration.pk, "team": ""})
    registration.refresh_from_db()
    assert registration.team is None


def test_moving_into_a_full_team_is_refused_with_a_message(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    fill(team, 10)
    registration = household(challenge)
    client.force_login(organiser)
    response = client.post(
        url("team_move", challenge), {"registration": registration.pk, "team": team.pk}
    )
    assert response.status_code == 400
    assert "L'équipe « Crest 1 » est complète" in text(response)
    registration.refresh_from_db()
    assert registration.team is None


def test_once_running_the_organiser_cannot_shrink_a_team_below_three(
    client, organiser, running
) -> None:
    team = TeamFactory(challenge=running, name="Crest 1")
    first, *_rest = fill(team, 3)
    client.force_login(organiser)
    response = client.post(url("team_move", running), {"registration": first.pk, "team": ""})
    assert response.status_code == 400
    assert "ne peut pas descendre sous 3 foyers" in text(response)
    first.refresh_from_db()
    assert first.team == team


def test_a_household_of_another_challenge_cannot_be_moved(client, organiser, challenge) -> None:
    stranger = RegistrationFactory()
    client.force_login(organiser)
    response = client.post(url("team_move", challenge), {"registration": stranger.pk, "team": ""})
    assert response.status_code == 400
    assert "n'est pas retenu pour ce défi" in text(response)


def test_the_organiser_sets_the_captain_and_the_trained_flag(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    first, *_rest = fill(team, 3)
    captain = first.household.members.get()
    client.force_login(organiser)
    response = client.post(
        url("team_captain", challenge, team.pk), {"captain": captain.pk, "captain_trained": "on"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.captain, team.captain_trained) == (captain, True)


def test_a_captain_outside_the_team_is_refused(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    fill(team, 3)
    outsider = household(challenge).household.members.get()
    client.force_login(organiser)
    response = client.post(url("team_captain", challenge, team.pk), {"captain": outsider.pk})
    assert response.status_code == 400
    assert "doit faire partie d'un foyer de l'équipe" in text(response)
    response = client.post(url("team_captain", challenge, team.pk), {"captain_trained": "on"})
    assert response.status_code == 400
    team.refresh_from_db()
    assert team.captain is None


def test_the_captain_page_offers_the_team_members_and_keeps_the_organisers_place(
    client, organiser, challenge
) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    first, second, _third = fill(team, 3)
    outsider = household(challenge, email="dehors@example.org")
    gone = second.household.members.get()
    gone.erased_at = gone.date_joined
    gone.save()
    captain = first.household.members.get()
    team.captain = captain
    team.save()
    client.force_login(organiser)
    # The page of teams links to it, with the page and search it shows.
    listing = text(client.get(url("teams", challenge) + "?page=1&q=Crest"))
    assert f'href="{url("team_captain", challenge, team.pk)}?page=1&q=Crest"' in listing
    assert 'name="captain"' not in listing  # no form per team on the page of teams
    response = client.get(url("team_captain", challenge, team.pk) + "?page=1&q=Crest")
    assert response.status_code == 200
    page = text(response)
    assert "Capitaine de l'équipe Crest 1" in page
    offered = {value for value, _ in response.context["form"].fields["captain"].choices}
    assert captain.pk in offered
    assert gone.pk not in offered  # an erased account is not offered
    assert outsider.household.members.get().pk not in offered
    assert response.context["form"]["captain"].value() == captain.pk
    # A refused choice stays on the page, with the message and the ticked box.
    response = client.post(
        url("team_captain", challenge, team.pk) + "?page=1&q=Crest",
        {"captain": "", "captain_trained": "on"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Désignez d'abord un·e capitaine avant de cocher « formé·e »." in page
    assert response.context["form"]["captain_trained"].value() is True
    team.refresh_from_db()
    assert team.captain == captain
    # Saved, the organiser is back on the page of teams they came from.
    response = client.post(
        url("team_captain", challenge, team.pk) + "?page=1&q=Crest",
        {"captain": captain.pk, "captain_trained": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("teams", challenge) + "?page=1&q=Crest"
    team.refresh_from_db()
    assert team.captain_trained is True


def test_the_captain_page_of_an_empty_team_says_what_to_do(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    client.force_login(organiser)
    response = client.get(url("team_captain", challenge, team.pk))
    assert response.status_code == 200
    assert "ne compte encore aucun foyer" in text(response)


def test_the_captain_page_is_the_organisers(client, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    member = fill(team, 3)[0].household.members.get()
    client.force_login(member)
    assert client.get(url("team_captain", challenge, team.pk)).status_code == 403
    other = ChallengeFactory(territory=challenge.territory, slug="autre")
    response = client.get(url("team_captain", other, team.pk))
    assert response.status_code == 404


def test_only_an_empty_team_is_deleted(client, organiser, challenge) -> None:
    full = TeamFactory(challenge=challenge, name="Pleine")
    fill(full, 1)
    empty = TeamFactory(challenge=challenge, name="Vide")
    client.force_login(organiser)
    response = client.post(url("team_delete", challenge, full.pk), follow=True)
    assert "compte encore des foyers" in text(response)
    client.post(url("team_delete", challenge, empty.pk))
    assert list(challenge.teams.values_list("name", flat=True)) == ["Pleine"]


def test_the_suggestion_is_previewed_then_confirmed(client, organiser, challenge) -> None:
    crest = challenge.territory.communes.first()
    for _index in range(4):
        household(challenge)
    client.force_login(organiser)
    response = client.get(url("teams_suggest", challenge))
    assert response.status_code == 200
    assert f"{crest.name} 1" in text(response)
    assert not challenge.teams.exists()
    response = client.post(url("teams_suggest", challenge), follow=True)
    assert "1 équipe créée." in text(response)
    team = challenge.teams.get()
    assert (team.name, team.registrations.count(), team.commune) == (f"{crest.name} 1", 4, crest)


# --- team page ---------------------------------------------------------------


def test_members_see_first_names_and_communes_but_no_emails(client, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    mine = household(challenge, team, email="moi@example.org", name="Alix")
    household(challenge, team, email="voisine@example.org", name="Bérénice")
    client.force_login(mine.household.members.get())
    response = client.get(url("team", challenge, team.pk))
    page = text(response)
    assert response.status_code == 200
    assert "Alix" in page
    assert "Bérénice" in page
    assert "voisine@example.org" not in page
    assert team.invite_code in page
    assert url("join_team_code", challenge, team.invite_code) in page
    assert "Équipe incomplète" in page
    assert url("captain", challenge, team.pk) not in page


def test_the_organiser_sees_emails_on_the_team_page(client, organiser, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    household(challenge, team, email="voisine@example.org")
    client.force_login(organiser)
    assert "voisine@example.org" in text(client.get(url("team", challenge, team.pk)))


def test_the_captain_gets_a_link_to_the_dashboard(client, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    captain = household(challenge, team).household.members.get()
    team.captain = captain
    team.save()
    client.force_login(captain)
    assert url("captain", challenge, team.pk) in text(client.get(url("team", challenge, team.pk)))


def test_another_team_page_is_not_found(client, challenge) -> None:
    mine = TeamFactory(challenge=challenge)
    theirs = TeamFactory(challenge=challenge)
    user = household(challenge, mine).household.members.get()
    client.force_login(user)
    assert client.get(url("team", challenge, theirs.pk)).status_code == 404
    assert client.get(url("captain", challenge, theirs.pk)).status_code == 404
    assert client.get(url("captain", challenge, mine.pk)).status_code == 403


# --- joining -----------------------------------------------------------------


def test_a_selected_household_joins_with_the_code(client, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    registration = household(challenge)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team", challenge), {"code": team.invite_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == url("team", challenge, team.pk)
    registration.refresh_from_db()
    assert registration.team == team


def test_an_unknown_code_is_an_error_next_to_the_field(client, challenge) -> None:
    registration = household(challenge)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team", challenge), {"code": "ZZZZZZZZ"})
    assert response.status_code == 400
    assert "Ce code d'invitation est inconnu" in text(response)
    assert response.context["form"].errors["code"]


def test_a_code_of_another_challenge_is_refused(client, challenge) -> None:
    elsewhere = TeamFactory(challenge=ChallengeFactory(title="Défi de Die"))
    registration = household(challenge)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team", challenge), {"code": elsewhere.invite_code})
    assert response.status_code == 400
    assert "une équipe d'un autre défi (« Défi de Die »)" in text(response)
    link = url("join_team_code", challenge, elsewhere.invite_code)
    assert client.get(link).status_code == 404


def test_a_full_team_cannot_be_joined(client, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    fill(team, 10)
    registration = household(challenge)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team", challenge), {"code": team.invite_code})
    assert response.status_code == 400
    assert "est complète" in text(response)
    response = client.post(url("join_team_code", challenge, team.invite_code))
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.team is None


def test_a_household_not_selected_yet_keeps_the_code(client, challenge) -> None:
    team = TeamFactory(challenge=challenge, name="Crest 1")
    registration = household(challenge, status=RegistrationStatus.CANDIDATE)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team_code", challenge, team.invite_code), follow=True)
    registration.refresh_from_db()
    assert registration.team is None
    assert registration.requested_team_code == team.invite_code
    page = text(response)
    assert "dès que son inscription sera retenue" in page
    assert "Crest 1" in page


def test_a_household_not_registered_is_pointed_to_registration(client, challenge, member) -> None:
    team = TeamFactory(challenge=challenge)
    client.force_login(member)
    response = client.get(url("join_team_code", challenge, team.invite_code))
    assert url("register", challenge) in text(response)
    response = client.post(url("join_team_code", challenge, team.invite_code))
    assert response.status_code == 400
    assert "n'est pas inscrit à ce défi" in text(response)
    response = client.get(url("join_team", challenge))
    assert url("register", challenge) in text(response)


def test_a_household_not_selected_cannot_join(client, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    registration = household(challenge, status=RegistrationStatus.NOT_SELECTED)
    client.force_login(registration.household.members.get())
    response = client.post(url("join_team_code", challenge, team.invite_code))
    assert response.status_code == 400
    registration.refresh_from_db()
    assert (registration.team, registration.requested_team_code) == (None, "")


def test_a_household_in_another_team_confirms_the_move(client, challenge) -> None:
    mine = TeamFactory(challenge=challenge, name="Mon équipe")
    theirs = TeamFactory(challenge=challenge, name="Leur équipe")
    registration = household(challenge, mine)
    client.force_login(registration.household.members.get())
    link = url("join_team_code", challenge, theirs.invite_code)
    page = text(client.get(link))
    assert "fait déjà partie de l'équipe « Mon équipe »" in page
    assert 'name="move"' in page
    response = client.post(link)
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.team == mine
    client.post(link, {"move": "1"})
    registration.refresh_from_db()
    assert registration.team == theirs


def test_once_running_leaving_a_team_of_three_is_not_offered(client, running) -> None:
    mine = TeamFactory(challenge=running)
    first, *_rest = fill(mine, 3)
    theirs = TeamFactory(challenge=running)
    client.force_login(first.household.members.get())
    link = url("join_team_code", running, theirs.invite_code)
    page = text(client.get(link))
    assert 'name="move"' not in page
    assert "le changement n'est plus possible" in page
    assert client.post(link, {"move": "1"}).status_code == 400
    first.refresh_from_db()
    assert first.team == mine


def test_an_unknown_link_is_not_found(client, challenge, member) -> None:
    client.force_login(member)
    assert client.get(url("join_team_code", challenge, "INCONNU1")).status_code == 404


def test_joining_requires_logging_in(client, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    response = client.get(url("join_team_code", challenge, team.invite_code))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_my_team_redirects_to_the_team_page(client, challenge) -> None:
    team = TeamFactory(challenge=challenge)
    registration = household(challenge, team)
    client.force_login(registration.household.members.get())
    response = client.get(url("my_team", challenge))
    assert response["Location"] == url("team", challenge, team.pk)


def test_my_team_explains_how_to_join_one(client, challenge, member) -> None:
    client.force_login(member)
    page = text(client.get(url("my_team", challenge)))
    assert "de 3 à 10 foyers" in page
    assert url("register", challenge) in page
    team = TeamFactory(challenge=challenge, name="Crest 1")
    RegistrationFactory(
        challenge=challenge,
        household=member.household,
        status=RegistrationStatus.WAITING,
        requested_team_code=team.invite_code,
    )
    page = text(client.get(url("my_team", challenge)))
    assert "rejoindre l'équipe « Crest 1 »" in page
