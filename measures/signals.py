"""A change of the factor table makes every running challenge's results
stale: with precomputation on, they are computed again by the tasks (the
snapshots are keyed by the factor version, so nothing stale is ever shown as
fresh either way)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from measures.models import Factor, FactorSet


def _factors_changed(sender: Any, **kwargs: Any) -> None:
    from measures.results.cache import (
        precompute_enabled,
        running_challenge_ids,
        schedule_precompute,
    )

    if kwargs.get("raw") or not precompute_enabled():
        return
    schedule_precompute(running_challenge_ids())


def connect() -> None:
    for model in (Factor, FactorSet):
        post_save.connect(_factors_changed, sender=model, dispatch_uid=f"results-{model.__name__}")
        post_delete.connect(
            _factors_changed, sender=model, dispatch_uid=f"results-del-{model.__name__}"
        )
