"""The cache of a challenge's results: a ResultSnapshot keyed by the
challenge's data_version and the factor version. Results of a closed
challenge are frozen (`is_final`) until an organiser asks for
`results_recompute`.

Each snapshot also stores its public part (`public_payload`: no household,
no exclusion detail), which the public pages read instead of the whole
payload: at 40,000 households the whole one is tens of megabytes of JSON.

With `ELAN_RESULTS_PRECOMPUTE` (on when a broker runs the tasks), every write
that makes results stale schedules `measures.tasks.precompute_results` for its
challenges after commit, at most once per challenge per debounce window, and
factor or degree-day changes schedule every running challenge. A page view
then reads the latest snapshot, even a few seconds old while the task runs:
only a challenge that never had a snapshot is computed on a page view."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.mail import BROKER_ERRORS
from challenges.models import Challenge, Phase
from measures.factors import current_factor_set
from measures.models import (
    FactorSet,
    ResultSnapshot,
)
from measures.results.payload import compute_challenge_results

logger = logging.getLogger(__name__)
FROZEN_PHASES = {Phase.CLOSED, Phase.ARCHIVED}
# Keys of the payload that name or describe single households: never public.
PRIVATE_KEYS = ("households", "excluded")


def public_part(payload: dict[str, Any]) -> dict[str, Any]:
    """The aggregates anyone may read: no household, no exclusion detail."""
    return {key: value for key, value in payload.items() if key not in PRIVATE_KEYS}


def precompute_enabled() -> bool:
    return bool(getattr(settings, "ELAN_RESULTS_PRECOMPUTE", False))


def results_invalidate(*, household_id: int) -> None:
    """Mark the results of every challenge the household takes part in as stale.

    Call it in the same transaction as any write of a reading, weighing or bill.
    """
    challenges = Challenge.objects.filter(registrations__household_id=household_id)
    challenges.update(data_version=F("data_version") + 1)
    if precompute_enabled():
        schedule_precompute(list(challenges.values_list("pk", flat=True)))


def schedule_precompute(challenge_ids: Sequence[int]) -> int:
    """Queue the computation of these challenges' results after commit, once
    per challenge per debounce window (a 5,000-row import queues one task per
    challenge, not 5,000). Returns how many tasks were queued."""
    if not precompute_enabled():
        return 0
    from measures.tasks import precompute_results

    delay = int(getattr(settings, "ELAN_RESULTS_DEBOUNCE_SECONDS", 5))
    queued = 0
    for challenge_id in dict.fromkeys(challenge_ids):
        # The key lives as long as the task waits: writes meanwhile join it.
        if django_cache.add(f"elan:results-scheduled:{challenge_id}", 1, timeout=max(delay, 1)):
            transaction.on_commit(partial(_queue, precompute_results, challenge_id, delay))
            queued += 1
    return queued


def _queue(task: Any, challenge_id: int, delay: int) -> None:
    """After the write's commit: a broker down must not turn the saved write
    into an error. The page views show the last results meanwhile; the next
    write (or the nightly job) schedules them again."""
    try:
        task.apply_async((challenge_id,), countdown=delay)
    except BROKER_ERRORS as error:
        django_cache.delete(f"elan:results-scheduled:{challenge_id}")
        logger.warning(
            "Défi %s : broker injoignable (%s), calcul des résultats reporté.", challenge_id, error
        )


def running_challenge_ids(today: dt.date | None = None) -> list[int]:
    """Challenges whose results still change: started, not closed."""
    today = today or timezone.localdate()
    candidates = Challenge.objects.filter(
        published_at__isnull=False, starts_on__lte=today, archived_at__isnull=True
    )
    return [c.pk for c in candidates if c.phase(today) not in FROZEN_PHASES and c.measured_themes]


def closed_without_final_ids(today: dt.date | None = None) -> list[int]:
    """Closed challenges whose final results were never stored (nobody opened
    them since the close): the comparison across territories reads final
    results only, so the nightly task stores them."""
    today = today or timezone.localdate()
    candidates = (
        Challenge.objects.filter(published_at__isnull=False, starts_on__lte=today)
        .exclude(result_snapshots__is_final=True)
        .distinct()
    )
    return [c.pk for c in candidates if c.phase(today) in FROZEN_PHASES and c.measured_themes]


def results_precompute(challenge_id: int, *, today: dt.date | None = None) -> bool:
    """Compute and store the results of a challenge unless a fresh snapshot
    exists. True when it computed. One computation at a time per challenge."""
    today = today or timezone.localdate()
    lock = f"elan:results-computing:{challenge_id}"
    if not django_cache.add(lock, 1, timeout=30 * 60):
        return False
    try:
        challenge = Challenge.objects.select_related("territory").filter(pk=challenge_id).first()
        if challenge is None or not challenge.measured_themes or challenge.starts_on > today:
            return False
        if fresh_snapshots([challenge], today=today, public=True):
            return False
        final = challenge.phase(today) in FROZEN_PHASES
        _compute_and_store(challenge, today=today, final=final)
        return True
    finally:
        django_cache.delete(lock)


# --- Public entry points ----------------------------------------------------------


def challenge_results(
    challenge: Challenge, *, today: dt.date | None = None, public: bool = False
) -> dict[str, Any]:
    """The results payload of a challenge, from the cache when still valid;
    with `public`, only its public part (read without the households')."""
    today = today or timezone.localdate()
    cached = fresh_snapshots([challenge], today=today, public=public).get(challenge.pk)
    if cached is not None:
        return cached
    if precompute_enabled():
        latest = latest_snapshot(challenge, public=public)
        if latest is not None:
            schedule_precompute([challenge.pk])
            return latest
    final = challenge.phase(today) in FROZEN_PHASES
    payload = _compute_and_store(challenge, today=today, final=final)
    return public_part(payload) if public else payload


def challenges_results(
    challenges: Sequence[Challenge], *, today: dt.date | None = None, public: bool = False
) -> dict[int, dict[str, Any]]:
    """Payloads of several challenges (a territory's page): valid snapshots are
    read in one query; only the stale ones are computed, one by one."""
    today = today or timezone.localdate()
    found = fresh_snapshots(challenges, today=today, public=public)
    for challenge in challenges:
        if challenge.pk not in found:
            found[challenge.pk] = challenge_results(challenge, today=today, public=public)
    return found


def latest_snapshot(challenge: Challenge, *, public: bool = False) -> dict[str, Any] | None:
    """The last results stored, however old (while the task computes new ones)."""
    field = "public_payload" if public else "payload"
    row = (
        ResultSnapshot.objects.filter(challenge=challenge)
        .order_by("-is_final", "-computed_at")
        .values_list(field, flat=True)
        .first()
    )
    return row or None


def exclusions(challenge: Challenge) -> list[dict[str, Any]]:
    """The households the latest results leave out, and why (the organisers'
    list): its own column, so that the page that shows it does not read
    every household's figures too."""
    row = (
        ResultSnapshot.objects.filter(challenge=challenge)
        .order_by("-is_final", "-computed_at")
        .values_list("exclusions", flat=True)
        .first()
    )
    return list(row or [])


def fresh_snapshots(
    challenges: Sequence[Challenge], *, today: dt.date, public: bool = False
) -> dict[int, dict[str, Any]]:
    """The cached payloads still valid, in one query. Valid means: the final
    results of a closed challenge; otherwise results computed today from the
    same data version with the current factor version. With `public`, the
    public part only is read."""
    if not challenges:
        return {}
    by_id = {c.pk: c for c in challenges}
    running = [c for c in challenges if c.phase(today) not in FROZEN_PHASES]
    factor_set_id = current_factor_set(today).pk if running else None
    found: dict[int, dict[str, Any]] = {}
    rows = (
        ResultSnapshot.objects.filter(challenge_id__in=by_id)
        .order_by("-computed_at")
        .values_list(
            "challenge_id",
            "data_version",
            "factor_set_id",
            "is_final",
            "public_payload" if public else "payload",
        )
    )
    for challenge_id, version, factors, is_final, payload in rows:
        if not payload:  # a snapshot stored before public parts were
            continue
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
            public_payload=public_part(payload),
            exclusions=payload.get("excluded") or [],
            is_final=final,
        )
    return payload
