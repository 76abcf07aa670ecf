"""The results engine of METHODOLOGY.md: pure functions on plain data.

Nothing here touches the database: `measures.results` loads the rows of a
challenge in a fixed number of queries and hands them over as the dataclasses
below. Numbers are floats (the inputs are Decimals of at most 3 decimals; the
results are rounded when shown).

One module per seam: `series` (index series, meters, consumption over a
period), `conversion` (factors, their bases, kWh), `climate` (degree days),
`savings` (a household's savings, aggregates, ranking), `waste` (weighings)
and `progress` (savings week after week). The names other modules use are
importable from `measures.engine` itself.
"""

from measures.engine.climate import DegreeDays, climate_corrected, dju_ratio, spread_monthly_dju
from measures.engine.conversion import (
    TARIFF_PER_KWH,
    CarrierBasis,
    Conversion,
    Factors,
    TariffAt,
    bill_reference,
    to_kwh,
)
from measures.engine.progress import ProgressHousehold, index_at_many, progress_savings_pct
from measures.engine.savings import (
    Aggregate,
    MeterResult,
    ResourceResult,
    aggregate,
    household_resource,
    meter_co2_kg,
    meter_result,
    meter_savings_eur,
    per_person,
    per_year,
    rank,
)
from measures.engine.series import (
    ELECTRICITY,
    MAX_EXTRAPOLATION_DAYS,
    NORMAL,
    REGISTER_LABELS,
    REPLACEMENT,
    ROLLOVER,
    WATER,
    BillInput,
    MeterInput,
    Period,
    Series,
    build_series,
    fmt_day,
    index_at,
    integer_digits,
    meter_consumption,
    period_days,
    series_consumption,
    weeks_between,
)
from measures.engine.waste import WasteAggregate, WasteFlowResult, waste_aggregate, waste_flow

__all__ = [
    "ELECTRICITY",
    "MAX_EXTRAPOLATION_DAYS",
    "NORMAL",
    "REGISTER_LABELS",
    "REPLACEMENT",
    "ROLLOVER",
    "TARIFF_PER_KWH",
    "WATER",
    "Aggregate",
    "BillInput",
    "CarrierBasis",
    "Conversion",
    "DegreeDays",
    "Factors",
    "MeterInput",
    "MeterResult",
    "Period",
    "ProgressHousehold",
    "ResourceResult",
    "Series",
    "TariffAt",
    "WasteAggregate",
    "WasteFlowResult",
    "aggregate",
    "bill_reference",
    "build_series",
    "climate_corrected",
    "dju_ratio",
    "fmt_day",
    "household_resource",
    "index_at",
    "index_at_many",
    "integer_digits",
    "meter_co2_kg",
    "meter_consumption",
    "meter_result",
    "meter_savings_eur",
    "per_person",
    "per_year",
    "period_days",
    "progress_savings_pct",
    "rank",
    "series_consumption",
    "spread_monthly_dju",
    "to_kwh",
    "waste_aggregate",
    "waste_flow",
    "weeks_between",
]
