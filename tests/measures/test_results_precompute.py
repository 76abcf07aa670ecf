"""Results precomputed by a task after writes: debounced per challenge, read
by the pages from the latest snapshot, public part without any household."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures import tasks
from measures.models import Factor, FactorSet, ResultSnapshot
from measures.results import cache
from measures.results.cache import (
    challenge_results,
    public_part,
    results_invalidate,
    results_precompute,
    running_challenge_ids,
    schedule_precompute,
)
from tests.factories import ChallengeFactory
from tests.measures.test_results import RUNNING_DAY, add_household, make_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def precompute(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Precomputation on, with the queued tasks recorded instead of run."""
    settings.ELAN_RESULTS_PRECOMPUTE = True
    settings.ELAN_RESULTS_DEBOUNCE_SECONDS = 5
    queued: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(
        tasks.precompute_results,
        "apply_async",
        lambda args, **kwargs: queued.append((args, kwargs)),
    )
    return queued


def test_off_by_default_without_a_broker(settings, django_capture_on_commit_callbacks) -> None:
    settings.ELAN_RESULTS_PRECOMPUTE = False
    challenge = make_challenge()
    with django_capture_on_commit_callbacks() as callbacks:
        assert schedule_precompute([challenge.pk]) == 0
    assert callbacks == []


def test_many_writes_queue_one_task_per_challenge_after_commit(
    precompute, django_capture_on_commit_callbacks
) -> None:
    first, second = make_challenge(), make_challenge()
    registration = add_household(first)
    other = add_household(second)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(50):  # an import of 50 readings
            results_invalidate(household_id=registration.household_id)
        results_invalidate(household_id=other.household_id)
        assert precompute == []  # nothing before the commit
    assert sorted(args[0] for args, _ in precompute) == sorted([first.pk, second.pk])
    assert {kwargs["countdown"] for _, kwargs in precompute} == {5}
    first.refresh_from_db()
    assert first.data_version == 50


def test_a_write_after_the_window_queues_again(
    precompute, django_capture_on_commit_callbacks
) -> None:
    challenge = make_challenge()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_precompute([challenge.pk, challenge.pk]) == 1
        assert schedule_precompute([challenge.pk]) == 0
    cache.django_cache.delete(f"elan:results-scheduled:{challenge.pk}")  # the window ends
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_precompute([challenge.pk]) == 1
    assert len(precompute) == 2


def test_the_task_computes_once_and_stores_the_public_part() -> None:
    challenge = make_challenge()
    registration = add_household(challenge)
    assert results_precompute(challenge.pk, today=RUNNING_DAY) is True
    snapshot = ResultSnapshot.objects.get(challenge=challenge)
    assert str(registration.pk) in snapshot.payload["households"]
    assert "households" not in snapshot.public_payload
    assert "excluded" not in snapshot.public_payload
    assert snapshot.public_payload == public_part(snapshot.payload)
    assert snapshot.public_payload["energy"] == snapshot.payload["energy"]
    # fresh already: a second task does nothing
    assert results_precompute(challenge.pk, today=RUNNING_DAY) is False
    assert ResultSnapshot.objects.filter(challenge=challenge).count() == 1


def test_the_task_skips_while_another_computes_the_same_challenge() -> None:
    challenge = make_challenge()
    add_household(challenge)
    cache.django_cache.add(f"elan:results-computing:{challenge.pk}", 1, timeout=60)
    assert results_precompute(challenge.pk, today=RUNNING_DAY) is False
    assert not ResultSnapshot.objects.filter(challenge=challenge).exists()


def test_the_task_ignores_a_deleted_or_unstarted_challenge() -> None:
    assert results_precompute(999_999) is False
    future = ChallengeFactory(starts_on=timezone.localdate() + dt.timedelta(days=30))
    assert results_precompute(future.pk) is False


