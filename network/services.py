"""Writes of the actors' network: actors and their identifiers, members by
right, membership periods, join requests (double opt-in, accepted or
declined with a reason), contacts, the contact log, and the changes actor
contacts make to their own entry.

Every function is keyword-only and atomic; refusals are ValidationErrors
whose messages are for the person (a dict when they belong to a field).
E-mails leave through network.tasks once the transaction commits.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from network import tasks
from network.dedup import find_actor, find_contact
from network.identifiers import (
    normalise_actor_name,
    normalise_insee,
    normalise_register_number,
    normalise_rna,
    normalise_siret,
    validate_local_register,
    validate_postal_code,
    validate_rna,
    validate_siret,
)
from network.models import (
    OPEN_STATUSES,
    Actor,
    ActorChange,
    ActorKind,
    ActorTag,
    ActorTheme,
    ChangeKind,
    Charter,
    Contact,
    ContactLog,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from territories.models import Commune, Role, Territory
from territories.models import Membership as TerritoryRole
from territories.themes import Theme

# The fields of an actor's entry that the forms and the API write.
ACTOR_FIELDS = (
    "name",
    "kind",
    "commune",
    "address",
    "postal_code",
    "website",
    "description",
    "logo",
    "logo_alt",
    "siret",
    "rna",
    "local_register_court",
    "local_register_volume",
    "local_register_folio",
    "listed",
    "practice_sheet_url",
)
CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone")
MAX_TAGS = 20
# A confirmation link is valid this long.
CONFIRMATION_VALIDITY = dt.timedelta(days=7)
# The same entry logged twice within this delay is one entry (a double click).
DOUBLE_SUBMISSION = dt.timedelta(minutes=10)


class NetworkRefused(ValidationError):
    """A write that is refused; the message is for the person."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# Actors: validation


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in ACTOR_FIELDS if name in data}
    if "logo" in values and not values["logo"]:
        values["logo"] = ""  # cleared (False) or never given (None)
    for name in ("name", "address", "logo_alt"):
        if isinstance(values.get(name), str):
            values[name] = " ".join(values[name].split())
    if "siret" in values:
        values["siret"] = normalise_siret(values["siret"] or "")
    if "rna" in values:
        values["rna"] = normalise_rna(values["rna"] or "")
    if "postal_code" in values:
        values["postal_code"] = (values["postal_code"] or "").strip()
    for name in ("local_register_volume", "local_register_folio"):
        if name in values:
            values[name] = normalise_register_number(values[name] or "")
    return values


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _identifier_errors(actor: Actor) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    checks = [
        ("siret", validate_siret),
        ("rna", validate_rna),
        ("postal_code", validate_postal_code),
    ]
    for name, validate in checks:
        value = getattr(actor, name)
        if value:
            try:
                validate(value)
            except ValidationError as error:
                errors[name] = _messages(error)
    department = actor.commune.department_id if actor.commune_id and actor.commune else None
    for name, message in validate_local_register(
        court=actor.local_register_court,
        volume=actor.local_register_volume,
        folio=actor.local_register_folio,
        department=department,
    ).items():
        errors.setdefault(name, []).append(message)
    if actor.kind == ActorKind.COMMUNE and not actor.commune_id:
        errors.setdefault("commune", []).append(_("Indiquez de quelle commune il s'agit."))
    if actor.logo and not actor.logo_alt:
        errors.setdefault("logo_alt", []).append(
            _("Décrivez le logo pour les personnes qui ne le voient pas.")
        )
    return errors


def identifier_errors(actor: Actor) -> dict[str, list[str]]:
    """The entry's own rules on its identifiers (SIRET, RNA, local register,
    postal code, a commune's commune, a logo's description), without the
    uniqueness ones: for the import's dry run, which finds duplicates itself."""
    return _identifier_errors(actor)


