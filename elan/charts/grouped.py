"""Grouped bars and radars, with the accessibility standard of
elan/charts/lines.py: server-rendered SVG (`role="img"`, `<title>`, `<desc>`),
no JavaScript, colours with at least 4.5:1 contrast on white, series told
apart by a fill pattern or a dash pattern and a marker (never by colour
alone), every value written as text, and `table()` giving the same numbers.

- `Bars`: horizontal bars, one group per label, one bar per series (choice
  counts, a scale's distribution, quiz scores; before/after with two series);
- `Radar`: the axes of a self-diagnosis grid (0–4), one polygon per filling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from elan.charts.lines import AXIS, DASHES, GRID, INK, MARKERS, PALETTE, _marker, _r, svg_header

MISSING = "—"


def fmt(value: float | None, decimals: int = 0, unit: str = "") -> str:
    """A number the French way (« 12,5 % »), « — » when there is none; rounded
    half up, as the templates' `floatformat` does (62,5 → 63 everywhere)."""
    if value is None:
        return MISSING
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = number_format(rounded, decimals, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def _join(parts: list[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def _short(label: str, size: int) -> str:
    # The full label is in the bar's <title> and in the table.
    return label if len(label) <= size else label[: size - 1] + "…"


def _ticks(largest: float, *, whole: bool = False) -> list[float]:
    """Round ticks from 0 to `largest`; whole numbers only for counts."""
    if largest <= 0:
        return [0, 1]
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    count = math.ceil(largest / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


@dataclass(frozen=True)
class BarSeries:
    label: str
    values: Sequence[float | None]
    # What is written at the end of each bar and in the table (defaults to the value).
    texts: Sequence[str] | None = None


@dataclass
class Bars:
    title: str
    description: str
    labels: Sequence[str]
    series: Sequence[BarSeries]
    label_header: str = ""
    unit: str = ""
    decimals: int = 0
    max_value: float | None = None
    chart_id: str = ""
    # Under a heading that already says it, the title stays in <title> only.
    show_title: bool = True
    width: int = 640
    label_width: int = 250
    bar_height: int = 20
    gap: int = 14

    def __post_init__(self) -> None:
        for serie in self.series:
            if len(serie.values) != len(self.labels):
                raise ValueError(
                    f"{serie.label}: {len(serie.values)} values for {len(self.labels)} labels"
                )
        self.chart_id = self.chart_id or slugify(self.title) or "barres"

    @property
    def _top(self) -> int:
        top = 64 if len(self.series) > 1 else 48
        return top if self.show_title else top - 28

    @property
    def _group(self) -> int:
        return len(self.series) * self.bar_height + self.gap

    @property
    def height(self) -> int:
        return self._top + len(self.labels) * self._group + 30

    def text(self, serie: BarSeries, index: int) -> str:
        if serie.texts is not None:
            return serie.texts[index]
        return fmt(serie.values[index], self.decimals, self.unit)

    def ticks(self) -> list[float]:
        known = [v for s in self.series for v in s.values if v is not None]
        return _ticks(
            max([self.max_value or 0, *known]), whole=self.decimals == 0 and not self.unit
        )

    def _x(self, value: float, top: float) -> float:
        right = self.width - 90
        return self.label_width + value / top * (right - self.label_width)

    def _defs(self) -> SafeString:
        # Series after the first are hatched: told apart without colour.
        parts = [mark_safe("<defs>")]
        for i in range(1, len(self.series)):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(
                format_html(
                    '<pattern id="{}-motif-{}" width="6" height="6" patternUnits="userSpaceOnUse" '
                    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
                    '<rect width="3.5" height="6" fill="{}"/></pattern>',
                    self.chart_id,
                    i,
                    colour,
                )
            )
        parts.append(mark_safe("</defs>"))
        return _join(parts)

    def _fill(self, index: int) -> str:
        return PALETTE[0] if index == 0 else f"url(#{self.chart_id}-motif-{index})"

    def _legend(self) -> SafeString:
        if len(self.series) < 2:
            return mark_safe("")
        items, x = [], 8.0
        for i, serie in enumerate(self.series):
            items.append(
                format_html(
                    '<g class="legend-item"><rect x="{}" y="32" width="22" height="14" fill="{}" '
                    'stroke="{}" stroke-width="1.5"/><text x="{}" y="44" fill="{}">{}</text></g>',
                    _r(x),
                    self._fill(i),
                    PALETTE[i % len(PALETTE)],
                    _r(x + 28),
                    INK,
                    serie.label,
                )
            )
            x += 28 + 7.5 * len(serie.label) + 24
        return _join(items)

    def svg(self) -> SafeString:
        ticks = self.ticks()
        top_value, top = ticks[-1], self._top
        bottom = top + len(self.labels) * self._group
        parts = svg_header(self.chart_id, self.title, self.description, self.width, self.height)
        if not self.show_title:
            parts = parts[:3]  # the opening tag, <title> and <desc>; no visible title
        parts += [self._defs(), self._legend()]
        for tick in ticks:
            x = self._x(tick, top_value)
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _r(x),
                    top,
                    _r(x),
                    bottom,
                    GRID,
                    _r(x),
                    bottom + 18,
                    INK,
                    fmt(tick, 0 if tick == int(tick) else 1, self.unit),
                )
            )
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                self.label_width,
                top,
                self.label_width,
                bottom,
                AXIS,
            )
        )
        for i, label in enumerate(self.labels):
            parts.append(self._group_svg(i, label, top + i * self._group, top_value))
        parts.append(mark_safe("</svg>"))
        return _join(parts)

    def _group_svg(self, index: int, label: str, y: float, top_value: float) -> SafeString:
        middle = y + self.gap / 2 + len(self.series) * self.bar_height / 2 + 4
        parts = [
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                self.label_width - 8,
                _r(middle),
                INK,
                _short(label, 34),
            )
        ]
        for s, serie in enumerate(self.series):
            value = serie.values[index]
            bar_y = y + self.gap / 2 + s * self.bar_height
            end = self._x(value or 0, top_value)
            parts.append(
                format_html(
                    '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                    'stroke="{}" stroke-width="1"/><title>{}{} : {}</title></g>'
                    '<text x="{}" y="{}" fill="{}">{}</text>',
                    self.label_width,
                    _r(bar_y + 1),
                    _r(max(end - self.label_width, 0)),
                    self.bar_height - 2,
                    self._fill(s),
                    PALETTE[s % len(PALETTE)],
                    label,
                    f" — {serie.label}" if len(self.series) > 1 else "",
                    self.text(serie, index),
                    _r(end + 6),
                    _r(bar_y + self.bar_height / 2 + 4),
                    INK,
                    self.text(serie, index),
                )
            )
        return _join(parts)

    def table(self, caption: str = "") -> SafeString:
        head = _join([format_html('<th scope="col">{}</th>', s.label) for s in self.series])
        rows = []
        for i, label in enumerate(self.labels):
            cells = _join([format_html("<td>{}</td>", self.text(s, i)) for s in self.series])
            rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', label, cells))
        return format_html(
            '<table class="chart-table"><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
            caption or self.title,
            self.label_header,
            head,
            _join(rows),
        )


