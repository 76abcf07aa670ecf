"""The cache of a challenge's results: a ResultSnapshot keyed by the
challenge's data_version and the factor version. Results of a closed
challenge are frozen (`is_final`) until an organiser asks for
`results_recompute`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from challenges.models import Challenge, Phase
from measures.factors import current_factor_set
from measures.models import (
    FactorSet,
    ResultSnapshot,
)
from measures.results.payload import compute_challenge_results

FROZEN_PHASES = {Phase.CLOSED, Phase.ARCHIVED}


def results_invalidate(*, household_id: int) -> None:
    """Mark the results of every challenge the household takes part in as stale.

    Call it in the same transaction as any write of a reading, weighing or bill.
    """
    Challenge.objects.filter(registrations__household_id=household_id).update(
        data_version=F("data_version") + 1
    )


# --- Public entry points ----------------------------------------------------------


def challenge_results(challenge: Challenge, *, today: dt.date | None = None) -> dict[str, Any]:
    """The results payload of a challenge, from the cache when still valid."""
    today = today or timezone.localdate()
    cached = fresh_snapshots([challenge], today=today).get(challenge.pk)
    if cached is not None:
        return cached
    if challenge.phase(today) in FROZEN_PHASES:
        return _compute_and_store(challenge, today=today, final=True)
    return _compute_and_store(challenge, today=today, final=False)


def challenges_results(
    challenges: Sequence[Challenge], *, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """Payloads of several challenges (a territory's page): valid snapshots are
    read in one query; only the stale ones are computed, one by one."""
    today = today or timezone.localdate()
    found = fresh_snapshots(challenges, today=today)
    for challenge in challenges:
        if challenge.pk not in found:
            found[challenge.pk] = challenge_results(challenge, today=today)
    return found


def fresh_snapshots(
    challenges: Sequence[Challenge], *, today: dt.date
) -> dict[int, dict[str, Any]]:
    """The cached payloads still valid, in one query. Valid means: the final
    results of a closed challenge; otherwise results computed today from the
    same data version with the current factor version."""
    if not challenges:
        return {}
    by_id = {c.pk: c for c in challenges}
    running = [c for c in challenges if c.phase(today) not in FROZEN_PHASES]
    factor_set_id = current_factor_set(today).pk if running else None
    found: dict[int, dict[str, Any]] = {}
    rows = (
        ResultSnapshot.objects.filter(challenge_id__in=by_id)
        .order_by("-computed_at")
        .values_list("challenge_id", "data_version", "factor_set_id", "is_final", "payload")
    )
    for challenge_id, version, factors, is_final, payload in rows:
        challenge = by_id[challenge_id]
        if challenge_id in found:
            continue
        if challenge.phase(today) in FROZEN_PHASES:
            fresh = is_final
        else:
            fresh = (
                version == challenge.data_version
                and factors == factor_set_id
                and payload.get("today") == today.isoformat()
            )
        if fresh:
            found[challenge_id] = payload
    return found


@transaction.atomic
def results_recompute(*, challenge: Challenge, today: dt.date | None = None) -> dict[str, Any]:
    """Recompute on an organiser's request, even frozen results of a closed challenge."""
    today = today or timezone.localdate()
    final = challenge.phase(today) in FROZEN_PHASES
    ResultSnapshot.objects.filter(challenge=challenge).delete()
    return _compute_and_store(challenge, today=today, final=final)


def _compute_and_store(
    challenge: Challenge,
    *,
    today: dt.date,
    final: bool,
    factor_set: FactorSet | None = None,
) -> dict[str, Any]:
    factor_set = factor_set or current_factor_set(today)
    payload = compute_challenge_results(challenge, today=today, factor_set=factor_set)
    with transaction.atomic():
        ResultSnapshot.objects.filter(challenge=challenge, is_final=False).delete()
        ResultSnapshot.objects.create(
            challenge=challenge,
            factor_set=factor_set,
            data_version=challenge.data_version,
            payload=payload,
            is_final=final,
        )
    return payload
