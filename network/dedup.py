"""Is this actor already in the directory? The rule of Club OPTIMO's
spreadsheet, in order of trust: the same SIRET, else the same RNA number,
else the same normalised name in the same commune, else a contact with the
same e-mail address. The first rule that finds someone wins; the reason is
told to the organiser (and to the import's preview)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.identifiers import normalise_actor_name, normalise_rna, normalise_siret
from network.models import Actor, Contact
from territories.models import Commune, Territory

REASONS = {
    "siret": _("même SIRET"),
    "rna": _("même numéro RNA"),
    "name": _("même nom dans la même commune"),
    "email": _("un contact a la même adresse e-mail"),
}


@dataclass(frozen=True)
class Match:
    actor: Actor
    rule: str  # siret, rna, name, email

    @property
    def reason(self) -> str:
        return str(REASONS[self.rule])


def find_actor(
    *,
    territory: Territory,
    name: str = "",
    commune: Commune | None = None,
    siret: str = "",
    rna: str = "",
    contact_email: str = "",
    exclude: Actor | None = None,
) -> Match | None:
    """The actor of `territory` these details most likely describe, or None."""
    actors = Actor.objects.filter(territory=territory).select_related("commune")
    if exclude is not None and exclude.pk:
        actors = actors.exclude(pk=exclude.pk)
    siret, rna = normalise_siret(siret), normalise_rna(rna)
    candidates: list[tuple[str, Q]] = []
    if siret:
        candidates.append(("siret", Q(siret=siret)))
    if rna:
        candidates.append(("rna", Q(rna=rna)))
    key = normalise_actor_name(name)
    if key:
        candidates.append(("name", Q(normalised_name=key, commune=commune)))
    if contact_email:
        emails = Contact.objects.filter(email__iexact=contact_email.strip())
        candidates.append(("email", Q(pk__in=emails.values("actor_id"))))
    for rule, condition in candidates:
        found = actors.filter(condition).order_by("pk").first()
        if found is not None:
            return Match(found, rule)
    return None


def find_contact(*, actor: Actor, email: str, exclude: Contact | None = None) -> Contact | None:
    """The contact of `actor` with this e-mail address (whatever its case)."""
    email = email.strip()
    if not email:
        return None
    contacts = actor.contacts.filter(email__iexact=email)
    if exclude is not None and exclude.pk:
        contacts = contacts.exclude(pk=exclude.pk)
    return contacts.order_by("pk").first()
