"""Settings of the benchmarks' server: Élan's, plus the bench-only URLs.

Only `bench/` uses it (DJANGO_SETTINGS_MODULE=bench.settings_bench): the
minimal view it adds never reaches the production URLs.
"""

from elan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
