"""Meetings and trainings of the actors' network: actor councils, technical
meetings and relay-actor training sessions, run through the events engine
(an `events.Event` of kind ACTOR_COUNCIL, TECHNICAL_MEETING or
RELAY_TRAINING, audience « sur invitation »; a training session's theme is
its module), to which the contacts of a segment are invited.

- The organiser picks a segment (network/segments.py) and sees the exact
  list before sending: who gets an invitation, who is already invited, who
  is left out (no e-mail address, unsubscribed).
- Each contact gets one e-mail (outbox key ``network-invitation:<pk>``,
  stream « campagne », unsubscribe scope ``network-invitations:<territory>``)
  with a personal link to answer without an account, until the start.
- « Je viens » makes an event registration (events.services), on which
  attendance is marked afterwards — on the events engine's attendance
  sheet; « je ne viens pas » / « je suis excusé·e » cancel it.

The figures read one outcome per invitation (`outcome_expression`): the attendance
marked on a seat when there is one (present, absent, excused, or « non
relevé »), otherwise excused when the person said so (or cancelled a seat
through the events engine's link), otherwise « pas venu » (declined or no
answer). People on the sheet without an invitation (walk-ins, added by
hand) are counted beside. Every figure function runs a fixed number of
queries, whatever the number of meetings, invitations or actors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.mail import Email, normalise, queue_emails, register_scope, unsubscribe_url
from accounts.models import EmailStream, User
from events import services as event_services
from events.models import (
    ACTIVE_STATUSES,
    Attendance,
    Audience,
    Event,
    EventKind,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
)
from network import segments
from network.models import (
    ActionStatus,
    Actor,
    CampaignActionDate,
    Contact,
    Invitation,
    InvitationAnswer,
)
from network.services import NetworkRefused
from network.tasks import absolute
from territories.models import Territory
from territories.themes import Theme

NETWORK_KINDS = (EventKind.ACTOR_COUNCIL, EventKind.TECHNICAL_MEETING, EventKind.RELAY_TRAINING)
MEETING_KINDS = (EventKind.ACTOR_COUNCIL, EventKind.TECHNICAL_MEETING)
ANSWERS = (InvitationAnswer.COMING, InvitationAnswer.NOT_COMING, InvitationAnswer.EXCUSED)
# The answer link stays readable this long after the end, then is a 404:
# a personal page is not kept open for ever.
ANSWER_LINK_VALIDITY = dt.timedelta(days=30)
STREAM = EmailStream.CAMPAIGN
SCOPE_PREFIX = "network-invitations:"

PRESENT, ABSENT, EXCUSED, NOT_MARKED, NOT_COMING = (
    "present",
    "absent",
    "excused",
    "not_marked",
    "not_coming",
)


def invitation_scope(territory: Territory) -> str:
    """The list one unsubscribes from with an invitation's link: the
    invitations of that territory's network only (not its newsletter)."""
    return f"{SCOPE_PREFIX}{territory.slug}"


def _scope_label(scope: str) -> str:
    slug = scope.removeprefix(SCOPE_PREFIX)
    name = Territory.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    return _("les invitations aux réunions et formations du réseau d'acteurs de %(name)s") % {
        "name": name
    }


def register_scopes() -> None:
    """Called by network.apps: how the unsubscribe page names the list."""
    register_scope(SCOPE_PREFIX, _scope_label)


def reference(event: Event) -> str:
    """The outbox reference of a meeting's invitations (its mail figures)."""
    return f"network-meeting:{event.pk}"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def network_events(territory: Territory) -> QuerySet[Event]:
    return Event.objects.filter(territory=territory, kind__in=NETWORK_KINDS)


def held(events: QuerySet[Event], now: dt.datetime | None = None) -> QuerySet[Event]:
    """Published (not draft, not cancelled) and started."""
    return events.filter(status=EventStatus.PUBLISHED, starts_at__lte=_now(now))


# --- creating a meeting ---------------------------------------------------------

MEETING_FIELDS = (
    "title",
    "kind",
    "theme",
    "description",
    "starts_at",
    "ends_at",
    "place_name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "access_note",
    "online_url",
    "capacity",
)


