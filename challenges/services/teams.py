"""Teams: forming them, moving households, captains, reminders."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.mail import Email, queue_emails
from accounts.models import EmailStream, User
from challenges.models import (
    TEAM_MAX_HOUSEHOLDS,
    TEAM_MIN_HOUSEHOLDS,
    CaptainReminder,
    Challenge,
    Phase,
    Registration,
    RegistrationStatus,
    Team,
)
from challenges.status import data_statuses
from challenges.tasks import DATA_REMINDER_SCOPE
from territories.models import Commune

REMINDER_INTERVAL = dt.timedelta(hours=24)

# From these phases on, households measure as a team: a team must keep its
# minimum size.
_STARTED_PHASES = {Phase.RUNNING, Phase.CLOSED, Phase.ARCHIVED}


def teams_are_locked(challenge: Challenge, today: dt.date | None = None) -> bool:
    """Whether the challenge has started (a move may no longer shrink a team below 3)."""
    today = today or timezone.localdate()
    phase = challenge.phase(today)
    return phase in _STARTED_PHASES or (phase == Phase.REFERENCE and today >= challenge.starts_on)


def _size(team: Team) -> int:
    return Registration.objects.filter(team=team).count()


def _full_message(team: Team) -> str:
    return _(
        "L'équipe « %(name)s » est complète : elle compte déjà %(max)d foyers, le maximum."
    ) % {"name": team.name, "max": TEAM_MAX_HOUSEHOLDS}


@transaction.atomic
def team_create(*, challenge: Challenge, name: str, commune: Commune | None = None) -> Team:
    name = name.strip()
    if Team.objects.filter(challenge=challenge, name__iexact=name).exists():
        raise ValidationError(
            _("Une équipe s'appelle déjà « %(name)s » dans ce défi.") % {"name": name},
            code="duplicate",
        )
    return Team.objects.create(challenge=challenge, name=name, commune=commune)


@transaction.atomic
def team_delete(*, team: Team) -> None:
    if Registration.objects.filter(team=team).exists():
        raise ValidationError(
            _(
                "L'équipe « %(name)s » compte encore des foyers : déplacez-les avant de la supprimer."
            )
            % {"name": team.name},
            code="not_empty",
        )
    team.delete()


def _check_move(registration: Registration, team: Team | None, today: dt.date | None) -> None:
    if registration.status != RegistrationStatus.SELECTED:
        raise ValidationError(
            _("Seuls les foyers retenus pour le défi peuvent faire partie d'une équipe."),
            code="not_selected",
        )
    if team is not None and team.challenge_id != registration.challenge_id:
        raise ValidationError(
            _("Cette équipe appartient à un autre défi que l'inscription du foyer."),
            code="wrong_challenge",
        )
    if team is not None and registration.team_id == team.pk:
        raise ValidationError(
            _("Ce foyer fait déjà partie de l'équipe « %(name)s ».") % {"name": team.name},
            code="same_team",
        )
    if team is not None and _size(team) >= TEAM_MAX_HOUSEHOLDS:
        raise ValidationError(_full_message(team), code="full")
    source = registration.team
    if (
        source is not None
        and teams_are_locked(registration.challenge, today)
        and _size(source) - 1 < TEAM_MIN_HOUSEHOLDS
    ):
        raise ValidationError(
            _(
                "Le défi a commencé : l'équipe « %(name)s » ne peut pas descendre sous "
                "%(min)d foyers. Ajoutez-lui d'abord un autre foyer."
            )
            % {"name": source.name, "min": TEAM_MIN_HOUSEHOLDS},
            code="too_small",
        )


@transaction.atomic
def team_move(
    *, registration: Registration, team: Team | None, today: dt.date | None = None
) -> Registration:
    """Put a selected household in a team, or out of teams (team=None).

    A captain whose household leaves the team stops being its captain."""
    if team is not None:
        # Serialise joins of one team so that two households cannot both be the 10th.
        team = Team.objects.select_for_update().get(pk=team.pk)
    _check_move(registration, team, today)
    source = registration.team
    registration.team = team
    registration.requested_team_code = ""
    registration.save(update_fields=["team", "requested_team_code"])
    if source is not None and source.captain_id is not None:
        captain_household = (
            User.objects.filter(pk=source.captain_id).values_list("household_id", flat=True).first()
        )
        if captain_household == registration.household_id:
            source.captain = None
            source.captain_trained = False
            source.save(update_fields=["captain", "captain_trained"])
    return registration


def team_by_code(challenge: Challenge, code: str) -> Team | None:
    return Team.objects.filter(challenge=challenge, invite_code=code.strip().upper()).first()


@transaction.atomic
def team_join(
    *, registration: Registration, team: Team, move: bool = False, today: dt.date | None = None
) -> Registration:
    """A household joins a team with its invitation code.

    A household not yet selected keeps the code: it joins when selected."""
    if team.challenge_id != registration.challenge_id:
        raise ValidationError(
            _("Ce code d'invitation correspond à une équipe d'un autre défi."),
            code="wrong_challenge",
        )
    if team.challenge.phase(today) in (Phase.CLOSED, Phase.ARCHIVED):
        raise ValidationError(
            _("Le défi est terminé : on ne peut plus rejoindre d'équipe."), code="closed"
        )
    if registration.status in (RegistrationStatus.CANDIDATE, RegistrationStatus.WAITING):
        registration.requested_team_code = team.invite_code
        registration.save(update_fields=["requested_team_code"])
        return registration
    if registration.team_id is not None and registration.team_id != team.pk and not move:
        raise ValidationError(
            _(
                "Votre foyer fait déjà partie de l'équipe « %(name)s ». "
                "Confirmez si vous voulez la quitter pour rejoindre « %(new)s »."
            )
            % {"name": registration.team.name if registration.team else "", "new": team.name},
            code="already_in_team",
        )
    return team_move(registration=registration, team=team, today=today)


@transaction.atomic
def team_set_captain(*, team: Team, captain: User | None, trained: bool) -> Team:
    if (
        captain is not None
        and not Registration.objects.filter(team=team, household__members=captain).exists()
    ):
        raise ValidationError(
            _("Le ou la capitaine doit faire partie d'un foyer de l'équipe « %(name)s ».")
            % {"name": team.name},
            code="not_member",
        )
    team.captain = captain
    team.captain_trained = trained and captain is not None
    team.save(update_fields=["captain", "captain_trained"])
    return team


# --- suggestion by commune ---------------------------------------------------


@dataclass
class SuggestedTeam:
    name: str
    commune: Commune | None
    registrations: list[Registration]


@dataclass
class Suggestion:
    teams: list[SuggestedTeam]
    leftovers: list[Registration]


def _split(items: list[Registration]) -> list[list[Registration]]:
    """Balanced groups of 3–10 (11 → 6 + 5); fewer than 3 → no group."""
    if len(items) < TEAM_MIN_HOUSEHOLDS:
        return []
    count = math.ceil(len(items) / TEAM_MAX_HOUSEHOLDS)
    base, extra = divmod(len(items), count)
    groups, start = [], 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        groups.append(items[start : start + size])
        start += size
    return groups


def _numbered(label: str, taken: set[str]) -> str:
    number = 1
    while f"{label} {number}".lower() in taken:
        number += 1
    name = f"{label} {number}"
    taken.add(name.lower())
    return name


def teams_suggest(*, challenge: Challenge) -> Suggestion:
    """Groups of 3–10 unassigned selected households: same commune first; the
    communes with fewer than 3 are pooled by department, then all together."""
    unassigned = list(
        challenge.registrations.selected()
        .filter(team__isnull=True)
        .select_related("household__commune__department")
        .order_by("household__commune__name", "registered_at", "pk")
    )
    taken = {name.lower() for name in challenge.teams.values_list("name", flat=True)}
    suggested: list[SuggestedTeam] = []
    by_commune: dict[str, list[Registration]] = defaultdict(list)
    for registration in unassigned:
        by_commune[registration.household.commune_id].append(registration)
    rest: list[Registration] = []
    for members in by_commune.values():
        commune = members[0].household.commune
        groups = _split(members)
        for group in groups:
            suggested.append(SuggestedTeam(_numbered(commune.name, taken), commune, group))
        if not groups:
            rest.extend(members)
    by_department: dict[str, list[Registration]] = defaultdict(list)
    for registration in rest:
        by_department[registration.household.commune.department_id].append(registration)
    leftovers: list[Registration] = []
    for members in by_department.values():
        groups = _split(members)
        label = members[0].household.commune.department.name
        for group in groups:
            suggested.append(SuggestedTeam(_numbered(label, taken), None, group))
        if not groups:
            leftovers.extend(members)
    mixed = _split(leftovers)
    for group in mixed:
        suggested.append(SuggestedTeam(_numbered(_("Équipe mixte"), taken), None, group))
    return Suggestion(suggested, [] if mixed else leftovers)


@transaction.atomic
def teams_create_from_suggestion(*, challenge: Challenge) -> list[Team]:
    """Create the suggested teams (recomputed now, from the households still
    unassigned) and put their households in them."""
    created = []
    for group in teams_suggest(challenge=challenge).teams:
        team = Team.objects.create(challenge=challenge, name=group.name, commune=group.commune)
        Registration.objects.filter(pk__in=[r.pk for r in group.registrations]).update(
            team=team, requested_team_code=""
        )
        created.append(team)
    return created


# --- reminders ---------------------------------------------------------------


def reminder_next_possible(registration: Registration) -> dt.datetime | None:
    """When the household may be reminded again, or None if it may be now."""
    last = (
        CaptainReminder.objects.filter(
            registration=registration, sent_at__gt=timezone.now() - REMINDER_INTERVAL
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return last + REMINDER_INTERVAL if last else None


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return _("le %(date)s à %(time)s") % {
        "date": formats.date_format(local, "j F"),
        "time": local.strftime("%H h %M"),
    }


@transaction.atomic
def reminder_send(
    *, team: Team, registration: Registration, sender: User, today: dt.date | None = None
) -> CaptainReminder:
    """E-mail the members of a late household on behalf of its captain."""
    if registration.reminders_paused:
        raise ValidationError(
            _("Ce foyer a mis ses rappels en pause : il ne reçoit pas de relance."),
            code="paused",
        )
    next_at = reminder_next_possible(registration)
    if next_at is not None:
        raise ValidationError(
            _(
                "Ce foyer a déjà été relancé il y a moins de 24 heures. "
                "Prochaine relance possible %(when)s."
            )
            % {"when": _when(next_at)},
            code="too_soon",
        )
    status = data_statuses([registration], today=today)[0]
    if not status.needs_reminder:
        raise ValidationError(_("Ce foyer est à jour : inutile de le relancer."), code="up_to_date")
    recipients = list(
        User.objects.filter(
            household_id=registration.household_id, is_active=True, erased_at__isnull=True
        ).values_list("pk", "email")
    )
    if not recipients:
        raise ValidationError(
            _("Ce foyer n'a aucune adresse e-mail active : relancez-le de vive voix."),
            code="no_address",
        )
    reminder = CaptainReminder.objects.create(team=team, registration=registration, sent_by=sender)
    subject, body = _reminder_email(team, registration, sender, status.behind)
    # One message per member, each with its unsubscribe link (the same list
    # as the daily reminders: being told to enter one's readings).
    queue_emails(
        Email(
            key=f"captain-reminder:{reminder.pk}:{pk}",
            to=email,
            subject=subject,
            body=body,
            stream=EmailStream.REMINDER,
            unsubscribe_scope=DATA_REMINDER_SCOPE,
            reference=f"team:{team.pk}",
        )
        for pk, email in recipients
    )
    return reminder


def _reminder_email(
    team: Team, registration: Registration, sender: User, behind: Sequence[object]
) -> tuple[str, str]:
    challenge = registration.challenge
    context = {
        "team": team,
        "challenge": challenge,
        "household": registration.household,
        "captain": sender.public_name,
        "behind": behind,
        "dashboard_url": settings.SITE_URL + reverse("accounts:dashboard"),
        "challenge_url": settings.SITE_URL + challenge.get_absolute_url(),
    }
    subject = render_to_string("challenges/emails/reminder_subject.txt", context)
    body = render_to_string("challenges/emails/reminder.txt", context)
    return " ".join(subject.split()), body
