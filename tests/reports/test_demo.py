"""The demo's past editions: closed challenges in three territories of two
regions, each with final results computed from its readings, so that the
comparison across territories compares something; nothing duplicated on a
re-run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from challenges.models import Challenge
from measures.models import ResultSnapshot
from reports.comparison import Filters, comparison_rows

pytestmark = pytest.mark.django_db


def test_the_demo_compares_past_editions_of_several_territories(client) -> None:
    call_command("seed_demo", verbosity=0)
    rows = comparison_rows(Filters())
    territories = {r["territory_slug"] for r in rows}
    assert {"val-de-drome", "saillans-demain", "mulhouse-transition"} <= territories
    assert {r["region_code"] for r in rows} == {"84", "44"}
    assert len({r["year"] for r in rows}) >= 2
    for row in rows:
        # Figures come from readings: plausible savings, climate-corrected.
        assert -5 < row["savings_pct"] < 25, row
        assert row["climate_corrected"], row
        assert row["households"] >= 10
        assert row["teams"] >= 2
    assert comparison_rows(Filters(theme="eau"))
    response = client.get("/comparaisons/?region=44")
    assert response.status_code == 200
    assert "Défi Déclics Mulhouse 2024-2025" in response.content.decode()
    mulhouse = Challenge.objects.get(slug="declics-mulhouse-2024")
    assert client.get(f"/t/mulhouse-transition/defis/{mulhouse.slug}/bilan/").status_code == 200

    counts = (Challenge.objects.count(), ResultSnapshot.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Challenge.objects.count(), ResultSnapshot.objects.count()) == counts
