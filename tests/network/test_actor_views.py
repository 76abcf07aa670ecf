"""One actor's pages: its entry, kept up to date by its own contact (the
organisers see each change), the HTMX contact log, membership, contacts,
and the organisers' decision on a join request. An actor of another
territory in the address is a 404."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from network.models import (
    Actor,
    ActorChange,
    Contact,
    ContactLog,
    JoinRequestStatus,
    MembershipStatus,
)
from tests.factories import TerritoryFactory, UserFactory
from tests.network.factories import (
    ActorFactory,
    ContactFactory,
    JoinRequestFactory,
    MembershipFactory,
    member_actor,
)

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def url(name: str, *args: object) -> str:
    return reverse(f"network:{name}", args=[SLUG, *args])


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


# --- the entry -----------------------------------------------------------------------


def test_an_actor_of_another_territory_is_a_404(as_organiser, territory) -> None:
    elsewhere = ActorFactory(territory=TerritoryFactory(slug="ailleurs"))
    for name in ("actor_detail", "actor_edit", "membership_edit", "contact_create"):
        assert as_organiser.get(url(name, elsewhere.pk)).status_code == 404
    assert as_organiser.post(url("contact_log_add", elsewhere.pk)).status_code == 404


def test_the_organiser_sees_everything_of_an_actor(as_organiser, actor) -> None:
    ContactFactory(
        actor=actor, first_name="Lou", last_name="Martin", email="lou@repair.example.org"
    )
    page = text(as_organiser.get(url("actor_detail", actor.pk)))
    assert "Repair café de Crest" in page
    assert "lou@repair.example.org" in page
    assert "Journal des échanges" in page


def test_the_actor_contact_keeps_the_entry_up_to_date(
    client, actor, actor_contact, organiser, django_capture_on_commit_callbacks
) -> None:
    client.force_login(actor_contact)
    assert client.get(url("actor_detail", actor.pk)).status_code == 200
    data = {"name": actor.name, "kind": actor.kind, "commune": "26108", "description": "Le samedi."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("actor_edit", actor.pk), data)
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.description == "Le samedi."
    assert actor.last_confirmed_at is not None
    assert [m.to for m in mail.outbox] == [[organiser.email]]

    client.force_login(organiser)
    changes = text(client.get(url("changes")))
    assert "Repair café de Crest" in changes
    assert "Présentation" in changes
    assert "Le samedi." in changes


def test_the_actor_contact_confirms_the_entry_unchanged(client, actor, actor_contact) -> None:
    client.force_login(actor_contact)
    response = client.post(url("actor_confirm", actor.pk), follow=True)
    assert "confirmée à jour" in text(response)
    actor.refresh_from_db()
    assert timezone.localdate(actor.last_confirmed_at) == timezone.localdate()
    assert ActorChange.objects.get().by_contact


def test_the_actor_contact_sees_nothing_of_the_people_nor_of_other_actors(
    client, territory, actor, actor_contact
) -> None:
    ContactFactory(actor=actor, email="collegue@repair.example.org")
    client.force_login(actor_contact)
    page = text(client.get(url("actor_detail", actor.pk)))
    assert "collegue@repair.example.org" not in page
    assert "Journal des échanges" not in page
    assert client.post(url("contact_log_add", actor.pk)).status_code == 403
    assert client.get(url("membership_edit", actor.pk)).status_code == 403
    hidden = ActorFactory(territory=territory, name="Non listé")
    assert client.get(url("actor_detail", hidden.pk)).status_code == 404
    listed = member_actor(territory, name="Listé", listed=True)
    assert client.get(url("actor_detail", listed.pk)).status_code == 403
    assert client.get(url("actor_edit", listed.pk)).status_code == 403


def test_an_actor_contact_without_the_role_has_no_access(client, actor, actor_contact) -> None:
    actor_contact.territory_roles.all().delete()
    client.force_login(actor_contact)
    assert client.get(url("actor_edit", actor.pk)).status_code == 404


def test_my_organisations(client, actor, actor_contact) -> None:
    client.force_login(actor_contact)
    page = text(client.get(reverse("network:my_actors")))
    assert "Repair café de Crest" in page
    client.force_login(UserFactory())
    assert "ne tenez la fiche d'aucune" in text(client.get(reverse("network:my_actors")))


# --- the contact log (HTMX) ------------------------------------------------------------------


def _entry(**extra: str) -> dict[str, str]:
    return {
        "happened_on": timezone.localdate().isoformat(),
        "channel": "telephone",
        "subject": "Appel de suivi",
        "notes": "Prête pour la semaine des déchets.",
        **extra,
    }


def test_an_organiser_logs_a_contact_with_htmx(as_organiser, actor, organiser) -> None:
    response = as_organiser.post(url("contact_log_add", actor.pk), _entry(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "network/manage/_journal.html"
    page = text(response)
    assert "Échange noté." in page
    assert "Appel de suivi" in page
    assert "1 échange" in page
    entry = ContactLog.objects.get()
    assert entry.logged_by == organiser


def test_a_bad_entry_is_answered_next_to_the_field_and_kept(as_organiser, actor) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = as_organiser.post(
        url("contact_log_add", actor.pk), _entry(happened_on=tomorrow), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    page = text(response)
    assert "La date ne peut pas être dans le futur." in page
    assert "Prête pour la semaine des déchets." in page  # nothing lost
    assert not ContactLog.objects.exists()


def test_without_htmx_the_page_answers(as_organiser, actor) -> None:
    response = as_organiser.post(url("contact_log_add", actor.pk), _entry())
    assert response.status_code == 302
    assert response["Location"].endswith("#journal")
    bad = as_organiser.post(url("contact_log_add", actor.pk), _entry(subject=""))
    assert bad.status_code == 400
    assert bad.templates[0].name == "network/manage/actor_detail.html"


def test_logging_a_contact_takes_the_member_off_the_overdue_list(as_organiser, territory) -> None:
    late = member_actor(territory, name="Atelier vélo", days_since_contact=120)
    overdue = reverse("network:overdue", args=[SLUG])
    assert "Atelier vélo" in text(as_organiser.get(overdue))
    as_organiser.post(url("contact_log_add", late.pk), _entry(), HTTP_HX_REQUEST="true")
    assert "Atelier vélo" not in text(as_organiser.get(overdue))


# --- membership and contacts ------------------------------------------------------------------


def test_membership_steps(as_organiser, actor) -> None:
    edit = url("membership_edit", actor.pk)
    assert as_organiser.post(edit, {"action": "candidat"}).status_code == 302
    missing = as_organiser.post(edit, {"action": "decliner", "reason": ""})
    assert missing.status_code == 400
    assert "Indiquez la raison du refus." in text(missing)
    today = timezone.localdate().isoformat()
    assert as_organiser.post(edit, {"action": "membre", "joined_on": today}).status_code == 302
    assert Actor.objects.with_membership().get(pk=actor.pk).membership_status == "membre"
    refused = as_organiser.post(edit, {"action": "decliner", "reason": "Trop loin"})
    assert refused.status_code == 400
    assert "Seule une candidature en cours" in text(refused)


def test_contacts_are_created_edited_and_removed(as_organiser, actor) -> None:
    created = as_organiser.post(
        url("contact_create", actor.pk),
        {"first_name": "Lou", "last_name": "Martin", "email": "lou@repair.example.org"},
    )
    assert created.status_code == 302
    contact = Contact.objects.get()
    twin = as_organiser.post(
        url("contact_create", actor.pk), {"first_name": "Lou", "email": "LOU@repair.example.org"}
    )
    assert twin.status_code == 400
    assert "Lou Martin a déjà cette adresse." in text(twin)
    edited = as_organiser.post(
        url("contact_edit", actor.pk, contact.pk),
        {"first_name": "Lou", "last_name": "Martin", "role": "Trésorière", "email": contact.email},
    )
    assert edited.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Trésorière"
    assert as_organiser.get(url("contact_delete", actor.pk, contact.pk)).status_code == 200
    as_organiser.post(url("contact_delete", actor.pk, contact.pk))
    assert not Contact.objects.exists()


def test_a_contact_of_another_actor_in_the_address_is_a_404(as_organiser, territory, actor) -> None:
    other = ContactFactory(actor=ActorFactory(territory=territory))
    assert as_organiser.get(url("contact_edit", actor.pk, other.pk)).status_code == 404


# --- join requests ---------------------------------------------------------------------------


def test_the_queue_lists_confirmed_requests(as_organiser, territory) -> None:
    JoinRequestFactory(territory=territory, name="Repair café de Saillans")
    JoinRequestFactory(territory=territory, status=JoinRequestStatus.UNCONFIRMED, confirmed_at=None)
    page = text(as_organiser.get(reverse("network:join_requests", args=[SLUG])))
    assert "Repair café de Saillans" in page
    assert "1 demande attend encore la confirmation" in page


def test_accepting_a_request_merges_into_its_duplicate(
    as_organiser, territory, actor, django_capture_on_commit_callbacks
) -> None:
    request = JoinRequestFactory(
        territory=territory,
        name="Le Repair Café de Crest",
        commune=actor.commune,
        email="ines@r.org",
    )
    decide = url("join_request_decide", request.pk)
    page = text(as_organiser.get(decide))
    assert "Doublon possible : « Repair café de Crest »" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(decide, {"decision": "accepter", "merge": str(actor.pk)})
    assert response["Location"] == url("actor_detail", actor.pk)
    assert Actor.objects.count() == 1
    assert actor.contacts.get().email == "ines@r.org"
    assert Actor.objects.with_membership().get().membership_status == MembershipStatus.MEMBER
    assert "Bienvenue" in mail.outbox[0].subject
    again = as_organiser.post(decide, {"decision": "accepter", "merge": "nouveau"})
    assert again.status_code == 409


def test_declining_needs_a_reason_and_e_mails_it(
    as_organiser, territory, django_capture_on_commit_callbacks
) -> None:
    request = JoinRequestFactory(territory=territory, email="loic@vente.example.org")
    decide = url("join_request_decide", request.pk)
    missing = as_organiser.post(decide, {"decision": "decliner", "merge": "nouveau"})
    assert missing.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        as_organiser.post(
            decide, {"decision": "decliner", "merge": "nouveau", "reason": "Hors sujet."}
        )
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.DECLINED
    assert mail.outbox[0].to == ["loic@vente.example.org"]
    assert "Hors sujet." in mail.outbox[0].body
    assert not Actor.objects.exists()


def test_a_request_of_another_territory_is_a_404(as_organiser) -> None:
    elsewhere = JoinRequestFactory(territory=TerritoryFactory())
    assert as_organiser.get(url("join_request_decide", elsewhere.pk)).status_code == 404


def test_a_membership_period_is_listed_on_the_entry(as_organiser, actor) -> None:
    MembershipFactory(actor=actor, joined_on=dt.date(2024, 3, 1))
    assert "depuis le 1 mars 2024" in text(as_organiser.get(url("actor_detail", actor.pk)))
