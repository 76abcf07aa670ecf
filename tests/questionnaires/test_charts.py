"""questionnaires.charts: accessible SVG bars and radar, with the same numbers in tables."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from elan.charts import DASHES, PALETTE, Bars, BarSeries, Radar, RadarSeries, fmt

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own server-rendered SVG


def bars(**kwargs) -> Bars:  # type: ignore[no-untyped-def]
    defaults = {
        "title": "Avez-vous un jardin ?",
        "description": "Nombre de réponses par proposition.",
        "labels": ["Oui", "Non"],
        "series": [BarSeries("Réponses", [3, 1], ["3 (75 %)", "1 (25 %)"])],
        "label_header": "Réponse",
    }
    return Bars(**{**defaults, **kwargs})


def test_bars_are_an_accessible_image_with_their_values_written():
    chart = bars(chart_id="jardin")
    root = parse(chart.svg())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "jardin-titre jardin-desc"
    assert root.find(f"{SVG}title").text == "Avez-vous un jardin ?"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "3 (75 %)" in texts
    assert "1 (25 %)" in texts
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") != "6"]
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)


def test_bars_table_gives_the_same_numbers():
    table = bars().table()
    assert "<caption>Avez-vous un jardin ?</caption>" in table
    assert '<th scope="row">Oui</th><td>3 (75 %)</td>' in table
    assert '<th scope="col">Réponse</th><th scope="col">Réponses</th>' in table


def test_a_second_series_is_hatched_not_only_coloured():
    chart = bars(
        labels=["Quiz énergie"],
        series=[BarSeries("Début du défi", [50]), BarSeries("Fin du défi", [75])],
        unit="%",
        max_value=100,
        chart_id="avant-apres",
    )
    svg = chart.svg()
    assert '<pattern id="avant-apres-motif-1"' in svg
    assert 'fill="url(#avant-apres-motif-1)"' in svg
    assert "Début du défi" in svg
    assert "Fin du défi" in svg
    assert "75 %" in svg
    assert "<td>50 %</td><td>75 %</td>" in chart.table()


def test_missing_values_are_a_dash_and_a_zero_length_bar():
    chart = bars(series=[BarSeries("Bonnes réponses", [None, 40])], unit="%", max_value=100)
    assert "<td>—</td>" in chart.table()
    assert 'width="0.0"' in chart.svg()


def test_labels_are_escaped():
    chart = bars(labels=["<script>alert(1)</script>", "Non"])
    assert "<script>" not in chart.svg()
    assert "<script>" not in chart.table()


def test_bars_refuse_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 labels"):
        bars(series=[BarSeries("Réponses", [1])])


def radar(series: list[RadarSeries]) -> Radar:
    return Radar(
        title="Scores par axe",
        description="Score moyen de chaque axe, de 0 à 4.",
        axes=[
            "Alimentation",
            "Énergie",
            "Autonomie intellectuelle et solidarité sociale",
            "Santé",
            "Économie",
        ],
        series=series,
        axis_header="Axe",
        chart_id="radar",
    )


def test_the_radar_has_a_polygon_per_filling_told_apart_by_dashes():
    chart = radar(
        [
            RadarSeries("Diagnostic de mars 2025", [1, 2, 1.5, 3, 0.5]),
            RadarSeries("Diagnostic de mars 2026", [2, 3, 2.5, 3, 1]),
        ]
    )
    root = parse(chart.svg())
    series = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    assert len(series) == 2
    dashes = [g.find(f"{SVG}polygon").get("stroke-dasharray") for g in series]
    assert dashes == [DASHES[0], DASHES[1]]
    colours = {g.find(f"{SVG}polygon").get("stroke") for g in series}
    assert colours == {PALETTE[0], PALETTE[1]}
    legend = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert [g.find(f"{SVG}text").text for g in legend] == [
        "Diagnostic de mars 2025",
        "Diagnostic de mars 2026",
    ]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Diagnostic de mars 2026 — Économie : 1,0" in titles


def test_the_radar_points_sit_at_their_score():
    chart = radar([RadarSeries("Diagnostic", [4, 0, 0, 0, 0])])
    cx, cy = chart._centre
    x, y = chart._point(0, 4)
    assert (x, y) == pytest.approx((cx, cy - chart.radius))
    assert chart._point(2, 0) == pytest.approx((cx, cy))


def test_the_radar_table_has_every_axis_and_filling():
    table = radar([RadarSeries("Diagnostic", [1, None, 2.25, 3, 4])]).table()
    assert '<th scope="col">Axe</th><th scope="col">Diagnostic</th>' in table
    assert '<th scope="row">Énergie</th><td>—</td>' in table
    assert "<td>2,3</td>" in table  # rounded half up, as the templates do
    assert len(re.findall("<tr>", table)) == 6


def test_long_axis_names_wrap_on_several_lines():
    svg = radar([RadarSeries("Diagnostic", [1, 1, 1, 1, 1])]).svg()
    assert "<tspan" in svg
    assert svg.count("<tspan") >= 7


def test_numbers_are_written_the_french_way():
    assert fmt(1234.5, 1, "%") == "1\xa0234,5 %"
    assert fmt(62.5) == "63"
    assert fmt(None) == "—"
