"""The writes of the network: actors and their identifiers, members by
right, membership periods, contacts, the contact log, the changes an actor's
contact makes, and the overdue list with its weekly digest."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from network import services
from network.models import (
    Actor,
    ActorChange,
    ActorKind,
    ChangeKind,
    ContactLog,
    Membership,
    MembershipStatus,
)
from network.tasks import send_overdue_digest
from territories.models import Membership as TerritoryRole
from territories.models import Role
from tests.factories import CommuneFactory, UserFactory
from tests.network.factories import (
    ActorFactory,
    CharterFactory,
    ContactFactory,
    ContactLogFactory,
    MembershipFactory,
    member_actor,
)

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


def _create(territory, organiser, **data):  # type: ignore[no-untyped-def]
    values = {"name": "La Cagette", "kind": ActorKind.COMPANY, **data}
    return services.actor_create(territory=territory, data=values, user=organiser)


# --- actors -------------------------------------------------------------------


def test_an_actor_is_created_with_normalised_identifiers(territory, organiser) -> None:
    actor = _create(territory, organiser, siret="732 829 320 00074", rna="w261000123")
    assert (actor.siret, actor.rna, actor.normalised_name) == (SIRET, "W261000123", "cagette")
    assert actor.created_by == organiser


def test_an_invalid_siret_is_refused_next_to_its_field(territory, organiser) -> None:
    with pytest.raises(services.NetworkRefused) as refusal:
        _create(territory, organiser, siret="73282932000075")
    assert "clé de contrôle" in refusal.value.message_dict["siret"][0]
    assert not Actor.objects.exists()


def test_identifiers_are_unique_in_a_territory_not_across(
    territory, other_territory, organiser
) -> None:
    _create(territory, organiser, siret=SIRET)
    with pytest.raises(services.NetworkRefused) as refusal:
        _create(territory, organiser, name="Autre nom", siret=SIRET)
    assert refusal.value.message_dict["siret"] == ["Ce SIRET est déjà celui de « La Cagette »."]
    _create(other_territory, organiser, siret=SIRET)  # another territory's directory


def test_a_name_is_unique_in_its_commune(territory, organiser) -> None:
    crest = territory.communes.get()
    _create(territory, organiser, name="Les Colibris", commune=crest)
    with pytest.raises(services.NetworkRefused) as refusal:
        _create(territory, organiser, name="Association Colibris", commune=crest)
    assert "déjà dans l'annuaire" in refusal.value.message_dict["name"][0]
    _create(territory, organiser, name="Colibris", commune=CommuneFactory(insee_code="26289"))


def test_a_local_law_association_has_a_register_reference_and_no_rna(territory, organiser) -> None:
    colmar = CommuneFactory(insee_code="68066", name="Colmar", department__code="68")
    actor = _create(
        territory,
        organiser,
        name="Les Amis du compost",
        kind=ActorKind.ASSOCIATION,
        commune=colmar,
        local_register_court="colmar",
        local_register_volume="45",
        local_register_folio="112",
    )
    assert actor.rna == ""
    assert actor.local_register == "Tribunal judiciaire de Colmar, volume 45, folio 112"
    with pytest.raises(services.NetworkRefused) as refusal:
        _create(
            territory,
            organiser,
            name="Un autre nom",
            commune=colmar,
            local_register_court="colmar",
            local_register_volume="45",
            local_register_folio="112",
        )
    assert "registre" in refusal.value.message_dict["local_register_folio"][0]


def test_a_commune_actor_names_its_commune(territory, organiser) -> None:
    with pytest.raises(services.NetworkRefused) as refusal:
        _create(territory, organiser, name="Mairie", kind=ActorKind.COMMUNE)
    assert "commune" in refusal.value.message_dict


def test_themes_and_tags(territory, organiser) -> None:
    actor = services.actor_create(
        territory=territory,
        data={"name": "Repair", "kind": ActorKind.ASSOCIATION},
        themes=["dechets", "dechets", "energie"],
        tags=["  Réemploi ", "réemploi", "Couture"],
        user=organiser,
    )
    assert sorted(actor.theme_codes) == ["dechets", "energie"]
    assert sorted(actor.tag_labels) == ["couture", "réemploi"]
    with pytest.raises(services.NetworkRefused):
        services.actor_update(actor=actor, data={}, themes=["inconnu"], user=organiser)


def test_an_organiser_edit_keeps_history_without_confirming(territory, organiser, actor) -> None:
    services.actor_update(
        actor=actor, data={"website": "https://repair.example.org"}, user=organiser
    )
    change = ActorChange.objects.get()
    assert (change.kind, change.by_contact) == (ChangeKind.EDITED, False)
    assert change.diff["website"] == ["https://jardins.example.org", "https://repair.example.org"]
    actor.refresh_from_db()
    assert actor.last_confirmed_at is None


def test_a_contact_edit_confirms_the_entry_and_tells_the_organisers(
    territory, organiser, actor, actor_contact, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_update(
            actor=actor,
            data={"description": "Tous les samedis."},
            tags=["réparation"],
            user=actor_contact,
        )
    actor.refresh_from_db()
    assert actor.last_confirmed_at is not None
    change = ActorChange.objects.get()
    assert change.by_contact
    assert change.changed_by == actor_contact
    assert [row[0] for row in change.rows] == ["Présentation", "Mots-clés"]
    assert [m.to for m in mail.outbox] == [[organiser.email]]
    assert "Repair café de Crest" in mail.outbox[0].subject
    assert "Tous les samedis." in mail.outbox[0].body


def test_confirming_an_entry_unchanged_dates_it(actor, actor_contact) -> None:
    moment = timezone.now() - dt.timedelta(minutes=5)
    services.actor_confirm(actor=actor, user=actor_contact, now=moment)
    actor.refresh_from_db()
    assert actor.last_confirmed_at == moment
    assert ActorChange.objects.get().kind == ChangeKind.CONFIRMED


# --- membership -----------------------------------------------------------------


def test_members_by_right_is_one_idempotent_action(territory, organiser) -> None:
    territory.communes.add(CommuneFactory(insee_code="26289", name="Saillans"))
    assert services.members_by_right(territory=territory, user=organiser) == (2, 2)
    assert services.members_by_right(territory=territory, user=organiser) == (0, 0)
    communes = Actor.objects.filter(kind=ActorKind.COMMUNE).with_membership()
    assert sorted(a.name for a in communes) == ["Crest", "Saillans"]
    assert all(a.membership_status == MembershipStatus.MEMBER for a in communes)
    assert Membership.objects.filter(by_right=True, charter=None).count() == 2


def test_members_by_right_reuses_a_commune_already_in_the_directory(territory, organiser) -> None:
    crest = territory.communes.get()
    existing = ActorFactory(
        territory=territory, kind=ActorKind.COMMUNE, commune=crest, name="Mairie de Crest"
    )
    assert services.members_by_right(territory=territory, user=organiser) == (0, 1)
    assert existing.memberships.get().by_right


def test_a_membership_goes_from_candidate_to_member_to_left(actor, organiser) -> None:
    charter = CharterFactory(territory=actor.territory)
    candidate = services.membership_candidate(actor=actor, user=organiser)
    today = timezone.localdate()
    joined = services.membership_join(
        actor=actor, joined_on=today, charter=charter, charter_signed_on=today, user=organiser
    )
    assert joined.pk == candidate.pk
    assert joined.status == MembershipStatus.MEMBER
    left = services.membership_leave(actor=actor, left_on=today, user=organiser)
    assert left.status == MembershipStatus.LEFT
    again = services.membership_candidate(actor=actor, user=organiser)
    assert again.pk != left.pk  # a new period; the old one is kept
    assert actor.memberships.count() == 2


def test_a_candidacy_is_declined_with_a_reason(actor, organiser) -> None:
    services.membership_candidate(actor=actor, user=organiser)
    with pytest.raises(services.NetworkRefused) as refusal:
        services.membership_decline(actor=actor, reason="  ", user=organiser)
    assert "raison" in refusal.value.message_dict["reason"][0]
    declined = services.membership_decline(actor=actor, reason="Hors territoire", user=organiser)
    assert (declined.status, declined.decline_reason) == (
        MembershipStatus.DECLINED,
        "Hors territoire",
    )


def test_leaving_before_joining_is_refused(actor, organiser) -> None:
    today = timezone.localdate()
    services.membership_join(actor=actor, joined_on=today, user=organiser)
    with pytest.raises(services.NetworkRefused) as refusal:
        services.membership_leave(actor=actor, left_on=today - dt.timedelta(days=1), user=organiser)
    assert "left_on" in refusal.value.message_dict


def test_a_charter_of_another_territory_is_refused(actor, other_territory, organiser) -> None:
    with pytest.raises(services.NetworkRefused):
        services.membership_join(
            actor=actor,
            joined_on=timezone.localdate(),
            charter=CharterFactory(territory=other_territory),
            user=organiser,
        )


def test_a_new_charter_is_a_new_version(territory, organiser) -> None:
    first = services.charter_publish(territory=territory, title="Charte", body="v1", user=organiser)
    second = services.charter_publish(
        territory=territory, title="Charte", body="v2", user=organiser
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.body == "v1"


# --- contacts and the contact log ----------------------------------------------------


def test_a_contact_e_mail_appears_once_per_actor(actor, organiser) -> None:
    services.contact_save(
        actor=actor, data={"first_name": "Lou", "email": "lou@a.org"}, user=organiser
    )
    with pytest.raises(services.NetworkRefused) as refusal:
        services.contact_save(
            actor=actor, data={"first_name": "Lou", "email": "LOU@a.org"}, user=organiser
        )
    assert "a déjà cette adresse" in refusal.value.message_dict["email"][0]


def test_giving_access_links_the_account_and_gives_the_role(actor, organiser) -> None:
    user = UserFactory(email="lou@asso.example.org")
    contact = services.contact_save(
        actor=actor,
        data={"first_name": "Lou", "email": "Lou@asso.example.org"},
        give_access=True,
        user=organiser,
    )
    assert contact.user == user
    assert TerritoryRole.objects.filter(
        user=user, territory=actor.territory, role=Role.ACTOR_CONTACT
    ).exists()
    assert user.has_perm("network.edit_actor", actor)
    services.contact_save(actor=actor, contact=contact, data={}, give_access=False, user=organiser)
    contact.refresh_from_db()
    assert contact.user is None


def test_access_needs_an_existing_account(actor, organiser) -> None:
    with pytest.raises(services.NetworkRefused) as refusal:
        services.contact_save(
            actor=actor,
            data={"first_name": "Lou", "email": "personne@example.org"},
            give_access=True,
            user=organiser,
        )
    assert "crée d'abord son compte" in refusal.value.message_dict["give_access"][0]


def test_a_contact_log_entry_sent_twice_is_recorded_once(actor, organiser) -> None:
    kwargs = {
        "actor": actor,
        "happened_on": timezone.localdate(),
        "channel": "telephone",
        "subject": "Appel  de suivi",
        "user": organiser,
    }
    first = services.contact_log_add(**kwargs)
    assert services.contact_log_add(**kwargs) == first
    assert first.subject == "Appel de suivi"
    assert ContactLog.objects.count() == 1


def test_a_contact_log_entry_cannot_be_in_the_future(actor, organiser) -> None:
    with pytest.raises(services.NetworkRefused) as refusal:
        services.contact_log_add(
            actor=actor,
            happened_on=timezone.localdate() + dt.timedelta(days=1),
            channel="email",
            subject="Plus tard",
            user=organiser,
        )
    assert refusal.value.message_dict["happened_on"] == ["La date ne peut pas être dans le futur."]


def test_a_contact_of_another_actor_is_refused(actor, territory, organiser) -> None:
    stranger = ContactFactory(actor=ActorFactory(territory=territory))
    with pytest.raises(services.NetworkRefused):
        services.contact_log_add(
            actor=actor,
            happened_on=timezone.localdate(),
            channel="email",
            subject="Bonjour",
            contact=stranger,
            user=organiser,
        )


# --- last contact, overdue members, digest ----------------------------------------------


def _annotated(territory):  # type: ignore[no-untyped-def]
    return Actor.objects.filter(territory=territory).with_membership().with_last_contact()


def test_the_last_contact_is_annotated(territory) -> None:
    actor = member_actor(territory, days_since_contact=200)
    ContactLogFactory(actor=actor, happened_on=timezone.localdate() - dt.timedelta(days=10))
    found = _annotated(territory).get(pk=actor.pk)
    assert found.last_contact_on == timezone.localdate() - dt.timedelta(days=10)


def test_overdue_members(territory) -> None:
    today = timezone.localdate()
    late = member_actor(territory, days_since_contact=91, name="Tardif")
    member_actor(territory, days_since_contact=90, name="Pile à l'heure")
    never = member_actor(territory, name="Jamais contacté")  # joined 400 days ago
    newcomer = ActorFactory(territory=territory, name="Nouveau")
    MembershipFactory(actor=newcomer, joined_on=today - dt.timedelta(days=10))
    old_friend = ActorFactory(territory=territory, name="Parti")  # not a member any more
    MembershipFactory(actor=old_friend, status=MembershipStatus.LEFT)
    overdue = set(_annotated(territory).overdue(today=today))
    assert overdue == {late, never}
    assert set(_annotated(territory).overdue(today=today, days=30)) == {
        late,
        never,
        Actor.objects.get(name="Pile à l'heure"),
    }


def test_the_weekly_digest_mails_each_organiser_once_a_day(
    territory, organiser, django_capture_on_commit_callbacks
) -> None:
    member_actor(territory, days_since_contact=120, name="Atelier vélo")
    member_actor(territory, days_since_contact=5, name="Repair café")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [organiser.email]
    assert "1 membre du réseau à recontacter" in message.subject
    assert "Atelier vélo" in message.body
    assert "Repair café" not in message.body
    assert "List-Unsubscribe" in message.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_digest()  # the same day again: the outbox keeps the first
    assert len(mail.outbox) == 1


def test_no_digest_without_overdue_members(territory, organiser) -> None:
    member_actor(territory, days_since_contact=5)
    assert send_overdue_digest() == 0


def test_the_digest_command(territory, organiser, django_capture_on_commit_callbacks) -> None:
    member_actor(territory, days_since_contact=40)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("network_overdue_digest", "--jours", "30", stdout=out)
    assert "envoyés : 1" in out.getvalue()
    assert "plus de 30 jours" in mail.outbox[0].body
    with pytest.raises(CommandError):
        call_command("network_overdue_digest", "--jours", "0")