@transaction.atomic
def meeting_create(*, territory: Territory, data: dict[str, Any], user: User) -> Event:
    """A draft event « sur invitation », through the events engine; the
    invitations publish it."""
    if data.get("kind") not in NETWORK_KINDS:
        raise NetworkRefused({"kind": _("Choisissez un conseil, une réunion ou une formation.")})
    if data["kind"] == EventKind.RELAY_TRAINING and not data.get("theme"):
        raise NetworkRefused({"theme": _("Choisissez le module (thème) de cette formation.")})
    event = Event(
        territory=territory, audience=Audience.INVITATION, status=EventStatus.DRAFT, contact=user
    )
    values = {name: data[name] for name in MEETING_FIELDS if name in data}
    return event_services.event_save(event=event, data=values, user=user)


# --- whom to invite ----------------------------------------------------------------


@dataclass
class InvitationPreview:
    """The exact list of a sending: who will get an invitation, and who will
    not and why."""

    segment: segments.Segment
    to_invite: list[Contact] = field(default_factory=list)
    already_invited: list[Contact] = field(default_factory=list)
    without_email: list[Contact] = field(default_factory=list)
    unsubscribed: list[Contact] = field(default_factory=list)
    duplicates: int = 0

    @property
    def fingerprint(self) -> str:
        """Changes when the list does: what was shown is what is sent."""
        ids = ",".join(str(c.pk) for c in self.to_invite)
        return hashlib.sha256(ids.encode()).hexdigest()[:20]

    @property
    def actors_count(self) -> int:
        return len({c.actor_id for c in self.to_invite})

    @property
    def empty_message(self) -> str:
        if self.already_invited:
            return _(
                "Tous les contacts joignables de ce segment sont déjà invités : "
                "aucune nouvelle invitation à envoyer."
            )
        return _(
            "Ce segment ne contient aucun contact joignable par e-mail : "
            "aucune invitation n'a été envoyée. Élargissez les critères."
        )


def invitation_preview(*, event: Event, segment: segments.Segment) -> InvitationPreview:
    """Three queries (plus one per 900 addresses): the segment's recipients
    on the invitations list, minus the people already invited (same contact
    or same address)."""
    count = segments.recipients(event.territory, segment, scope=invitation_scope(event.territory))
    invited = list(
        Invitation.objects.filter(event=event).values_list("contact_id", "contact__email")
    )
    invited_ids = {contact_id for contact_id, _email in invited}
    invited_addresses = {normalise(email) for _id, email in invited if email}
    preview = InvitationPreview(
        segment=segment,
        without_email=count.without_email,
        unsubscribed=count.unsubscribed,
        duplicates=count.duplicates,
    )
    for contact in count.recipients:
        if contact.pk in invited_ids or normalise(contact.email) in invited_addresses:
            preview.already_invited.append(contact)
        else:
            preview.to_invite.append(contact)
    return preview


def invite_problem(event: Event, now: dt.datetime | None = None) -> str:
    """Why invitations cannot leave now, or ""."""
    if event.is_cancelled:
        return _("Cette réunion est annulée : on ne peut plus y inviter.")
    if event.has_started(_now(now)):
        return _("Cette réunion a déjà commencé : il est trop tard pour envoyer des invitations.")
    return ""


def _lock(event: Event) -> Event:
    Event.objects.select_for_update().filter(pk=event.pk).values_list("pk").get()
    event.refresh_from_db()
    return event


@transaction.atomic
def invitations_send(
    *,
    event: Event,
    segment: segments.Segment,
    user: User,
    fingerprint: str | None = None,
    now: dt.datetime | None = None,
) -> list[Invitation]:
    """Invite the segment's contacts not invited yet: one invitation and one
    e-mail each. A draft is published first. With `fingerprint` (the
    preview's), a list that changed since the preview is refused. Sending
    the same segment again invites nobody twice."""
    now = _now(now)
    event = _lock(event)
    problem = invite_problem(event, now)
    if problem:
        raise NetworkRefused(problem)
    preview = invitation_preview(event=event, segment=segment)
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise NetworkRefused(
            _(
                "La liste des destinataires a changé depuis l'aperçu : "
                "vérifiez-la ci-dessous puis envoyez à nouveau."
            )
        )
    if not preview.to_invite:
        raise NetworkRefused(preview.empty_message)
    if event.is_draft:
        event_services.event_publish(event=event, user=user, now=now)
    created = Invitation.objects.bulk_create(
        [
            Invitation(event=event, actor_id=c.actor_id, contact=c, invited_by=user)
            for c in preview.to_invite
        ],
        batch_size=500,
    )
    for invitation, contact in zip(created, preview.to_invite, strict=True):
        invitation.contact, invitation.actor = contact, contact.actor  # no query per e-mail
    queue_emails([_email(invitation) for invitation in created], now=now)
    event_services.event_save(
        event=event, data={"invited_count": event.network_invitations.count()}, user=user
    )
    return created