def _taken(actor: Actor, message: str, **lookup: Any) -> str | None:
    others = Actor.objects.filter(territory_id=actor.territory_id, **lookup)
    if actor.pk:
        others = others.exclude(pk=actor.pk)
    found = others.order_by("pk").first()
    return message % {"name": found.name} if found else None


def _uniqueness_errors(actor: Actor) -> dict[str, list[str]]:
    """The identifiers and the commune are unique in the territory; so is a
    name in a commune (the deduplication rule)."""
    checks: list[tuple[str, bool, str, dict[str, Any]]] = [
        (
            "siret",
            bool(actor.siret),
            _("Ce SIRET est déjà celui de « %(name)s »."),
            {"siret": actor.siret},
        ),
        (
            "rna",
            bool(actor.rna),
            _("Ce numéro RNA est déjà celui de « %(name)s »."),
            {"rna": actor.rna},
        ),
        (
            "local_register_folio",
            bool(actor.local_register_court),
            _("Cette inscription au registre est déjà celle de « %(name)s »."),
            {
                "local_register_court": actor.local_register_court,
                "local_register_volume": actor.local_register_volume,
                "local_register_folio": actor.local_register_folio,
            },
        ),
        (
            "commune",
            actor.kind == ActorKind.COMMUNE and bool(actor.commune_id),
            _("Cette commune est déjà dans l'annuaire : « %(name)s »."),
            {"kind": ActorKind.COMMUNE, "commune_id": actor.commune_id},
        ),
        (
            "name",
            bool(actor.normalised_name),
            _("« %(name)s » est déjà dans l'annuaire, dans la même commune."),
            {"normalised_name": actor.normalised_name, "commune_id": actor.commune_id},
        ),
    ]
    errors: dict[str, list[str]] = {}
    for field, applies, message, lookup in checks:
        if applies and (problem := _taken(actor, message, **lookup)):
            errors.setdefault(field, []).append(problem)
    return errors


def actor_errors(
    *, territory: Territory, data: dict[str, Any], actor: Actor | None = None
) -> dict[str, list[str]]:
    """What is wrong with these values for an actor of `territory` ({} when
    nothing is): the forms show it next to the fields, the API as a 422."""
    # A copy: a form's instance must not change until the service saves it.
    candidate = _apply(copy.copy(actor) if actor else Actor(territory=territory), _normalised(data))
    candidate.territory = territory
    return {**_uniqueness_errors(candidate), **_identifier_errors(candidate)}


def _apply(actor: Actor, values: dict[str, Any]) -> Actor:
    for name, value in values.items():
        setattr(actor, name, value)
    actor.normalised_name = normalise_actor_name(actor.name)
    return actor


def _validated_save(actor: Actor) -> None:
    errors = {**_uniqueness_errors(actor), **_identifier_errors(actor)}
    if errors:
        raise NetworkRefused(errors)
    actor.full_clean(exclude=["territory"])
    actor.save()


def _set_themes(actor: Actor, codes: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(codes))
    unknown = sorted(set(wanted) - set(Theme.values))
    if unknown:
        raise NetworkRefused({"themes": [_("Thème inconnu : %(t)s.") % {"t": ", ".join(unknown)}]})
    actor.themes.exclude(theme__in=wanted).delete()
    have = set(actor.themes.values_list("theme", flat=True))
    ActorTheme.objects.bulk_create(
        [ActorTheme(actor=actor, theme=code) for code in wanted if code not in have]
    )


def clean_tags(labels: Iterable[str]) -> list[str]:
    tags = [" ".join(label.split()).lower()[:50] for label in labels]
    return list(dict.fromkeys(t for t in tags if t))


def _set_tags(actor: Actor, labels: Iterable[str]) -> None:
    wanted = clean_tags(labels)
    if len(wanted) > MAX_TAGS:
        raise NetworkRefused({"tags": [_("%(n)d mots-clés au plus.") % {"n": MAX_TAGS}]})
    actor.tags.exclude(label__in=wanted).delete()
    have = set(actor.tags.values_list("label", flat=True))
    ActorTag.objects.bulk_create(
        [ActorTag(actor=actor, label=label) for label in wanted if label not in have]
    )