@dataclass(frozen=True)
class RadarSeries:
    label: str
    values: Sequence[float | None]


@dataclass
class Radar:
    """One spoke per axis from 0 (centre) to `max_value`; one polygon per series,
    each with its colour, dash pattern and marker shape, and a legend."""

    title: str
    description: str
    axes: Sequence[str]
    series: Sequence[RadarSeries]
    max_value: float = 4
    decimals: int = 1
    axis_header: str = ""
    chart_id: str = ""
    width: int = 640
    radius: int = 150

    def __post_init__(self) -> None:
        for serie in self.series:
            if len(serie.values) != len(self.axes):
                raise ValueError(
                    f"{serie.label}: {len(serie.values)} values for {len(self.axes)} axes"
                )
        self.chart_id = self.chart_id or slugify(self.title) or "radar"

    @property
    def _centre(self) -> tuple[float, float]:
        return self.width / 2, 60 + self.radius + 48

    @property
    def height(self) -> int:
        return int(self._centre[1] + self.radius + 70 + 24 * len(self.series))

    def _point(self, axis: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * axis / len(self.axes)
        cx, cy = self._centre
        distance = self.radius * max(0.0, min(value, self.max_value)) / self.max_value
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    def format(self, value: float | None) -> str:
        return fmt(value, self.decimals)

    def svg(self) -> SafeString:
        parts = svg_header(self.chart_id, self.title, self.description, self.width, self.height)
        parts += [self._grid(), self._labels()]
        parts += [self._polygon(i, serie) for i, serie in enumerate(self.series)]
        parts += [self._legend(), mark_safe("</svg>")]
        return _join(parts)

    def _grid(self) -> SafeString:
        parts = []
        cx, cy = self._centre
        for level in range(1, int(self.max_value) + 1):
            ring = " ".join(
                f"{_r(x)},{_r(y)}"
                for x, y in (self._point(a, level) for a in range(len(self.axes)))
            )
            parts.append(
                format_html(
                    '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>'
                    '<text x="{}" y="{}" fill="{}" font-size="11">{}</text>',
                    ring,
                    GRID,
                    _r(cx + 4),
                    _r(self._point(0, level)[1] + 12),
                    INK,
                    level,
                )
            )
        for axis in range(len(self.axes)):
            x, y = self._point(axis, self.max_value)
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                    _r(cx),
                    _r(cy),
                    _r(x),
                    _r(y),
                    AXIS,
                )
            )
        return _join(parts)

    def _labels(self) -> SafeString:
        parts = []
        cx, _cy = self._centre
        for axis, title in enumerate(self.axes):
            x, y = self._point(axis, self.max_value * 1.12)
            anchor = "middle" if abs(x - cx) < 10 else ("start" if x > cx else "end")
            lines = _wrap(title, 22)
            y -= 16 * (len(lines) - 1) if y < self._centre[1] - 1 else 0
            spans = _join(
                [
                    format_html('<tspan x="{}" dy="{}">{}</tspan>', _r(x), 0 if n == 0 else 16, t)
                    for n, t in enumerate(lines)
                ]
            )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" fill="{}">{}</text>',
                    _r(x),
                    _r(y + 4),
                    anchor,
                    INK,
                    spans,
                )
            )
        return _join(parts)

    def _polygon(self, index: int, serie: RadarSeries) -> SafeString:
        colour = PALETTE[index % len(PALETTE)]
        points = [self._point(a, v or 0) for a, v in enumerate(serie.values)]
        parts = [
            format_html(
                '<g class="series" data-series="{}"><polygon points="{}" fill="{}" '
                'fill-opacity="0.08" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" '
                'stroke-linejoin="round"/>',
                index,
                " ".join(f"{_r(x)},{_r(y)}" for x, y in points),
                colour,
                colour,
                DASHES[index % len(DASHES)],
            )
        ]
        shape = MARKERS[index % len(MARKERS)]
        for axis, ((x, y), value) in enumerate(zip(points, serie.values, strict=True)):
            if value is None:
                continue
            parts.append(
                format_html(
                    '<g class="point">{}<title>{} — {} : {}</title></g>',
                    _marker(shape, x, y, colour),
                    serie.label,
                    self.axes[axis],
                    self.format(value),
                )
            )
        parts.append(mark_safe("</g>"))
        return _join(parts)

    def _legend(self) -> SafeString:
        items = []
        y = self._centre[1] + self.radius + 60
        for i, serie in enumerate(self.series):
            colour = PALETTE[i % len(PALETTE)]
            items.append(
                format_html(
                    '<g class="legend-item"><line x1="20" y1="{}" x2="60" y2="{}" stroke="{}" '
                    'stroke-width="2.5" stroke-dasharray="{}"/>{}'
                    '<text x="70" y="{}" fill="{}">{}</text></g>',
                    _r(y),
                    _r(y),
                    colour,
                    DASHES[i % len(DASHES)],
                    _marker(MARKERS[i % len(MARKERS)], 40, y, colour),
                    _r(y + 4),
                    INK,
                    serie.label,
                )
            )
            y += 24
        return _join(items)

    def table(self, caption: str = "") -> SafeString:
        head = _join([format_html('<th scope="col">{}</th>', s.label) for s in self.series])
        rows = []
        for a, axis in enumerate(self.axes):
            cells = _join(
                [format_html("<td>{}</td>", self.format(s.values[a])) for s in self.series]
            )
            rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', axis, cells))
        return format_html(
            '<table class="chart-table"><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
            caption or self.title,
            self.axis_header,
            head,
            _join(rows),
        )


def _wrap(text: str, size: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= size:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
