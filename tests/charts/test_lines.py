from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from elan.charts import PALETTE, Series, TimeChart, contrast_ratio

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, not untrusted input


def _chart(**overrides):  # type: ignore[no-untyped-def]
    options = {
        "title": "Adoption <des> gestes",
        "description": "Cumul par semaine & par foyer.",
        "x_labels": ["1 déc.", "8 déc.", "15 déc."],
        "series": [Series("Engagements", [2, 5, 9]), Series("Gestes cochés", [0, 14, 1234])],
        "y_label": "Nombre cumulé",
        "x_label": "Semaine du",
    }
    options.update(overrides)
    return TimeChart(**options)


def test_the_svg_is_an_accessible_image_with_title_and_desc() -> None:
    root = _parse(_chart().svg())
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Adoption <des> gestes"
    assert desc is not None
    assert desc.text == "Cumul par semaine & par foyer."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<script" not in _chart().svg()


def test_it_draws_one_point_per_x_label_and_series() -> None:
    root = _parse(_chart().svg())
    series = root.findall(f"{SVG}g[@class='series']")
    assert len(series) == 2
    for group in series:
        points = group.findall(f"{SVG}g[@class='point']")
        assert len(points) == 3
    tooltips = [p.find(f"{SVG}title").text for p in series[1].findall(f"{SVG}g[@class='point']")]
    assert tooltips[2].startswith("Gestes cochés — 15 déc. : ")
    assert re.sub(r"\D", "", tooltips[2]) == "151234"  # "15 déc." then 1 234


def test_the_table_has_the_same_numbers_as_the_chart() -> None:
    chart = _chart()
    table = _parse(str(chart.table()).replace("&nbsp;", " "))
    assert table.find("caption").text == "Adoption <des> gestes"
    header = [th.text for th in table.find("thead").iter("th")]
    assert header == ["Semaine du", "Engagements", "Gestes cochés"]
    rows = table.find("tbody").findall("tr")
    assert [r.find("th").text for r in rows] == ["1 déc.", "8 déc.", "15 déc."]
    assert all(r.find("th").get("scope") == "row" for r in rows)
    values = [[int(re.sub(r"\D", "", td.text)) for td in r.findall("td")] for r in rows]
    assert values == [[2, 0], [5, 14], [9, 1234]]


def test_y_ticks_are_round_and_cover_the_largest_value() -> None:
    assert _chart(series=[Series("a", [0, 3, 7])]).y_ticks() == [0, 2, 4, 6, 8]
    assert _chart(series=[Series("a", [0, 0, 0])]).y_ticks() == [0, 1]
    ticks = _chart(series=[Series("a", [10, 380, 1234])]).y_ticks()
    assert ticks[-1] >= 1234
    assert len(ticks) <= 6
    assert all(t == int(t) for t in ticks)


def test_a_single_week_still_renders_one_point() -> None:
    chart = _chart(x_labels=["1 déc."], series=[Series("a", [4])])
    root = _parse(chart.svg())
    assert len(root.findall(f".//{SVG}g[@class='point']")) == 1
    assert root.find(f".//{SVG}polyline") is None


def test_an_area_chart_fills_under_the_line() -> None:
    root = _parse(_chart(area=True).svg())
    assert len(root.findall(f".//{SVG}polygon[@fill-opacity='0.12']")) == 2


def test_many_weeks_do_not_crowd_the_x_axis() -> None:
    labels = [f"S{i}" for i in range(22)]
    chart = _chart(x_labels=labels, series=[Series("a", list(range(22)))])
    root = _parse(chart.svg())
    axis_labels = [t.text for t in root.iter(f"{SVG}text") if re.fullmatch(r"S\d+", t.text or "")]
    assert 1 < len(axis_labels) <= 8
    assert len(root.findall(f".//{SVG}g[@class='point']")) == 22


def test_series_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        _chart(series=[Series("a", [1, 2])])


def test_series_differ_by_more_than_colour_and_colours_meet_aa_contrast() -> None:
    svg = _chart().svg()
    assert 'stroke-dasharray=""' in svg
    assert 'stroke-dasharray="6 4"' in svg
    assert "<circle" in svg
    assert "<rect" in svg
    for colour in PALETTE:
        assert contrast_ratio(colour) >= 4.5, colour
    assert contrast_ratio("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#000000") == pytest.approx(21)
