"""The results charts: accessible SVG, and a table with the same numbers."""

from __future__ import annotations

import re

import pytest

from elan.charts import PALETTE, BarChart, LineChart, Series, contrast_ratio, nice_ticks


def teams_chart(values):  # type: ignore[no-untyped-def]
    return BarChart(
        title="Comparaison des équipes",
        description="Économies d'énergie par équipe.",
        labels=[f"Équipe {i}" for i in range(len(values))],
        values=values,
        unit="%",
        label_header="Équipe",
    )


def test_the_bar_chart_is_an_accessible_image() -> None:
    svg = str(teams_chart([12.6, 8.0, -3.5]).svg())
    assert 'role="img"' in svg
    assert re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', svg)
    assert '<title id="comparaison-des-equipes-titre">Comparaison des équipes</title>' in svg
    assert (
        '<desc id="comparaison-des-equipes-desc">Économies d&#x27;énergie par équipe.</desc>' in svg
    )
    assert "<script" not in svg


def test_the_bar_chart_draws_one_bar_per_team_with_its_value_written() -> None:
    svg = str(teams_chart([12.6, 8.0, -3.5, 0.0]).svg())
    assert svg.count('<g class="bar">') == 4
    for text in ("12,6 %", "8,0 %", "-3,5 %", "0,0 %"):
        assert f">{text}</text>" in svg


def test_a_team_without_figure_has_no_bar_but_says_so() -> None:
    svg = str(teams_chart([12.6, None]).svg())
    assert svg.count('<g class="bar">') == 1
    assert "non calculé" in svg


def test_the_table_has_the_same_numbers_as_the_bars() -> None:
    chart = teams_chart([12.6, 1234.5])
    table = str(chart.table())
    assert "<caption>Comparaison des équipes</caption>" in table
    assert '<th scope="col">Équipe</th>' in table
    assert '<th scope="row">Équipe 0</th><td>12,6 %</td>' in table
    assert "1\xa0234,5 %" in table or "1 234,5 %" in table
    svg = str(chart.svg())
    for value in re.findall(r"<td>([^<]+)</td>", table):
        assert f">{value}</text>" in svg


def test_negative_bars_go_left_of_the_zero_line() -> None:
    chart = teams_chart([10.0, -10.0])
    ticks = chart.ticks()
    assert ticks[0] < 0 < ticks[-1]
    rects = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', str(chart.svg()))
    (x_pos, _w_pos), (x_neg, w_neg) = [(float(x), float(w)) for x, w in rects]
    zero = chart._x(0, ticks)
    assert x_pos == pytest.approx(zero, abs=0.1)
    assert x_neg + w_neg == pytest.approx(zero, abs=0.1)


def test_the_bar_colour_meets_aa_contrast() -> None:
    assert contrast_ratio(PALETTE[0]) >= 4.5


def test_labels_and_values_must_match() -> None:
    with pytest.raises(ValueError, match="2 values for 1 labels"):
        BarChart(title="t", description="d", labels=["a"], values=[1.0, 2.0])


def test_nice_ticks_cover_negative_and_positive_values() -> None:
    assert nice_ticks([-3.0, 12.0], 1) == [-5.0, 0.0, 5.0, 10.0, 15.0]
    assert nice_ticks([], 0) == [0, 1]


def test_the_line_chart_handles_gaps_and_negative_values() -> None:
    chart = LineChart(
        title="Économies",
        description="Économies cumulées.",
        x_labels=["1 déc.", "8 déc.", "15 déc.", "22 déc."],
        series=[Series("Énergie", [None, -2.0, 4.5, 6.0])],
        decimals=1,
    )
    svg = str(chart.svg())
    assert 'role="img"' in svg
    assert "<desc" in svg
    assert svg.count('<g class="point">') == 3
    assert 'class="zero"' in svg
    table = str(chart.table())
    assert '<th scope="row">1 déc.</th><td>—</td>' in table
    assert "<td>-2,0</td>" in table
    assert "<td>4,5</td>" in table
