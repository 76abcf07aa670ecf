"""The chart kit every module draws with: accessible, server-rendered SVG
whose numbers are also given as an HTML table, the same in a page and in its
PDF (no JavaScript).

- `TimeChart` / `LineChart`: series over time (`lines`, `bars`);
- `BarChart`: one horizontal bar per label, values may be negative (`bars`);
- `Bars` / `Radar`: grouped bars and radars of several series (`grouped`).

It sits in the project package, below every app, so that challenges,
measures, questionnaires, events, pledges and the modules to come import it
the same way and none of them imports another sideways for a chart.
"""

from elan.charts.bars import BarChart, LineChart, nice_ticks
from elan.charts.grouped import Bars, BarSeries, Radar, RadarSeries, fmt
from elan.charts.lines import (
    DASHES,
    MARKERS,
    PALETTE,
    Series,
    TimeChart,
    contrast_ratio,
    svg_header,
)

__all__ = [
    "DASHES",
    "MARKERS",
    "PALETTE",
    "BarChart",
    "BarSeries",
    "Bars",
    "LineChart",
    "Radar",
    "RadarSeries",
    "Series",
    "TimeChart",
    "contrast_ratio",
    "fmt",
    "nice_ticks",
    "svg_header",
]