# Actors: writes


@transaction.atomic
def actor_create(
    *,
    territory: Territory,
    data: dict[str, Any],
    user: User | None,
    themes: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> Actor:
    """A new actor of the territory (no membership: see membership_*)."""
    actor = _apply(Actor(territory=territory, created_by=user), _normalised(data))
    _validated_save(actor)
    _set_themes(actor, themes)
    _set_tags(actor, tags)
    return actor


def _snapshot(actor: Actor) -> dict[str, str]:
    """The entry as a person reads it, field by field (for the change list)."""
    shown: dict[str, str] = {}
    for name in ACTOR_FIELDS:
        field = Actor._meta.get_field(name)
        value = getattr(actor, name)
        if getattr(field, "choices", None):
            value = getattr(actor, f"get_{name}_display")() if value else ""
        elif name == "commune":
            value = str(value) if value else ""
        elif name == "logo":
            value = value.name.rsplit("/", 1)[-1] if value else ""
        elif isinstance(value, bool):
            value = _("oui") if value else _("non")
        shown[name] = str(value or "")
    shown["themes"] = ", ".join(actor.theme_labels)
    shown["tags"] = ", ".join(actor.tag_labels)
    return shown


@transaction.atomic
def actor_update(
    *,
    actor: Actor,
    data: dict[str, Any],
    user: User,
    themes: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> Actor:
    """Change an actor's entry. When one of its contacts does it, the entry
    counts as confirmed and the organisers are told what changed."""
    actor = (
        Actor.objects.select_for_update(of=("self",))
        .select_related("territory", "commune")
        .get(pk=actor.pk)
    )
    before = _snapshot(actor)
    _validated_save(_apply(actor, _normalised(data)))
    if themes is not None:
        _set_themes(actor, themes)
    if tags is not None:
        _set_tags(actor, tags)
    after = _snapshot(Actor.objects.prefetch_related("themes", "tags").get(pk=actor.pk))
    diff = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    by_contact = not user.has_perm("network.manage", actor)
    if by_contact:
        actor.last_confirmed_at = _now(now)
        actor.save(update_fields=["last_confirmed_at", "updated_at"])
    if diff or by_contact:
        change = ActorChange.objects.create(
            actor=actor,
            kind=ChangeKind.EDITED if diff else ChangeKind.CONFIRMED,
            by_contact=by_contact,
            changed_by=user,
            diff=diff,
        )
        if by_contact and diff:
            tasks.notify_change(change)
    return actor


@transaction.atomic
def actor_confirm(*, actor: Actor, user: User, now: dt.datetime | None = None) -> Actor:
    """The entry is right as it is: date it (« fiche confirmée le »)."""
    actor.last_confirmed_at = _now(now)
    actor.save(update_fields=["last_confirmed_at", "updated_at"])
    ActorChange.objects.create(
        actor=actor,
        kind=ChangeKind.CONFIRMED,
        by_contact=not user.has_perm("network.manage", actor),
        changed_by=user,
    )
    return actor


# Membership


def current_membership(actor: Actor, *, lock: bool = False) -> Membership | None:
    memberships = Membership.objects.filter(actor=actor).order_by("-pk")
    if lock:
        memberships = memberships.select_for_update()
    return memberships.first()


def _open_membership(actor: Actor) -> Membership | None:
    current = current_membership(actor, lock=True)
    return current if current is not None and current.status in OPEN_STATUSES else None


@transaction.atomic
def membership_candidate(*, actor: Actor, user: User | None) -> Membership:
    """The actor is approached (or asked) to join. Idempotent."""
    current = _open_membership(actor)
    if current is not None:
        return current
    return Membership.objects.create(
        actor=actor, status=MembershipStatus.CANDIDATE, decided_by=user
    )


@transaction.atomic
def membership_join(
    *,
    actor: Actor,
    joined_on: dt.date,
    user: User | None,
    charter: Charter | None = None,
    charter_signed_on: dt.date | None = None,
    by_right: bool = False,
) -> Membership:
    """The actor is a member from `joined_on` (a candidate becomes one; for a
    member, the dates and charter of its current period are corrected)."""
    if charter is not None and charter.territory_id != actor.territory_id:
        raise NetworkRefused({"charter": [_("Cette charte est celle d'un autre territoire.")]})
    if charter_signed_on and charter is None:
        raise NetworkRefused({"charter": [_("Indiquez quelle version de la charte a été signée.")]})
    current = _open_membership(actor) or Membership(actor=actor)
    current.status = MembershipStatus.MEMBER
    current.joined_on = joined_on
    current.by_right = by_right or current.by_right
    if charter is not None:
        current.charter, current.charter_signed_on = charter, charter_signed_on or joined_on
    current.decided_by = user
    current.save()
    return current


@transaction.atomic
def membership_decline(*, actor: Actor, reason: str, user: User | None) -> Membership:
    reason = reason.strip()
    if not reason:
        raise NetworkRefused({"reason": [_("Indiquez la raison : elle est gardée avec la fiche.")]})
    current = _open_membership(actor)
    if current is None or current.status != MembershipStatus.CANDIDATE:
        raise NetworkRefused(_("Seule une candidature en cours peut être déclinée."))
    current.status, current.decline_reason, current.decided_by = (
        MembershipStatus.DECLINED,
        reason,
        user,
    )
    current.save(update_fields=["status", "decline_reason", "decided_by", "updated_at"])
    return current


@transaction.atomic
def membership_leave(*, actor: Actor, left_on: dt.date, user: User | None) -> Membership:
    current = _open_membership(actor)
    if current is None or current.status != MembershipStatus.MEMBER:
        raise NetworkRefused(_("Cet acteur n'est pas membre du réseau."))
    if current.joined_on and left_on < current.joined_on:
        raise NetworkRefused(
            {
                "left_on": [
                    _("La date de départ doit suivre l'adhésion (%(day)s).")
                    % {"day": current.joined_on.strftime("%d/%m/%Y")}
                ]
            }
        )
    current.status, current.left_on, current.decided_by = MembershipStatus.LEFT, left_on, user
    current.save(update_fields=["status", "left_on", "decided_by", "updated_at"])
    return current


@transaction.atomic
def members_by_right(
    *, territory: Territory, user: User | None, today: dt.date | None = None
) -> tuple[int, int]:
    """Every commune of the territory becomes an actor (kind « commune ») and
    a member by right. Idempotent: returns (actors created, memberships
    opened), (0, 0) the second time."""
    today = today or timezone.localdate()
    communes = list(territory.communes.order_by("name"))
    existing = dict(
        Actor.objects.filter(territory=territory, kind=ActorKind.COMMUNE).values_list(
            "commune_id", "pk"
        )
    )
    new = [
        Actor(
            territory=territory,
            kind=ActorKind.COMMUNE,
            commune=commune,
            name=commune.name,
            normalised_name=normalise_actor_name(commune.name),
            postal_code=commune.main_postal_code,
            created_by=user,
        )
        for commune in communes
        if commune.pk not in existing
    ]
    Actor.objects.bulk_create(new)
    ids = [actor.pk for actor in new] + [existing[c.pk] for c in communes if c.pk in existing]
    with_open = set(
        Membership.objects.filter(actor_id__in=ids, status__in=OPEN_STATUSES).values_list(
            "actor_id", flat=True
        )
    )
    opened = Membership.objects.bulk_create(
        [
            Membership(
                actor_id=pk,
                status=MembershipStatus.MEMBER,
                by_right=True,
                joined_on=today,
                decided_by=user,
            )
            for pk in ids
            if pk not in with_open
        ]
    )
    return len(new), len(opened)


# Join requests


JOIN_FIELDS = (
    "name",
    "kind",
    "commune",
    "website",
    "siret",
    "rna",
    "message",
    "listed",
    "first_name",
    "last_name",
    "role",
    "email",
    "phone",
)


@transaction.atomic
def join_request_create(
    *, territory: Territory, data: dict[str, Any], themes: Iterable[str] = ()
) -> JoinRequest:
    """The public form, sent: a confirmation link goes to the e-mail address.
    The same address asking again while a request is open gets the link
    again instead of a second request."""
    email = data["email"].strip()
    pending = (
        JoinRequest.objects.select_for_update()
        .filter(
            territory=territory,
            email__iexact=email,
            status__in=[JoinRequestStatus.UNCONFIRMED, JoinRequestStatus.PENDING],
        )
        .first()
    )
    if pending is not None:
        if pending.status == JoinRequestStatus.UNCONFIRMED:
            tasks.send_join_confirmation(pending)
        return pending
    values = {name: data[name] for name in JOIN_FIELDS if name in data}
    values["siret"] = normalise_siret(values.get("siret", "") or "")
    values["rna"] = normalise_rna(values.get("rna", "") or "")
    errors: dict[str, list[str]] = {}
    for name, validate in (("siret", validate_siret), ("rna", validate_rna)):
        if values[name]:
            try:
                validate(values[name])
            except ValidationError as error:
                errors[name] = _messages(error)
    codes = list(dict.fromkeys(themes))
    if set(codes) - set(Theme.values):
        errors["themes"] = [_("Thème inconnu.")]
    if errors:
        raise NetworkRefused(errors)
    join_request = JoinRequest(
        territory=territory, charter=Charter.current(territory), themes=codes, **values
    )
    join_request.email = email
    join_request.full_clean(exclude=["territory", "charter", "actor"])
    join_request.save()
    tasks.send_join_confirmation(join_request)
    return join_request


def confirmation_problem(join_request: JoinRequest, now: dt.datetime | None = None) -> str:
    """Why the link can no longer confirm the request ("" when it can)."""
    if join_request.status != JoinRequestStatus.UNCONFIRMED:
        return ""
    if _now(now) - join_request.created_at > CONFIRMATION_VALIDITY:
        return _(
            "Ce lien de confirmation a expiré (il est valable 7 jours) : "
            "envoyez à nouveau le formulaire pour en recevoir un autre."
        )
    return ""


@transaction.atomic
def join_request_confirm(*, token: str, now: dt.datetime | None = None) -> JoinRequest:
    """The e-mailed link, followed: the request reaches the organisers.
    Idempotent (a second click changes nothing)."""
    join_request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("territory")
        .get(token=token)
    )
    if join_request.status != JoinRequestStatus.UNCONFIRMED:
        return join_request
    problem = confirmation_problem(join_request, now)
    if problem:
        raise NetworkRefused(problem)
    join_request.status, join_request.confirmed_at = JoinRequestStatus.PENDING, _now(now)
    join_request.save(update_fields=["status", "confirmed_at"])
    tasks.notify_join_request(join_request)
    return join_request


def join_request_match(join_request: JoinRequest) -> Any:
    """The actor of the directory this request most likely is (or None)."""
    return find_actor(
        territory=join_request.territory,
        name=join_request.name,
        commune=join_request.commune,
        siret=join_request.siret,
        rna=join_request.rna,
        contact_email=join_request.email,
    )


def _locked_pending(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("territory", "commune", "charter")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequestStatus.PENDING:
        raise NetworkRefused(_("Cette demande a déjà été traitée."))
    return locked


def _actor_from_request(join_request: JoinRequest, user: User) -> Actor:
    data = {name: getattr(join_request, name) for name in ("name", "kind", "commune", "website")}
    data.update(siret=join_request.siret, rna=join_request.rna, listed=join_request.listed)
    return actor_create(
        territory=join_request.territory, data=data, user=user, themes=join_request.themes
    )


def _merge_request(actor: Actor, join_request: JoinRequest) -> None:
    """Fill what the existing entry lacks; never overwrite what it has."""
    changed = []
    for name in ("website", "siret", "rna"):
        if not getattr(actor, name) and getattr(join_request, name):
            setattr(actor, name, getattr(join_request, name))
            changed.append(name)
    if join_request.listed and not actor.listed:
        actor.listed = True
        changed.append("listed")
    if changed:
        _validated_save(actor)
    have = set(actor.themes.values_list("theme", flat=True))
    _set_themes(actor, [*have, *join_request.themes])


@transaction.atomic
def join_request_accept(
    *,
    join_request: JoinRequest,
    user: User,
    merge_into: Actor | None = None,
    now: dt.datetime | None = None,
) -> Actor:
    """Accept a confirmed request: a new actor, or `merge_into` (the
    duplicate the organiser chose); its contact; its membership, with the
    charter version the person accepted."""
    locked = _locked_pending(join_request)
    now = _now(now)
    if merge_into is not None:
        if merge_into.territory_id != locked.territory_id:
            raise NetworkRefused(_("Cet acteur est celui d'un autre territoire."))
        actor = merge_into
        _merge_request(actor, locked)
    else:
        actor = _actor_from_request(locked, user)
    if find_contact(actor=actor, email=locked.email) is None:
        Contact.objects.create(
            actor=actor,
            first_name=locked.first_name,
            last_name=locked.last_name,
            role=locked.role,
            email=locked.email,
            phone=locked.phone,
        )
    signed_on = timezone.localdate(locked.confirmed_at) if locked.confirmed_at else None
    membership_join(
        actor=actor,
        joined_on=timezone.localdate(now),
        user=user,
        charter=locked.charter,
        charter_signed_on=signed_on if locked.charter else None,
    )
    locked.status, locked.decided_at, locked.decided_by, locked.actor = (
        JoinRequestStatus.ACCEPTED,
        now,
        user,
        actor,
    )
    locked.save(update_fields=["status", "decided_at", "decided_by", "actor"])
    tasks.send_join_decision(locked)
    return actor


@transaction.atomic
def join_request_decline(
    *, join_request: JoinRequest, reason: str, user: User, now: dt.datetime | None = None
) -> JoinRequest:
    """Decline a confirmed request; the reason is e-mailed to the person."""
    reason = reason.strip()
    if not reason:
        raise NetworkRefused(
            {"reason": [_("Indiquez la raison : elle est envoyée à la personne.")]}
        )
    locked = _locked_pending(join_request)
    locked.status, locked.decline_reason = JoinRequestStatus.DECLINED, reason
    locked.decided_at, locked.decided_by = _now(now), user
    locked.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
    tasks.send_join_decision(locked)
    return locked


# Contacts


def _account_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


@transaction.atomic
def contact_save(
    *,
    actor: Actor,
    data: dict[str, Any],
    user: User | None,
    contact: Contact | None = None,
    give_access: bool | None = None,
) -> Contact:
    """Create or update a contact of `actor`. `give_access` links the contact
    to the Élan account with the same e-mail (the person then keeps the
    entry up to date, with the actor-contact role), False unlinks it."""
    contact = contact or Contact(actor=actor)
    for name in CONTACT_FIELDS:
        if name in data:
            value = data[name] or ""
            setattr(contact, name, " ".join(value.split()) if name != "email" else value.strip())
    errors: dict[str, list[str]] = {}
    if twin := find_contact(actor=actor, email=contact.email, exclude=contact):
        errors["email"] = [_("%(name)s a déjà cette adresse.") % {"name": twin.full_name}]
    account = None
    if give_access and contact.email:
        account = _account_for(contact.email)
        if account is None:
            errors["give_access"] = [
                _(
                    "Aucun compte Élan n'utilise cette adresse : la personne crée d'abord "
                    "son compte avec elle, puis vous lui donnez accès."
                )
            ]
    elif give_access:
        errors["give_access"] = [_("Indiquez l'adresse e-mail de son compte Élan.")]
    if errors:
        raise NetworkRefused(errors)
    if give_access is not None:
        contact.user = account
    contact.full_clean(exclude=["actor", "user"])
    contact.save()
    if account is not None:
        TerritoryRole.objects.get_or_create(
            user=account, territory_id=actor.territory_id, role=Role.ACTOR_CONTACT
        )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user: User | None) -> None:
    """The person leaves the actor's file; the contact log keeps the entries
    (without the name)."""
    contact.delete()


# Contact log


@transaction.atomic
def contact_log_add(
    *,
    actor: Actor,
    happened_on: dt.date,
    channel: str,
    subject: str,
    user: User | None,
    notes: str = "",
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> ContactLog:
    """Log an interaction. The same entry sent twice in a row (a double
    click, a retried request) is recorded once."""
    now = _now(now)
    errors: dict[str, list[str]] = {}
    if happened_on > timezone.localdate(now):
        errors["happened_on"] = [_("La date ne peut pas être dans le futur.")]
    if contact is not None and contact.actor_id != actor.pk:
        errors["contact"] = [_("Cette personne n'est pas un contact de cet acteur.")]
    subject = " ".join(subject.split())
    if not subject:
        errors["subject"] = [_("Indiquez l'objet de l'échange.")]
    if errors:
        raise NetworkRefused(errors)
    entry = ContactLog(
        actor=actor,
        happened_on=happened_on,
        channel=channel,
        subject=subject,
        notes=notes.strip(),
        contact=contact,
        logged_by=user,
    )
    entry.full_clean(exclude=["actor", "contact", "logged_by"])
    twin = ContactLog.objects.filter(
        actor=actor,
        happened_on=happened_on,
        channel=channel,
        subject=entry.subject,
        notes=entry.notes,
        logged_by=user,
        created_at__gte=now - DOUBLE_SUBMISSION,
    ).first()
    if twin is not None:
        return twin
    entry.save()
    return entry


def commune_for_insee(code: str) -> Commune | None:
    """The commune of an INSEE code as spreadsheets write it (an
    arrondissement of Paris, Lyon or Marseille is its city)."""
    return Commune.objects.filter(pk=normalise_insee(code)).first()


# Charter


@transaction.atomic
def charter_publish(*, territory: Territory, title: str, body: str, user: User | None) -> Charter:
    """A new version of the charter, in force from today. The previous ones
    stay as they were: the memberships that signed them point to them."""
    last = (
        Charter.objects.select_for_update().filter(territory=territory).order_by("-version").first()
    )
    charter = Charter(
        territory=territory,
        version=(last.version + 1) if last else 1,
        title=" ".join(title.split()),
        body=body.strip(),
        published_on=timezone.localdate(),
    )
    charter.full_clean(exclude=["territory"])
    charter.save()
    return charter


# Good-practice sheets: resources of the commons linked to the actor


def _sheet_titles(actor: Actor) -> str:
    return ", ".join(actor.practice_sheets.order_by("title").values_list("title", flat=True))


@transaction.atomic
def actor_sheets_change(
    *, actor: Actor, user: User, add: Any = None, remove: Any = None
) -> ActorChange | None:
    """Link (`add`) or unlink (`remove`) a commons resource as one of the
    actor's good-practice sheets; logged in the entry's changes, and the
    organisers told when one of the actor's contacts did it."""
    actor = Actor.objects.select_for_update(of=("self",)).get(pk=actor.pk)
    before = _sheet_titles(actor)
    if add is not None:
        actor.practice_sheets.add(add)
    if remove is not None:
        actor.practice_sheets.remove(remove)
    after = _sheet_titles(actor)
    if before == after:
        return None
    by_contact = not user.has_perm("network.manage", actor)
    change = ActorChange.objects.create(
        actor=actor,
        kind=ChangeKind.EDITED,
        by_contact=by_contact,
        changed_by=user,
        diff={"practice_sheets": [before, after]},
    )
    if by_contact:
        tasks.notify_change(change)
    return change
