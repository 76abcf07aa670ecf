"""Charts of the results pages, with the accessibility standard of
elan/charts/lines.py: server-rendered SVG (`role="img"`, `<title>` and
`<desc>`), no JavaScript, colours with at least 4.5:1 contrast on white, every
value also written as text, and `table()` giving the same numbers as an HTML
table.

- `BarChart`: horizontal bars, one per label (team comparison); values may be
  negative (a team that consumed more than its reference) or missing.
- `LineChart`: a `TimeChart` whose values may be negative or missing (weeks
  without any complete household): the axis then spans below zero and missing
  points break the line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from elan.charts.lines import (
    AXIS,
    DASHES,
    GRID,
    INK,
    MARKERS,
    PALETTE,
    TimeChart,
    _marker,
    _r,
    svg_header,
)

MISSING = "—"


def _nice_step(span: float, decimals: int) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return max(1, math.ceil(step)) if decimals == 0 else step


def nice_ticks(values: Sequence[float], decimals: int = 0) -> list[float]:
    """Round ticks covering 0 and every value (below zero too)."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if high - low <= 0:
        return [0, 1]
    step = _nice_step(high - low, decimals)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 6) for i in range(first, last + 1)]


@dataclass
class BarChart:
    """Horizontal bars, one per label, drawn from a zero line."""

    title: str
    description: str
    labels: Sequence[str]
    values: Sequence[float | None]
    unit: str = ""
    value_label: str = ""
    label_header: str = ""
    decimals: int = 1
    width: int = 640
    chart_id: str = ""
    label_width: int = 190
    bar_height: int = 22
    gap: int = 12
    _margins: tuple[int, int, int, int] = field(default=(0, 56, 64, 36), repr=False)

    def __post_init__(self) -> None:
        if len(self.values) != len(self.labels):
            raise ValueError(f"{len(self.values)} values for {len(self.labels)} labels")
        self.chart_id = self.chart_id or slugify(self.title) or "barres"

    @property
    def height(self) -> int:
        _left, top, _right, bottom = self._margins
        return top + bottom + len(self.labels) * (self.bar_height + self.gap)

    def format(self, value: float | None) -> str:
        if value is None:
            return MISSING
        text = number_format(value, self.decimals, use_l10n=True, force_grouping=True)
        return f"{text} {self.unit}".strip()

    def ticks(self) -> list[float]:
        return nice_ticks([v for v in self.values if v is not None], self.decimals)

    def _x(self, value: float, ticks: list[float]) -> float:
        left = self.label_width
        right = self.width - self._margins[2]
        return left + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (right - left)

    def svg(self) -> SafeString:
        ticks = self.ticks()
        top = self._margins[1]
        bottom = self.height - self._margins[3]
        parts = svg_header(self.chart_id, self.title, self.description, self.width, self.height)
        for tick in ticks:
            x = self._x(tick, ticks)
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _r(x),
                    top - 8,
                    _r(x),
                    bottom,
                    GRID,
                    _r(x),
                    top - 14,
                    INK,
                    self.format(tick),
                )
            )
        zero = self._x(0, ticks)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                _r(zero),
                top - 8,
                _r(zero),
                bottom,
                AXIS,
            )
        )
        colour = PALETTE[0]
        for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            y = top + i * (self.bar_height + self.gap) + self.gap / 2
            middle = y + self.bar_height / 2 + 4
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                    self.label_width - 8,
                    _r(middle),
                    INK,
                    _short(label, max(8, round(self.label_width / 7.9))),
                )
            )
            if value is None:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" fill="{}">{}</text>',
                        _r(zero + 6),
                        _r(middle),
                        INK,
                        _("non calculé"),
                    )
                )
                continue
            end = self._x(value, ticks)
            x, width = min(zero, end), abs(end - zero)
            text_x, anchor = (end + 6, "start") if value >= 0 else (end - 6, "end")
            parts.append(
                format_html(
                    '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    "<title>{} : {}</title></g>"
                    '<text x="{}" y="{}" text-anchor="{}" fill="{}">{}</text>',
                    _r(x),
                    _r(y),
                    _r(max(width, 1)),
                    self.bar_height,
                    colour,
                    label,
                    self.format(value),
                    _r(text_x),
                    _r(middle),
                    anchor,
                    INK,
                    self.format(value),
                )
            )
        parts.append(mark_safe("</svg>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above

    def table(self, caption: str = "") -> SafeString:
        rows = "".join(
            format_html('<tr><th scope="row">{}</th><td>{}</td></tr>', label, self.format(value))
            for label, value in zip(self.labels, self.values, strict=True)
        )
        return format_html(
            '<table class="chart-table"><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            caption or self.title,
            self.label_header,
            self.value_label or self.unit,
            mark_safe(rows),  # noqa: S308 - escaped by format_html
        )


def _short(label: str, size: int = 24) -> str:
    # The full label is in the bar's <title> and in the table; `size` follows
    # the room the chart leaves to labels (24 characters in 190 px).
    return label if len(label) <= size else label[: size - 1] + "…"


@dataclass
class LineChart(TimeChart):
    """A TimeChart whose series may hold negative or missing (None) values."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._low = 0.0

    def _known(self) -> list[float]:
        return [v for s in self.series for v in s.values if v is not None]

    def y_ticks(self) -> list[float]:
        ticks = nice_ticks(self._known(), self.decimals)
        self._low = ticks[0]
        return ticks

    def _y(self, value: float, top_value: float) -> float:
        _left, top, _right, bottom = self._plot
        return bottom - (value - self._low) / (top_value - self._low) * (bottom - top)

    def format(self, value: float | None) -> str:  # type: ignore[override]
        return MISSING if value is None else super().format(value)

    def _serie(self, index: int, serie: object, top_value: float) -> SafeString:  # type: ignore[override]
        colour = PALETTE[index % len(PALETTE)]
        label = getattr(serie, "label", "")
        values: Sequence[float | None] = getattr(serie, "values", [])
        parts = [format_html('<g class="series" data-series="{}">', index)]
        segment: list[tuple[float, float]] = []
        segments = []
        for i, value in enumerate(values):
            if value is None:
                segments.append(segment)
                segment = []
            else:
                segment.append((self._x(i), self._y(value, top_value)))
        segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                        'stroke-dasharray="{}" stroke-linejoin="round"/>',
                        " ".join(f"{_r(x)},{_r(y)}" for x, y in points),
                        colour,
                        DASHES[index % len(DASHES)],
                    )
                )
        shape = MARKERS[index % len(MARKERS)]
        for i, value in enumerate(values):
            if value is None:
                continue
            parts.append(
                format_html(
                    '<g class="point">{}<title>{} — {} : {}</title></g>',
                    _marker(shape, self._x(i), self._y(value, top_value), colour),
                    label,
                    self.x_labels[i],
                    self.format(value),
                )
            )
        parts.append(mark_safe("</g>"))
        return mark_safe("".join(parts))  # noqa: S308 - escaped by format_html

    def svg(self) -> SafeString:
        svg = super().svg()
        if self._low >= 0:
            return svg
        # A stronger line at zero, so that "below zero" reads at a glance.
        left, _top, right, _bottom = self._plot
        y = self._y(0, self.y_ticks()[-1])
        zero = format_html(
            '<line class="zero" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
            left,
            _r(y),
            right,
            _r(y),
            AXIS,
        )
        return mark_safe(svg.replace("</svg>", zero + "</svg>"))  # noqa: S308 - escaped parts
