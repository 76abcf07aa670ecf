"""A reading's client key: unique among the readings that have one, looked up
through its own index even when most readings have none (seeded, imported)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from measures.models import Reading
from tests.factories import MeterFactory, ReadingFactory

pytestmark = pytest.mark.django_db


def test_a_key_is_unique_and_readings_without_one_are_many() -> None:
    meter = MeterFactory()
    ReadingFactory(meter=meter, client_key="cle-1")
    ReadingFactory(meter=meter, read_on=dt.date(2026, 1, 1), client_key=None)
    ReadingFactory(meter=meter, read_on=dt.date(2026, 1, 2), client_key=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingFactory(meter=meter, read_on=dt.date(2026, 1, 3), client_key="cle-1")
    assert Reading.objects.filter(client_key__isnull=True).count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan of SQLite's planner")
def test_a_batch_s_keys_are_looked_up_in_the_index_after_analyze() -> None:
    # Before: a unique index over every row, whose statistics (ANALYZE) gave
    # thousands of rows per key (the NULLs), so `client_key IN (…)` scanned
    # the table: a batch of readings took 1 s on 5 M readings.
    meter = MeterFactory()
    start = dt.date(2020, 1, 1)
    Reading.objects.bulk_create(
        Reading(meter=meter, read_on=start + dt.timedelta(days=day), value=day)
        for day in range(2000)
    )
    ReadingFactory(meter=meter, client_key="cle-1")
    query = Reading.objects.filter(client_key__in=["cle-1", "cle-2", "cle-3"]).order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE measures_reading")
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX measures_reading_client_key_unique" in plan, plan
