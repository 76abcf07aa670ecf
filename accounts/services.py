"""Writes of the accounts module: households, consents, account erasure."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rgpd
from accounts.models import Consent, ConsentText, Household, User

if TYPE_CHECKING:
    from territories.models import Commune


class HouseholdError(Exception):
    """A household change that the user asked for but may not make; the
    message is meant for them."""


@transaction.atomic
def household_create(
    *,
    user: User,
    name: str,
    adults: int,
    children: int,
    housing_type: str,
    main_heating: str,
    commune: Commune,
    surface_m2: int | None = None,
) -> Household:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.household_id is not None:
        raise HouseholdError(_("Vous faites déjà partie d'un foyer."))
    household = Household.objects.create(
        name=name,
        adults=adults,
        children=children,
        housing_type=housing_type,
        surface_m2=surface_m2,
        main_heating=main_heating,
        commune=commune,
    )
    user.household = household
    user.save(update_fields=["household"])
    return household


@transaction.atomic
def household_update(
    *,
    household: Household,
    name: str,
    adults: int,
    children: int,
    housing_type: str,
    main_heating: str,
    commune: Commune,
    surface_m2: int | None = None,
) -> Household:
    household.name = name
    household.adults = adults
    household.children = children
    household.housing_type = housing_type
    household.surface_m2 = surface_m2
    household.main_heating = main_heating
    household.commune = commune
    household.save(
        update_fields=[
            "name",
            "adults",
            "children",
            "housing_type",
            "surface_m2",
            "main_heating",
            "commune",
        ]
    )
    return household


@transaction.atomic
def household_join(*, user: User, household: Household) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.household_id == household.pk:
        return
    if user.household_id is not None:
        raise HouseholdError(
            _(
                "Vous faites déjà partie d'un autre foyer. Quittez-le d'abord, "
                "puis ouvrez à nouveau ce lien d'invitation."
            )
        )
    user.household = household
    user.save(update_fields=["household"])


@transaction.atomic
def household_leave(*, user: User) -> None:
    """Detach the user; a household left by its last member is anonymised,
    since nobody could see or correct it any more."""
    user = User.objects.select_for_update().get(pk=user.pk)
    household = user.household
    if household is None:
        return
    user.household = None
    user.save(update_fields=["household"])
    if not household.members.exists():
        household.anonymize()


@transaction.atomic
def consent_give(*, user: User, text: ConsentText) -> Consent:
    """Idempotent: a second click does not add a second record."""
    consent = Consent.objects.filter(user=user, text=text, withdrawn_at__isnull=True).first()
    return consent or Consent.objects.create(user=user, text=text)


@transaction.atomic
def consent_withdraw(*, consent: Consent) -> None:
    if not consent.text.is_withdrawable or not consent.is_active:
        return
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])


@transaction.atomic
def list_consent_record(
    *,
    email: str,
    scope: str,
    text: ConsentText,
    source: str,
    proof: str = "",
    user: User | None = None,
    double_opt_in: bool = True,
    now: dt.datetime | None = None,
) -> Consent:
    """The consent to receive the mailing list `scope` (e.g.
    ``newsletter:<territory>``), with its proof. With a double opt-in it
    counts once `list_consent_confirm` has recorded the click on the link.
    Idempotent while active."""
    address = email.strip().lower()
    consent = Consent.objects.filter(
        email=address, scope=scope, text=text, withdrawn_at__isnull=True
    ).first()
    if consent is not None:
        return consent
    now = now or timezone.now()
    return Consent.objects.create(
        user=user,
        email=address,
        scope=scope,
        text=text,
        source=source,
        proof=proof,
        given_at=now,
        confirmed_at=None if double_opt_in else now,
    )


@transaction.atomic
def list_consent_confirm(*, consent: Consent, now: dt.datetime | None = None) -> Consent:
    if consent.confirmed_at is None and consent.is_active:
        consent.confirmed_at = now or timezone.now()
        consent.save(update_fields=["confirmed_at"])
    return consent


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Erase the person, keep the anonymous aggregates.

    Every module's registered eraser runs first (they may still need the
    user's links), then the account itself is anonymised rather than deleted,
    so that rows counted in published results keep a valid owner.
    """
    from allauth.account.models import EmailAddress

    user = User.objects.select_for_update().get(pk=user.pk)
    rgpd.run_erasers(user)

    household = user.household
    user.household = None
    user.email = f"supprime-{user.pk}@invalid.elan"
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    # An unusable password also changes the session hash, which logs the
    # user out everywhere whatever the session engine.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.consents.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    _delete_sessions(user)
    if household is not None and not household.members.exists():
        household.anonymize()


def _delete_sessions(user: User) -> None:
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
