"""Server-rendered SVG charts, the same in the page and in the PDF.

No JavaScript: a chart is an accessible image (`role="img"` with `<title>`
and `<desc>`), every point carries its value in a `<title>` tooltip, and
`table()` renders the same numbers as an HTML table for those who cannot see
the chart. Series are told apart by colour, line dash and marker shape, so
colour is never the only cue; every colour has at least 4.5:1 contrast on
white (WCAG AA for text, which also covers lines and markers).

    chart = TimeChart(
        title="Adoption des éco-gestes",
        description="Nombre cumulé d'engagements par semaine.",
        x_labels=["1 déc.", "8 déc."],
        series=[Series("Engagements", [3, 7])],
        y_label="Nombre cumulé",
    )
    chart.svg()    # SafeString with the <svg>
    chart.table()  # SafeString with the <table>
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

# Dark green, dark blue, burnt orange, purple, slate: ≥ 4.5:1 on white.
PALETTE = ("#1b5e20", "#0d47a1", "#a0410d", "#6a1b9a", "#37474f")
DASHES = ("", "6 4", "2 3", "8 3 2 3", "12 4")
MARKERS = ("circle", "square", "diamond", "triangle", "cross")
INK = "#1f2933"
GRID = "#d0d7de"
AXIS = "#57606a"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


@dataclass
class TimeChart:
    """A line (or area) chart of one or more series over the same x labels."""

    title: str
    description: str
    x_labels: Sequence[str]
    series: Sequence[Series]
    y_label: str = ""
    x_label: str = ""
    area: bool = False
    decimals: int = 0
    width: int = 640
    height: int = 340
    chart_id: str = ""
    max_x_labels: int = 8
    _margins: tuple[int, int, int, int] = field(default=(70, 64, 24, 62), repr=False)

    def __post_init__(self) -> None:
        for serie in self.series:
            if len(serie.values) != len(self.x_labels):
                raise ValueError(
                    f"{serie.label}: {len(serie.values)} values for {len(self.x_labels)} labels"
                )
        self.chart_id = self.chart_id or slugify(self.title) or "graphique"

    # --- geometry ---------------------------------------------------------

    @property
    def _plot(self) -> tuple[float, float, float, float]:
        left, top, right, bottom = self._margins
        return left, top, self.width - right, self.height - bottom

    def y_ticks(self) -> list[float]:
        """Round tick values from 0 to a little above the largest value."""
        largest = max((v for s in self.series for v in s.values), default=0)
        if largest <= 0:
            return [0, 1]
        raw = largest / 4
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        if self.decimals == 0:
            step = max(1, math.ceil(step))
        count = math.ceil(largest / step)
        return [round(i * step, 6) for i in range(count + 1)]

    def _x(self, index: int) -> float:
        left, _top, right, _bottom = self._plot
        n = len(self.x_labels)
        return (left + right) / 2 if n == 1 else left + index * (right - left) / (n - 1)

    def _y(self, value: float, top_value: float) -> float:
        _left, top, _right, bottom = self._plot
        return bottom - (value / top_value) * (bottom - top)

    def format(self, value: float) -> str:
        return number_format(value, self.decimals, use_l10n=True, force_grouping=True)

    # --- rendering --------------------------------------------------------

    def svg(self) -> SafeString:
        ticks = self.y_ticks()
        top_value = ticks[-1]
        parts = [
            *svg_header(self.chart_id, self.title, self.description, self.width, self.height),
            self._legend(),
            self._axes(ticks, top_value),
        ]
        parts += [self._serie(i, serie, top_value) for i, serie in enumerate(self.series)]
        parts.append(mark_safe("</svg>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above

    def _legend(self) -> SafeString:
        items = []
        x = 8.0
        for i, serie in enumerate(self.series):
            colour = PALETTE[i % len(PALETTE)]
            items.append(
                format_html(
                    '<g class="legend-item"><line x1="{}" y1="40" x2="{}" y2="40" stroke="{}" '
                    'stroke-width="2.5" stroke-dasharray="{}"/>{}'
                    '<text x="{}" y="44" fill="{}">{}</text></g>',
                    x,
                    x + 28,
                    colour,
                    DASHES[i % len(DASHES)],
                    _marker(MARKERS[i % len(MARKERS)], x + 14, 40, colour),
                    x + 34,
                    INK,
                    serie.label,
                )
            )
            x += 34 + 7.5 * len(serie.label) + 24
        return mark_safe("".join(items))  # noqa: S308 - escaped by format_html

    def _axes(self, ticks: list[float], top_value: float) -> SafeString:
        left, top, right, bottom = self._plot
        parts = []
        for tick in ticks:
            y = self._y(tick, top_value)
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                    '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                    left,
                    _r(y),
                    right,
                    _r(y),
                    GRID,
                    left - 6,
                    _r(y + 4),
                    INK,
                    self.format(tick),
                )
            )
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                left,
                top,
                left,
                bottom,
                AXIS,
                left,
                bottom,
                right,
                bottom,
                AXIS,
            )
        )
        every = max(1, math.ceil(len(self.x_labels) / self.max_x_labels))
        for i, label in enumerate(self.x_labels):
            if i % every == 0:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                        _r(self._x(i)),
                        bottom + 18,
                        INK,
                        label,
                    )
                )
        if self.x_label:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _r((left + right) / 2),
                    self.height - 12,
                    INK,
                    self.x_label,
                )
            )
        if self.y_label:
            parts.append(
                format_html(
                    '<text transform="translate(16 {}) rotate(-90)" text-anchor="middle" '
                    'fill="{}">{}</text>',
                    _r((top + bottom) / 2),
                    INK,
                    self.y_label,
                )
            )
        return mark_safe("".join(parts))  # noqa: S308 - escaped by format_html

    def _serie(self, index: int, serie: Series, top_value: float) -> SafeString:
        colour = PALETTE[index % len(PALETTE)]
        points = [(self._x(i), self._y(v, top_value)) for i, v in enumerate(serie.values)]
        path = " ".join(f"{_r(x)},{_r(y)}" for x, y in points)
        parts = [format_html('<g class="series" data-series="{}">', index)]
        if self.area and points:
            bottom = self._plot[3]
            outline = f"{_r(points[0][0])},{_r(bottom)} {path} {_r(points[-1][0])},{_r(bottom)}"
            parts.append(
                format_html(
                    '<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="none"/>',
                    outline,
                    colour,
                )
            )
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                    'stroke-dasharray="{}" stroke-linejoin="round"/>',
                    path,
                    colour,
                    DASHES[index % len(DASHES)],
                )
            )
        shape = MARKERS[index % len(MARKERS)]
        for (x, y), label, value in zip(points, self.x_labels, serie.values, strict=True):
            parts.append(
                format_html(
                    '<g class="point">{}<title>{} — {} : {}</title></g>',
                    _marker(shape, x, y, colour),
                    serie.label,
                    label,
                    self.format(value),
                )
            )
        parts.append(mark_safe("</g>"))
        return mark_safe("".join(parts))  # noqa: S308 - escaped by format_html

    def table(self, caption: str = "") -> SafeString:
        """The chart's numbers as an accessible table (one row per x label)."""
        head = "".join(format_html('<th scope="col">{}</th>', s.label) for s in self.series)
        rows = []
        for i, label in enumerate(self.x_labels):
            cells = "".join(
                format_html("<td>{}</td>", self.format(s.values[i])) for s in self.series
            )
            rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', label, mark_safe(cells)))  # noqa: S308
        return format_html(
            '<table class="chart-table"><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
            caption or self.title,
            self.x_label,
            mark_safe(head),  # noqa: S308 - escaped by format_html
            mark_safe("".join(rows)),  # noqa: S308 - escaped by format_html
        )


