"""Cached results of a challenge (METHODOLOGY.md), computed by measures.engine.

`challenge_results` loads everything a challenge needs in a constant number of
queries (whatever the number of households), runs the engine once in Python
and caches the payload in a ResultSnapshot keyed by the challenge's
data_version and the factor version. Results of a closed challenge are frozen
(`is_final`) until an organiser asks for `results_recompute`.

Modules: `cache` (snapshots and the public entry points), `loading` (the rows
of a challenge, in a fixed number of queries), `payload` (the figures built
from them) and `household` (one household's weekly chart). The entry points
are importable from `measures.results` itself; code that replaces one in a
test patches the module that defines it (`measures.results.cache`).
"""

from measures.results.cache import (
    FROZEN_PHASES,
    challenge_results,
    challenges_results,
    fresh_snapshots,
    results_invalidate,
    results_recompute,
)
from measures.results.household import household_series
from measures.results.loading import READING_MARGIN_DAYS, one_year_before
from measures.results.payload import MIN_PROGRESS_DAYS, compute_challenge_results

__all__ = [
    "FROZEN_PHASES",
    "MIN_PROGRESS_DAYS",
    "READING_MARGIN_DAYS",
    "challenge_results",
    "challenges_results",
    "compute_challenge_results",
    "fresh_snapshots",
    "household_series",
    "one_year_before",
    "results_invalidate",
    "results_recompute",
]
