"""Writes of the registration of a household to a challenge: candidacy,
withdrawal, organisers' decisions and the automatic promotion from the
waiting list."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ConsentText, Household, User
from accounts.services import consent_give
from challenges.models import (
    Challenge,
    Registration,
    RegistrationStatus,
    SelectionRule,
    Theme,
)
from challenges.selection import day_label, decision_record, selection_apply
from challenges.tasks import notify_household
from measures.models import Carrier

# Decisions an organiser may take by hand on one registration.
MANUAL_STATUSES = (
    RegistrationStatus.SELECTED,
    RegistrationStatus.WAITING,
    RegistrationStatus.NOT_SELECTED,
)


class RegistrationError(Exception):
    """A registration change that is refused; the message is for the person."""


def missing_meter_themes(challenge: Challenge, household: Household) -> list[str]:
    """Measured themes of the challenge for which the household has no active
    meter (energy: any energy carrier; water: a water meter; waste: none)."""
    carriers = set(household.meters.filter(is_active=True).values_list("carrier", flat=True))
    missing: list[str] = []
    if Theme.ENERGY in challenge.themes and not carriers - {Carrier.WATER}:
        missing.append(Theme.ENERGY)
    if Theme.WATER in challenge.themes and Carrier.WATER not in carriers:
        missing.append(Theme.WATER)
    return missing


def consent_text_for(challenge: Challenge) -> ConsentText | None:
    return challenge.consent_text or ConsentText.current(ConsentText.TERMS)


@transaction.atomic
def registration_create(
    *,
    challenge: Challenge,
    household: Household,
    user: User,
    team_code: str = "",
    is_association_member: bool = False,
) -> Registration:
    """Record the candidacy (status « candidat »), the consent and the first
    decision row; with the « first registered » rule the household is decided
    at once, since nothing later can change its place."""
    Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
    if not challenge.registration_is_open():
        raise RegistrationError(_("Les inscriptions à ce défi sont fermées."))
    if Registration.objects.filter(challenge=challenge, household=household).exists():
        raise RegistrationError(_("Votre foyer est déjà inscrit à ce défi."))
    if missing_meter_themes(challenge, household):
        raise RegistrationError(_("Déclarez d'abord les compteurs demandés par ce défi."))
    text = consent_text_for(challenge)
    consent = consent_give(user=user, text=text) if text is not None else None
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                challenge=challenge,
                household=household,
                registered_by=user,
                requested_team_code=team_code.strip().upper(),
                is_association_member=is_association_member,
                consent=consent,
            )
    except IntegrityError as error:  # a housemate registered in the same instant
        raise RegistrationError(_("Votre foyer est déjà inscrit à ce défi.")) from error
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Candidature reçue le %(day)s") % {"day": day_label(registration.registered_at)}
    decision_record(
        registration=registration,
        status=RegistrationStatus.CANDIDATE,
        reason=reason,
        decided_by=user,
    )
    notify_household(registration, RegistrationStatus.CANDIDATE)
    if challenge.selection_rule == SelectionRule.FIRST_COME:
        selection_apply(challenge=challenge)
        registration.refresh_from_db()
    return registration


def _waiting_renumber(challenge: Challenge) -> None:
    """Close the gaps in the waiting list (ranks 1, 2, 3 …) after someone left it."""
    for position, registration in enumerate(challenge.registrations.waiting(), start=1):
        if registration.waiting_rank != position:
            registration.waiting_rank = position
            registration.save(update_fields=["waiting_rank"])


def _promote_next(challenge: Challenge, *, skip: int | None = None) -> Registration | None:
    """Give a freed place to the first household of the waiting list (never to
    `skip`, the household an organiser has just moved out of its place)."""
    promoted = None
    if challenge.registrations.selected().count() < challenge.max_households:
        waiting = challenge.registrations.waiting()
        promoted = (waiting.exclude(pk=skip) if skip else waiting).first()
    if promoted is not None:
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Promu depuis la liste d'attente le %(day)s : une place s'est libérée") % {
                "day": day_label(timezone.now())
            }
        decision_record(registration=promoted, status=RegistrationStatus.SELECTED, reason=reason)
        notify_household(promoted, "promoted")
    _waiting_renumber(challenge)
    return promoted


@transaction.atomic
def registration_withdraw(*, registration: Registration, user: User) -> Registration | None:
    """The household leaves the challenge; a place it held goes to the first
    household of the waiting list. Returns the promoted registration, if any."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.WITHDRAWN:
        return None
    held_a_place = registration.status == RegistrationStatus.SELECTED
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Désistement le %(day)s") % {"day": day_label(timezone.now())}
    decision_record(
        registration=registration,
        status=RegistrationStatus.WITHDRAWN,
        reason=reason,
        decided_by=user,
    )
    if held_a_place:
        return _promote_next(registration.challenge)
    _waiting_renumber(registration.challenge)
    return None


@transaction.atomic
def registration_decide(
    *, registration: Registration, status: str, reason: str, decided_by: User
) -> Registration | None:
    """An organiser's decision on one household, with its reason. Returns the
    registration promoted from the waiting list when the decision freed a place."""
    if status not in MANUAL_STATUSES:
        raise RegistrationError(_("Décision inconnue."))
    challenge = registration.challenge
    Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.WITHDRAWN:
        raise RegistrationError(_("Ce foyer s'est désisté : sa décision ne peut plus changer."))
    was_selected = registration.status == RegistrationStatus.SELECTED
    if status == RegistrationStatus.SELECTED and not was_selected:
        taken = challenge.registrations.selected().count()
        if taken >= challenge.max_households:
            raise RegistrationError(
                _(
                    "Le défi est complet (%(n)s foyers retenus) : libérez d'abord une place "
                    "(un foyer non retenu ou mis en liste d'attente)."
                )
                % {"n": taken}
            )
    waiting_rank = None
    if status == RegistrationStatus.WAITING:
        if registration.status == RegistrationStatus.WAITING:
            waiting_rank = registration.waiting_rank
        else:
            waiting_rank = challenge.registrations.waiting().count() + 1
    changed = registration.status != status
    decision_record(
        registration=registration,
        status=status,
        reason=reason,
        decided_by=decided_by,
        waiting_rank=waiting_rank,
    )
    if changed:
        notify_household(registration, status)
    if was_selected and status != RegistrationStatus.SELECTED:
        return _promote_next(challenge, skip=registration.pk)
    _waiting_renumber(challenge)
    return None


@transaction.atomic
def registration_options_update(
    *, registration: Registration, shares_values_with_team: bool, reminders_paused: bool
) -> Registration:
    registration.shares_values_with_team = shares_values_with_team
    registration.reminders_paused = reminders_paused
    registration.save(update_fields=["shares_values_with_team", "reminders_paused"])
    return registration