def svg_header(
    chart_id: str, title: str, description: str, width: int, height: int
) -> list[SafeString]:
    """Opening of every chart: an accessible image named by its title and
    described by its description, scaled to its container, with a visible title."""
    title_id, desc_id = f"{chart_id}-titre", f"{chart_id}-desc"
    return [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            'aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
            'preserveAspectRatio="xMidYMid meet" '
            'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
            'font-size="13" style="max-width:{}px;height:auto">',
            title_id,
            desc_id,
            width,
            height,
            width,
        ),
        format_html('<title id="{}">{}</title>', title_id, title),
        format_html('<desc id="{}">{}</desc>', desc_id, description),
        format_html(
            '<text x="8" y="22" font-size="16" font-weight="700" fill="{}">{}</text>', INK, title
        ),
    ]


def _r(value: float) -> str:
    return f"{value:.1f}"


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    size = 4.5
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="{}" fill="{}"/>', _r(x), _r(y), size, colour)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
            _r(x - size),
            _r(y - size),
            size * 2,
            size * 2,
            colour,
        )
    if shape == "diamond":
        d = size * 1.3
        points = f"{_r(x)},{_r(y - d)} {_r(x + d)},{_r(y)} {_r(x)},{_r(y + d)} {_r(x - d)},{_r(y)}"
    elif shape == "triangle":
        d = size * 1.3
        points = f"{_r(x)},{_r(y - d)} {_r(x + d)},{_r(y + d)} {_r(x - d)},{_r(y + d)}"
    else:
        return format_html(
            '<path d="M{} {}L{} {}M{} {}L{} {}" stroke="{}" stroke-width="2.5"/>',
            _r(x - size),
            _r(y - size),
            _r(x + size),
            _r(y + size),
            _r(x - size),
            _r(y + size),
            _r(x + size),
            _r(y - size),
            colour,
        )
    return format_html('<polygon points="{}" fill="{}"/>', points, colour)


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio between two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
