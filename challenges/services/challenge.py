"""Writes on a challenge and its kit, and the counts its pages and the API read."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ConsentText, User
from challenges.models import (
    Challenge,
    KitDocument,
    Phase,
    Registration,
    RegistrationStatus,
    Team,
)
from territories.models import Territory

CONSENT_KEY_MAX = 50

_QS = TypeVar("_QS", bound=QuerySet[Challenge])


def with_counts(queryset: _QS) -> _QS:
    """Annotate `selected_count` and `team_count` with one subquery each, so
    that a list of challenges costs one query whatever its length."""
    selected = (
        Registration.objects.filter(challenge=OuterRef("pk"), status=RegistrationStatus.SELECTED)
        .order_by()
        .values("challenge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    teams = (
        Team.objects.filter(challenge=OuterRef("pk"))
        .order_by()
        .values("challenge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        selected_count=Coalesce(Subquery(selected, output_field=IntegerField()), 0),
        team_count=Coalesce(Subquery(teams, output_field=IntegerField()), 0),
    )


def _consent_key(challenge: Challenge) -> str:
    current = challenge.consent_text
    if current is not None:
        # Keep the key when the slug changes: versions of one text stay together.
        return current.key
    key = f"defi-{challenge.territory.slug}-{challenge.slug}"
    return key if len(key) <= CONSENT_KEY_MAX else f"defi-{challenge.territory_id}-{challenge.pk}"


def _consent_set(*, challenge: Challenge, body: str) -> None:
    """A new version of the challenge's data-use text when its body changed."""
    body = body.strip()
    current = challenge.consent_text
    if not body or (current is not None and current.body.strip() == body):
        return
    key = _consent_key(challenge)
    latest = ConsentText.objects.filter(key=key).order_by("-version").first()
    challenge.consent_text = ConsentText.objects.create(
        key=key,
        version=(latest.version + 1) if latest else 1,
        title=_("Usage des données — %(title)s") % {"title": challenge.title},
        body=body,
    )
    challenge.save(update_fields=["consent_text"])


@transaction.atomic
def challenge_create(
    *, territory: Territory, created_by: User, fields: Mapping[str, Any], consent_body: str = ""
) -> Challenge:
    """A new challenge, as a draft: nobody but organisers sees it until published."""
    challenge = Challenge(territory=territory, created_by=created_by, published_at=None, **fields)
    challenge.full_clean()
    challenge.save()
    _consent_set(challenge=challenge, body=consent_body)
    return challenge


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, fields: Mapping[str, Any], consent_body: str = ""
) -> Challenge:
    for name, value in fields.items():
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save()
    _consent_set(challenge=challenge, body=consent_body)
    return challenge


@transaction.atomic
def challenge_publish(*, challenge: Challenge) -> Challenge:
    if challenge.published_at is not None:
        raise ValidationError(_("Ce défi est déjà publié."))
    challenge.published_at = timezone.now()
    challenge.save(update_fields=["published_at"])
    return challenge


@transaction.atomic
def challenge_override_phase(
    *, challenge: Challenge, phase: Phase | str, note: str, user: User
) -> Challenge:
    """Force a phase whatever the dates say, e.g. reopen registrations."""
    phase = Phase(phase)
    if challenge.published_at is None or challenge.archived_at is not None:
        raise ValidationError(_("Seul un défi publié et non archivé peut changer de phase."))
    if phase in (Phase.DRAFT, Phase.ARCHIVED):
        raise ValidationError(_("Utilisez la publication ou l'archivage pour cette phase."))
    return _set_override(challenge, phase=phase, note=note.strip(), user=user)


@transaction.atomic
def challenge_clear_override(*, challenge: Challenge, user: User) -> Challenge:
    """Back to the phase the dates give; who removed it and when is kept."""
    return _set_override(challenge, phase="", note="", user=user)


def _set_override(challenge: Challenge, *, phase: str, note: str, user: User) -> Challenge:
    """Record a forced phase (or its removal, with an empty phase) and who did it."""
    challenge.phase_override = phase
    challenge.phase_override_note = note
    challenge.phase_overridden_at = timezone.now()
    challenge.phase_overridden_by = user
    challenge.save(
        update_fields=[
            "phase_override",
            "phase_override_note",
            "phase_overridden_at",
            "phase_overridden_by",
        ]
    )
    return challenge


@transaction.atomic
def challenge_archive(*, challenge: Challenge) -> Challenge:
    if challenge.published_at is None:
        raise ValidationError(_("Un brouillon ne s'archive pas : publiez-le ou laissez-le."))
    if challenge.archived_at is not None:
        raise ValidationError(_("Ce défi est déjà archivé."))
    challenge.archived_at = timezone.now()
    # An override would hide the archived phase.
    challenge.phase_override = ""
    challenge.save(update_fields=["archived_at", "phase_override"])
    return challenge


@transaction.atomic
def kit_document_add(
    *, challenge: Challenge, kind: str, title: str, file: UploadedFile
) -> KitDocument:
    # The stored name is random so that the file's path cannot be guessed;
    # people download it through the permission-checked view, under its title.
    file.name = f"{secrets.token_urlsafe(16)}{Path(file.name or '').suffix.lower()}"
    last = challenge.kit_documents.order_by("-position").values_list("position", flat=True).first()
    return KitDocument.objects.create(
        challenge=challenge,
        kind=kind,
        title=title,
        file=file,
        position=(last or 0) + 1,
    )


@transaction.atomic
def kit_document_delete(*, document: KitDocument) -> None:
    storage, name = document.file.storage, document.file.name
    document.delete()
    # The file goes once the row is surely gone.
    if name:
        transaction.on_commit(lambda: storage.delete(name))