def answer_url(invitation: Invitation) -> str:
    return absolute("network:invitation_answer", invitation.token)


def _email(invitation: Invitation) -> Email:
    contact = invitation.contact
    assert contact is not None
    event = invitation.event
    scope = invitation_scope(event.territory)
    context = {
        "invitation": invitation,
        "contact": contact,
        "event": event,
        "territory": event.territory,
        "answer_url": answer_url(invitation),
        "unsubscribe_url": unsubscribe_url(contact.email, scope),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("network/meetings/emails/invitation_subject.txt", context)
        body = render_to_string("network/meetings/emails/invitation_body.txt", context)
    return Email(
        key=f"network-invitation:{invitation.pk}",
        to=contact.email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        stream=STREAM,
        unsubscribe_scope=scope,
        reference=reference(event),
    )


# --- answers and attendance -----------------------------------------------------


def link_expired(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    """A person erased since, or a meeting long over: the link is a 404."""
    return invitation.contact_id is None or _now(now) > (
        invitation.event.ends_at + ANSWER_LINK_VALIDITY
    )


def answer_problem(invitation: Invitation, now: dt.datetime | None = None) -> str:
    """Why the answer cannot change now, or ""."""
    event = invitation.event
    if event.is_cancelled:
        return _("Cette réunion est annulée : il n'y a plus de réponse à donner.")
    if event.has_started(_now(now)):
        return _(
            "La réunion a commencé le %(day)s : les réponses sont closes. "
            "Pour signaler un changement, écrivez à l'équipe d'animation."
        ) % {"day": date_format(timezone.localtime(event.starts_at), "j F Y")}
    return ""


def _reload(invitation: Invitation) -> Invitation:
    """Lock the invitation's row, then read it with what the answer needs
    (a lock on the row only: PostgreSQL refuses FOR UPDATE on outer joins)."""
    Invitation.objects.select_for_update().filter(pk=invitation.pk).values_list("pk").get()
    return Invitation.objects.select_related(
        "event__territory", "contact__user", "registration", "actor"
    ).get(pk=invitation.pk)


def _active(registration: EventRegistration | None) -> bool:
    return registration is not None and registration.status in ACTIVE_STATUSES


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, answer: str, now: dt.datetime | None = None
) -> Invitation:
    """The contact's answer from the e-mailed link, changeable until the
    start. « Vient » takes a seat (or a place on the waiting list) through
    the events engine; « ne vient pas » and « excusé » give it back.
    Answering the same twice changes nothing."""
    now = _now(now)
    if answer not in ANSWERS:
        raise NetworkRefused(
            {"answer": _("Choisissez « je viens », « je ne viens pas » ou « je suis excusé·e ».")}
        )
    invitation = _reload(invitation)
    if invitation.contact is None:
        raise NetworkRefused(_("Cette invitation n'est plus valable."))
    problem = answer_problem(invitation, now)
    if problem:
        raise NetworkRefused(problem)
    registration = invitation.registration
    if answer == InvitationAnswer.COMING:
        if not _active(registration):
            registration = _register(invitation, now)
    elif registration is not None and _active(registration):
        registration.event = invitation.event
        event_services.registration_cancel(registration=registration, now=now)
    changed = ["registration"]
    if invitation.answer != answer:
        invitation.answer, invitation.answered_at = answer, now
        changed += ["answer", "answered_at"]
    invitation.registration = registration
    invitation.save(update_fields=changed)
    return invitation


def _register(invitation: Invitation, now: dt.datetime) -> EventRegistration:
    contact = invitation.contact
    assert contact is not None
    user = contact.user if contact.user is not None and contact.user.is_active else None
    try:
        return event_services.registration_create(
            event=invitation.event,
            user=user,
            name=contact.full_name,
            email=contact.email,
            now=now,
            by_organiser=True,  # the invitation is the organisers' decision
        )
    except event_services.RegistrationRefused as refusal:
        existing = _registration_of(invitation, user)
        if existing is None:
            raise NetworkRefused(refusal.messages) from refusal
        return existing


def _registration_of(invitation: Invitation, user: User | None) -> EventRegistration | None:
    """The person's active seat taken another way (by an organiser on the
    registrations page), if no other invitation holds it."""
    contact = invitation.contact
    assert contact is not None
    person = Q(user__isnull=True, email__iexact=contact.email) | Q(
        user__email__iexact=contact.email
    )
    if user is not None:
        person |= Q(user=user)
    found = (
        invitation.event.registrations.filter(status__in=ACTIVE_STATUSES).filter(person).first()
        if contact.email or user is not None
        else None
    )
    if found is None:
        return None
    taken = Invitation.objects.filter(registration=found).exclude(pk=invitation.pk).exists()
    return None if taken else found


@transaction.atomic
def invitation_mark_present(
    *, invitation: Invitation, now: dt.datetime | None = None
) -> Invitation:
    """An invited contact came without a seat (no answer, or « ne vient
    pas »): the events engine adds them at the door, present, and the seat
    is tied to the invitation so that the figures (and « formé ») see it."""
    now = _now(now)
    invitation = _reload(invitation)
    contact = invitation.contact
    if contact is None:
        raise NetworkRefused(_("Cette personne a été effacée : ajoutez-la sur la feuille."))
    registration = invitation.registration
    if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
        event_services.attendance_mark(registration=registration, attendance=Attendance.PRESENT)
    else:
        try:
            registration = event_services.walk_in_add(
                event=invitation.event, name=contact.full_name, email=contact.email, now=now
            )
        except event_services.RegistrationRefused as refusal:
            raise NetworkRefused(refusal.messages) from refusal
        if Invitation.objects.filter(registration=registration).exclude(pk=invitation.pk).exists():
            return invitation
    invitation.registration = registration
    invitation.save(update_fields=["registration"])
    return invitation


def invitation_from_token(token: str, now: dt.datetime | None = None) -> Invitation | None:
    """The invitation of a valid, unexpired link (None: a 404)."""
    found = (
        Invitation.objects.select_related(
            "event__territory", "event__commune", "contact", "actor", "registration"
        )
        .filter(token=token, event__kind__in=NETWORK_KINDS)
        .first()
    )
    if found is None or link_expired(found, now):
        return None
    return found


# --- figures ----------------------------------------------------------------------


def outcome_expression() -> Case:
    """One outcome per invitation (see the module's docstring)."""
    seat = Q(registration__status=RegistrationStatus.CONFIRMED)
    return Case(
        When(seat & Q(registration__attendance=Attendance.PRESENT), then=Value(PRESENT)),
        When(seat & Q(registration__attendance=Attendance.ABSENT), then=Value(ABSENT)),
        When(seat & Q(registration__attendance=Attendance.EXCUSED), then=Value(EXCUSED)),
        When(seat, then=Value(NOT_MARKED)),
        When(answer=InvitationAnswer.EXCUSED, then=Value(EXCUSED)),
        When(
            Q(
                registration__status=RegistrationStatus.CANCELLED,
                registration__attendance=Attendance.EXCUSED,
            )
            & ~Q(answer=InvitationAnswer.NOT_COMING),
            then=Value(EXCUSED),
        ),
        default=Value(NOT_COMING),
        output_field=CharField(),
    )


@dataclass
class MeetingFigures:
    """One meeting's (or a sum of meetings') invitations, answers and
    attendance. ``present`` counts everyone marked present, invited or not
    (``present_uninvited``: walk-ins and people added by hand)."""

    invited: int = 0
    coming: int = 0
    not_coming: int = 0
    excused_answers: int = 0
    no_answer: int = 0
    present: int = 0
    present_uninvited: int = 0
    excused: int = 0
    absent: int = 0
    not_marked: int = 0

    @property
    def answered(self) -> int:
        return self.coming + self.not_coming + self.excused_answers

    @property
    def present_invited(self) -> int:
        return self.present - self.present_uninvited

    @property
    def attendance_rate(self) -> float | None:
        """Invited contacts present / invited."""
        return self.present_invited / self.invited if self.invited else None

    def add(self, other: MeetingFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_ANSWER_FIELDS: dict[str, str] = {
    InvitationAnswer.COMING: "coming",
    InvitationAnswer.NOT_COMING: "not_coming",
    InvitationAnswer.EXCUSED: "excused_answers",
    InvitationAnswer.PENDING: "no_answer",
}
_OUTCOME_FIELDS: dict[str, str] = {
    PRESENT: "present",
    ABSENT: "absent",
    EXCUSED: "excused",
    NOT_MARKED: "not_marked",
}
_ATTENDANCE_OUTCOMES: dict[str, str] = {
    Attendance.PRESENT: PRESENT,
    Attendance.ABSENT: ABSENT,
    Attendance.EXCUSED: EXCUSED,
    Attendance.UNKNOWN: NOT_MARKED,
}


def figures_for(events: QuerySet[Event] | Sequence[Event]) -> dict[int, MeetingFigures]:
    """Each event's figures, by pk, in two queries whatever their number."""
    if isinstance(events, QuerySet):
        scope: Any = events.values("pk")
    else:
        scope = [event.pk for event in events]
    figures: dict[int, MeetingFigures] = defaultdict(MeetingFigures)
    rows = (
        Invitation.objects.filter(event__in=scope)
        .annotate(outcome=outcome_expression())
        .values("event_id", "answer", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        shown = figures[row["event_id"]]
        shown.invited += row["n"]
        answer_field = _ANSWER_FIELDS[row["answer"]]
        setattr(shown, answer_field, getattr(shown, answer_field) + row["n"])
        outcome_field = _OUTCOME_FIELDS.get(row["outcome"])
        if outcome_field:
            setattr(shown, outcome_field, getattr(shown, outcome_field) + row["n"])
    others = (
        EventRegistration.objects.filter(
            event__in=scope, status=RegistrationStatus.CONFIRMED, network_invitation__isnull=True
        )
        .values("event_id", "attendance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for other in others:
        shown = figures[other["event_id"]]
        outcome_field = _OUTCOME_FIELDS[_ATTENDANCE_OUTCOMES[other["attendance"]]]
        setattr(shown, outcome_field, getattr(shown, outcome_field) + other["n"])
        if other["attendance"] == Attendance.PRESENT:
            shown.present_uninvited += other["n"]
    return dict(figures)


def meeting_figures(event: Event) -> MeetingFigures:
    """Invited, answers, present, excused, absent, « non relevé »: two queries."""
    return figures_for([event]).get(event.pk, MeetingFigures())


@dataclass
class YearFigures:
    """A year of held meetings (published and started), by their start."""

    year: int
    meetings: int = 0
    councils: int = 0
    figures: MeetingFigures = field(default_factory=MeetingFigures)

    @property
    def invited(self) -> int:
        return self.figures.invited

    @property
    def present(self) -> int:
        return self.figures.present

    @property
    def excused(self) -> int:
        return self.figures.excused

    @property
    def absent(self) -> int:
        return self.figures.absent

    @property
    def not_marked(self) -> int:
        return self.figures.not_marked


def meetings_per_year(
    territory: Territory,
    *,
    kinds: Iterable[str] = MEETING_KINDS,
    now: dt.datetime | None = None,
) -> list[YearFigures]:
    """The held councils and technical meetings (or `kinds`) per year, the
    oldest year first: meetings held, invited, present, excused, absent,
    not yet marked. Three queries."""
    events = held(network_events(territory).filter(kind__in=list(kinds)), now)
    figures = figures_for(events)
    years: dict[int, YearFigures] = {}
    for pk, kind, starts_at in events.values_list("pk", "kind", "starts_at"):
        year = timezone.localtime(starts_at).year
        row = years.setdefault(year, YearFigures(year=year))
        row.meetings += 1
        row.councils += kind == EventKind.ACTOR_COUNCIL
        row.figures.add(figures.get(pk, MeetingFigures()))
    return [years[year] for year in sorted(years)]


# --- trainings --------------------------------------------------------------------


def _trained(territory: Territory, theme: str | None = None) -> QuerySet[Invitation]:
    """Invitations of contacts marked present at a relay-actor training
    (as network.segments reads « formé »)."""
    found = Invitation.objects.filter(
        event__territory=territory,
        event__kind=EventKind.RELAY_TRAINING,
        registration__attendance=Attendance.PRESENT,
    )
    return found if theme is None else found.filter(event__theme=theme)


def _trained_actors(territory: Territory, theme: str | None = None) -> QuerySet[Actor]:
    """Trained actors, annotated with ``first_trained_at`` and ``acted``: an
    accepted campaign action (declared by the actor or co-organised with
    it) with a date after that first training."""
    first = (
        _trained(territory, theme)
        .filter(actor=OuterRef("pk"))
        .order_by("event__starts_at")
        .values("event__starts_at")[:1]
    )
    acted = CampaignActionDate.objects.filter(
        Q(action__actor=OuterRef("pk")) | Q(action__partners=OuterRef("pk")),
        action__status=ActionStatus.ACCEPTED,
        starts_at__gt=OuterRef("first_trained_at"),
    )
    return (
        Actor.objects.filter(territory=territory)
        .annotate(first_trained_at=Subquery(first))
        .filter(first_trained_at__isnull=False)
        .annotate(acted=Exists(acted))
    )


@dataclass(frozen=True)
class ModuleFigures:
    theme: str
    label: str
    sessions: int
    trained_contacts: int
    trained_actors: int


@dataclass(frozen=True)
class TrainingImpact:
    """Who the relay-actor training reached and what they did after: the
    seed's « 20–25 people in 5 themes, 73 % ran at least one action »."""

    trained_actors: int
    trained_contacts: int
    acting_actors: int
    sessions: int
    modules: list[ModuleFigures]

    @property
    def acting_share(self) -> float | None:
        return self.acting_actors / self.trained_actors if self.trained_actors else None

    @property
    def acting_percent(self) -> int | None:
        share = self.acting_share
        return None if share is None else round(share * 100)


def theme_label(theme: str) -> str:
    return str(dict(Theme.choices).get(theme, _("Sans module")))


def training_impact(territory: Territory, *, now: dt.datetime | None = None) -> TrainingImpact:
    """Trained actors and contacts, sessions held per module, and the share
    of trained actors that ran an accepted campaign action after their
    first training. Four queries."""
    actors = _trained_actors(territory).aggregate(
        trained=Count("pk"), acting=Count("pk", filter=Q(acted=True))
    )
    trained = _trained(territory)
    contacts = trained.aggregate(n=Count("contact", distinct=True))["n"]
    sessions = dict(
        held(network_events(territory).filter(kind=EventKind.RELAY_TRAINING), now)
        .values_list("theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_theme: dict[str, tuple[int, int]] = {
        row["event__theme"]: (row["contacts"], row["actors"])
        for row in trained.values("event__theme")
        .annotate(contacts=Count("contact", distinct=True), actors=Count("actor", distinct=True))
        .order_by()
    }
    order = [code for code, _label in Theme.choices] + [""]
    modules = [
        ModuleFigures(
            theme=code,
            label=theme_label(code),
            sessions=sessions.get(code, 0),
            trained_contacts=per_theme.get(code, (0, 0))[0],
            trained_actors=per_theme.get(code, (0, 0))[1],
        )
        for code in order
        if code in sessions or code in per_theme
    ]
    return TrainingImpact(
        trained_actors=actors["trained"],
        trained_contacts=contacts,
        acting_actors=actors["acting"],
        sessions=sum(sessions.values()),
        modules=modules,
    )


def trained_actors(territory: Territory, *, theme: str | None = None) -> list[Actor]:
    """The trained actors (of one module), with ``first_trained_at``,
    ``acted`` and ``trained_contacts``: one query."""
    contacts = (
        _trained(territory, theme)
        .filter(actor=OuterRef("pk"))
        .order_by()
        .values("actor")
        .annotate(n=Count("contact", distinct=True))
        .values("n")
    )
    return list(
        _trained_actors(territory, theme)
        .annotate(trained_contacts=Subquery(contacts))
        .select_related("commune")
        .order_by("normalised_name", "pk")
    )


def actor_meetings(actor: Actor) -> list[Invitation]:
    """An actor's invitations to meetings and trainings, latest first, with
    their answer and attendance: one query."""
    return list(
        Invitation.objects.filter(actor=actor, event__kind__in=NETWORK_KINDS)
        .select_related("event", "contact", "registration")
        .annotate(outcome=outcome_expression())
        .order_by("-event__starts_at", "pk")
    )


OUTCOME_LABELS = {
    PRESENT: gettext_lazy("Présent·e"),
    ABSENT: gettext_lazy("Absent·e"),
    EXCUSED: gettext_lazy("Excusé·e"),
    NOT_MARKED: gettext_lazy("Non relevé"),
    NOT_COMING: gettext_lazy("Pas venu·e"),
}
