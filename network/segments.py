"""Segments of the network: which actors' contacts a newsletter or a meeting
invitation goes to. One definition for both, stored as a plain dict (the
newsletter keeps the segment it was sent to):

    {"kinds": ["commune", …], "themes": ["dechets", …], "communes": ["26113", …],
     "statuses": ["membre", …], "trained": "oui" | "non" | "",
     "council": "present" | "absent" | ""}

An empty list or "" means « no condition ». Values are OR-ed within a
criterion and AND-ed across criteria (kind is commune OR association, AND
theme is waste). « Trained » means a contact of the actor was present at a
relay-actor training session; « council » means a contact of the actor was
present (or not) at an actor council — attendance as the events engine marks
it on the registration.

`recipients()` gives the contacts that will get a message, and
`SegmentCount` says who is left out and why: no e-mail address, or
unsubscribed from the list (or from every list).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts.mail import ALL, email_hash, normalise
from accounts.models import EmailSuppression
from events.models import Attendance, EventKind
from network.models import (
    Actor,
    ActorKind,
    ActorQuerySet,
    ActorTheme,
    Contact,
    Invitation,
    MembershipStatus,
)
from territories.models import Territory
from territories.themes import Theme

YES, NO = "oui", "non"
PRESENT, ABSENT = "present", "absent"
CHUNK = 900


@dataclass(frozen=True)
class Segment:
    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    trained: str = ""
    council: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Segment:
        """A stored or posted segment; unknown values are dropped (a theme
        removed from the list since must not break an old newsletter)."""
        # A JSON field edited by hand (the admin) may hold anything.
        data = data if isinstance(data, dict) else {}

        def values_of(name: str) -> list[Any]:
            values = data.get(name) or []
            return list(values) if isinstance(values, list | tuple) else [values]

        def pick(name: str, allowed: set[str]) -> tuple[str, ...]:
            return tuple(sorted({str(v) for v in values_of(name) if str(v) in allowed}))

        communes = values_of("communes")
        return cls(
            kinds=pick("kinds", set(ActorKind.values)),
            themes=pick("themes", set(Theme.values)),
            communes=tuple(
                sorted(
                    {
                        str(c).strip()
                        for c in communes
                        if isinstance(c, str | int) and str(c).strip()
                    }
                )
            ),
            statuses=pick("statuses", set(MembershipStatus.values)),
            trained=str(data.get("trained")) if data.get("trained") in (YES, NO) else "",
            council=str(data.get("council")) if data.get("council") in (PRESENT, ABSENT) else "",
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @property
    def is_everyone(self) -> bool:
        return self == Segment()


def _attended(kind: str) -> Exists:
    return Exists(
        Invitation.objects.filter(
            actor=OuterRef("pk"),
            event__kind=kind,
            registration__attendance=Attendance.PRESENT,
        )
    )


def actors(territory: Territory, segment: Segment) -> ActorQuerySet:
    """The actors of the territory the segment selects."""
    found: ActorQuerySet = Actor.objects.filter(territory=territory)
    if segment.kinds:
        found = found.filter(kind__in=segment.kinds)
    if segment.themes:
        found = found.filter(
            Exists(ActorTheme.objects.filter(actor=OuterRef("pk"), theme__in=segment.themes))
        )
    if segment.communes:
        found = found.filter(commune_id__in=segment.communes)
    if segment.statuses:
        found = found.with_membership().filter(
            membership_status__in=segment.statuses  # type: ignore[misc]
        )
    if segment.trained:
        trained = _attended(EventKind.RELAY_TRAINING)
        found = found.filter(trained if segment.trained == YES else ~trained)
    if segment.council:
        came = _attended(EventKind.ACTOR_COUNCIL)
        found = found.filter(came if segment.council == PRESENT else ~came)
    return found


def contacts(territory: Territory, segment: Segment) -> QuerySet[Contact]:
    """Every contact of the selected actors, with or without an address."""
    return (
        Contact.objects.filter(actor__in=actors(territory, segment).values("pk"))
        .select_related("actor", "actor__commune")
        .order_by("actor__normalised_name", "actor_id", "last_name", "first_name", "pk")
    )


@dataclass
class SegmentCount:
    """Who gets the message, and who is left out and why."""

    recipients: list[Contact] = field(default_factory=list)
    without_email: list[Contact] = field(default_factory=list)
    unsubscribed: list[Contact] = field(default_factory=list)
    duplicates: int = 0  # the same address for two contacts: one message

    @property
    def actors_count(self) -> int:
        return len({c.actor_id for c in self.recipients})


def _suppressed_hashes(addresses: list[str], scope: str) -> set[str]:
    hashes = [email_hash(a) for a in addresses]
    blocked: set[str] = set()
    for start in range(0, len(hashes), CHUNK):
        blocked.update(
            EmailSuppression.objects.filter(
                email_hash__in=hashes[start : start + CHUNK], scope__in=[scope, ALL]
            ).values_list("email_hash", flat=True)
        )
    return blocked


def recipients(territory: Territory, segment: Segment, *, scope: str) -> SegmentCount:
    """The exact list of recipients of a message on the list `scope`: one
    per address (the first contact in the list's order), none to an address
    unsubscribed from that list or from every list. A constant number of
    queries (one, plus one per 900 addresses)."""
    count = SegmentCount()
    found = list(contacts(territory, segment))
    with_address = [c for c in found if c.email.strip()]
    count.without_email = [c for c in found if not c.email.strip()]
    blocked = _suppressed_hashes([c.email for c in with_address], scope)
    seen: set[str] = set()
    for contact in with_address:
        address = normalise(contact.email)
        if email_hash(address) in blocked:
            count.unsubscribed.append(contact)
        elif address in seen:
            count.duplicates += 1
        else:
            seen.add(address)
            count.recipients.append(contact)
    return count


def describe(segment: Segment) -> list[str]:
    """The segment in words, for the page that shows it before sending."""
    kinds = dict(ActorKind.choices)
    themes = dict(Theme.choices)
    statuses = dict(MembershipStatus.choices)
    parts: list[str] = []
    if segment.kinds:
        parts.append(_("Types : %s") % ", ".join(str(kinds[k]) for k in segment.kinds))
    if segment.themes:
        parts.append(_("Thèmes : %s") % ", ".join(str(themes[t]) for t in segment.themes))
    if segment.communes:
        parts.append(_("Communes (code INSEE) : %s") % ", ".join(segment.communes))
    if segment.statuses:
        parts.append(_("Adhésion : %s") % ", ".join(str(statuses[s]) for s in segment.statuses))
    if segment.trained:
        parts.append(
            _("Acteurs formés (formation relais)")
            if segment.trained == YES
            else _("Acteurs pas encore formés")
        )
    if segment.council:
        parts.append(
            _("Présents à au moins un conseil des acteurs")
            if segment.council == PRESENT
            else _("Jamais venus à un conseil des acteurs")
        )
    return parts or [_("Tous les contacts du réseau")]
