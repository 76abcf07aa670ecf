"""What the network holds about a person, for the RGPD export and erasure
(accounts/rgpd.py): the contact cards that bear their account or one of its
verified e-mail addresses, and the « rejoindre le réseau » requests they
sent, and the newsletters they wrote or sent (an organiser's authorship).
Erasure removes the cards (the contact log keeps its entries, without
the person) and blanks the requests' personal fields; the actors, their
memberships and the figures stay. A newsletter holds no recipient's data:
what each one got is in the outbox, their consents and unsubscribing in
accounts (exported and erased there); a letter keeps its author's link to
the anonymised account."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from accounts.rgpd import Row, register_eraser, register_retention, register_section
from network.models import Contact, JoinRequest, JoinRequestStatus, Newsletter

if TYPE_CHECKING:
    from accounts.models import User


def _emails(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({e.lower() for e in [user.email, *verified] if e})


def _contacts(user: User) -> QuerySet[Contact]:
    return Contact.objects.annotate(email_lower=Lower("email")).filter(
        Q(user=user) | Q(email_lower__in=_emails(user))
    )


def _requests(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=_emails(user)
    )


def export_contacts(user: User) -> list[Row]:
    contacts = _contacts(user).select_related("actor__territory").order_by("created_at", "pk")
    return [
        {
            "acteur": c.actor.name,
            "territoire": c.actor.territory.name,
            "prenom": c.first_name,
            "nom": c.last_name,
            "fonction": c.role,
            "email": c.email,
            "telephone": c.phone,
            "acces_a_la_fiche": c.user_id == user.pk,
            "cree_le": c.created_at,
            "modifie_le": c.updated_at,
        }
        for c in contacts
    ]


def export_requests(user: User) -> list[Row]:
    requests = _requests(user).select_related("territory").order_by("created_at", "pk")
    return [
        {
            "structure": r.name,
            "territoire": r.territory.name,
            "prenom": r.first_name,
            "nom": r.last_name,
            "fonction": r.role,
            "email": r.email,
            "telephone": r.phone,
            "message": r.message,
            "etat": r.get_status_display(),
            "envoyee_le": r.created_at,
            "confirmee_le": r.confirmed_at,
            "decidee_le": r.decided_at,
            "raison_du_refus": r.decline_reason,
        }
        for r in requests
    ]


def export_newsletters(user: User) -> list[Row]:
    letters = (
        Newsletter.objects.filter(Q(created_by=user) | Q(sent_by=user))
        .select_related("territory")
        .order_by("created_at", "pk")
    )
    return [
        {
            "territoire": n.territory.name,
            "objet": n.subject,
            "etat": n.get_status_display(),
            "redigee_par_moi": n.created_by_id == user.pk,
            "envoyee_par_moi": n.sent_by_id == user.pk,
            "creee_le": n.created_at,
            "envoyee_le": n.sent_at,
        }
        for n in letters
    ]


@transaction.atomic
def erase(user: User) -> None:
    Contact.objects.filter(pk__in=_contacts(user).values("pk")).delete()
    JoinRequest.objects.filter(pk__in=_requests(user).values("pk")).update(
        first_name="", last_name="", role="", email="", phone="", message=""
    )


def register() -> None:
    register_section("reseau_contacts", export_contacts)
    register_section("reseau_demandes_adhesion", export_requests)
    register_section("reseau_lettres", export_newsletters)
    register_eraser(erase)
    register_retention("reseau_demandes_adhesion", anonymise_decided_requests)


def anonymise_decided_requests(limit: dt.datetime) -> int:
    """Join requests accepted or declined before `limit` (an accepted one has
    become an actor with its own contacts): the person's name, address and
    phone go, the organisation's name and the decision stay."""
    decided = JoinRequest.objects.filter(
        status__in=[JoinRequestStatus.ACCEPTED, JoinRequestStatus.DECLINED],
        decided_at__lt=limit,
    )
    return decided.exclude(first_name="", last_name="", email="", phone="").update(
        first_name="", last_name="", email="", phone="", role=""
    )