def test_a_stale_page_view_reads_the_latest_snapshot_and_queues_the_task(
    precompute, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    challenge = make_challenge()
    registration = add_household(challenge)
    first = challenge_results(challenge, today=RUNNING_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        results_invalidate(household_id=registration.household_id)
    assert [args[0] for args, _ in precompute] == [challenge.pk]
    challenge.refresh_from_db()

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a page view must not compute when a snapshot exists")

    monkeypatch.setattr(cache, "compute_challenge_results", fail)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        shown = challenge_results(challenge, today=RUNNING_DAY, public=True)
    assert shown == public_part(first)
    # the factor version, the fresh snapshots (none), the latest one
    assert len(queries.captured_queries) == 3
    assert len(precompute) == 1  # the write's task is waiting: the view joins it
    cache.django_cache.delete(f"elan:results-scheduled:{challenge.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        challenge_results(challenge, today=RUNNING_DAY, public=True)
    assert [args[0] for args, _ in precompute] == [challenge.pk, challenge.pk]


def test_without_precompute_a_stale_view_computes(settings, monkeypatch) -> None:
    settings.ELAN_RESULTS_PRECOMPUTE = False
    challenge = make_challenge()
    registration = add_household(challenge)
    challenge_results(challenge, today=RUNNING_DAY)
    results_invalidate(household_id=registration.household_id)
    challenge.refresh_from_db()
    challenge_results(challenge, today=RUNNING_DAY)
    assert ResultSnapshot.objects.get(challenge=challenge).data_version == 1


def test_the_results_page_reads_constant_queries_from_the_snapshot(
    client, precompute, territory, settings
) -> None:
    settings.ELAN_PAGE_CACHE_SECONDS = 0  # the render's own queries, not the page cache's
    challenge = make_challenge(territory=territory)
    for _ in range(3):
        add_household(challenge)
    assert results_precompute(challenge.pk, today=RUNNING_DAY)
    page = reverse("measures:challenge_results", args=[territory.slug, challenge.slug])
    client.get(page)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for _ in range(20):
        registration = add_household(challenge)
    results_invalidate(household_id=registration.household_id)
    assert results_precompute(challenge.pk, today=RUNNING_DAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    latest = ResultSnapshot.objects.filter(challenge=challenge).latest("computed_at")
    assert len(latest.payload["households"]) == 23
    assert "Famille" not in response.content.decode()


def test_a_factor_change_queues_every_running_challenge(
    precompute, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    running = ChallengeFactory(
        starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=20)
    )
    ChallengeFactory(starts_on=today - dt.timedelta(days=90), ends_on=today - dt.timedelta(days=40))
    assert running.pk in running_challenge_ids(today)
    factor = Factor.objects.filter(factor_set=FactorSet.objects.first()).first()
    assert factor is not None
    with django_capture_on_commit_callbacks(execute=True):
        factor.value = factor.value + Decimal("0.001")
        factor.save()
    assert [args[0] for args, _ in precompute] == running_challenge_ids(today)
    assert running.pk in [args[0] for args, _ in precompute]


def test_the_nightly_task_queues_the_running_challenges(monkeypatch) -> None:
    today = timezone.localdate()
    running = ChallengeFactory(
        starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=20)
    )
    queued: list[int] = []
    monkeypatch.setattr(tasks.precompute_results, "delay", queued.append)
    assert tasks.precompute_running_results() == len(queued)
    assert running.pk in queued


def test_the_organisers_page_reads_the_exclusions_without_the_households(
    client, organiser, territory
) -> None:
    challenge = make_challenge(territory=territory)
    add_household(challenge)
    missing = add_household(challenge, gas=(None, None))
    payload = challenge_results(challenge, today=RUNNING_DAY)
    assert cache.exclusions(challenge) == payload["excluded"]
    client.force_login(organiser)
    page = reverse("measures:challenge_results", args=[territory.slug, challenge.slug])
    response = client.get(page)
    assert response.status_code == 200
    excluded = response.context["excluded"]
    assert [row["household"] for row in excluded] == [
        row["household"] for row in payload["excluded"]
    ]
    assert missing.household.name in response.content.decode()


def test_the_nightly_task_stores_the_final_results_of_closed_challenges(monkeypatch) -> None:
    closed = make_challenge()  # December 2025: closed today
    add_household(closed)
    assert closed.pk in cache.closed_without_final_ids()
    queued: list[int] = []
    monkeypatch.setattr(tasks.precompute_results, "delay", queued.append)
    tasks.precompute_running_results()
    assert closed.pk in queued
    assert results_precompute(closed.pk) is True
    assert ResultSnapshot.objects.get(challenge=closed).is_final
    assert closed.pk not in cache.closed_without_final_ids()
