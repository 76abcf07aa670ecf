"""The pledges benchmark at a tiny size, so that it cannot rot: the same data
building, in-process counts, load loop and report as bench/bench_pledges.py,
against the test live server instead of gunicorn (a second or two)."""

from __future__ import annotations

import pytest

from bench import bench_pledges as bench
from pledges.models import CommitmentStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_benchmark_builds_measures_and_prints_its_table(live_server, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "bench.urls_bench"  # the minimal view
    territory, communes = bench.bench_territory()
    big = bench.build_campaign(territory=territory, communes=communes, slug=bench.BIG, size=200)
    small = bench.build_campaign(territory=territory, communes=communes, slug=bench.SMALL, size=20)

    assert big.participants_count == 200
    confirmed = big.commitments.filter(status=CommitmentStatus.CONFIRMED)
    assert confirmed.count() == 200
    assert confirmed.values("commune").distinct().count() >= 100
    assert confirmed.values("email").distinct().count() == 200

    seen = bench.in_process([small, big])
    assert seen["widget"][200].queries == (1, 0)
    assert seen["page"][200].queries == seen["page"][20].queries

    loads = bench.measure_all(live_server.url, big, small, concurrency=2, duration=0.3, warmup=0.05)
    assert [load.label for load in loads] == [
        "vue Django minimale",
        "widget",
        "page de la campagne",
        "page de la campagne",
        "compteur (partiel HTMX)",
        "compteur inchangé (204)",
    ]
    for load in loads:
        assert load.latencies, load.label
        assert load.errors == 0, load.label

    bench.print_report(loads, seen, concurrency=2, duration=0.3)
    out = capsys.readouterr().out
    assert "req/s" in out
    assert "Widget / vue minimale :" in out
    assert "Requêtes de la page de la campagne : les mêmes à chaque taille — atteint" in out
    assert "200 engagements" in out
    assert "20 engagements" in out


def test_a_second_build_is_refused_without_reuse() -> None:
    bench.prepare(size=30, small_size=10, reuse=False)
    with pytest.raises(SystemExit, match="relancez avec --reuse"):
        bench.prepare(size=30, small_size=10, reuse=False)
    big, small, lines = bench.prepare(size=30, small_size=10, reuse=True)
    assert (big.participants_count, small.participants_count) == (30, 10)
    assert lines == [
        "campagne « virale » réutilisée : 30 engagements",
        "campagne « moyenne » réutilisée : 10 engagements",
    ]
