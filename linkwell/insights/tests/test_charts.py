import re

from linkwell.insights import charts


def _outer_svg(markup: str) -> str:
    return re.search(r'<svg class="linkwell-chart"[^>]*>', markup).group(0)  # type: ignore[union-attr]


def test_charts_fill_their_column_without_scaling_their_text() -> None:
    for markup in (
        charts.bar("a", "Bars", ["One", "Two"], [3, 1]),
        charts.line("b", "Lines", ["2026-01", "2026-02"], [charts.Series("Total", [1, 2])]),
    ):
        svg = _outer_svg(markup)
        assert 'width="100%"' in svg
        # No viewBox on the outer SVG: text is drawn at page size instead of shrinking with the column.
        assert "viewBox" not in svg
        assert 'role="img"' in svg and 'aria-labelledby="' in svg


def test_bars_are_sized_as_shares_of_the_largest_with_the_figure_above_them() -> None:
    markup = charts.bar("a", "Bars", ["Loneliness", "Debt"], [40, 10], unit="%")
    assert re.findall(r'<rect x="0.00%" y="\d+" width="([\d.]+)%"', markup) == ["100.00", "25.00"]
    assert ">Loneliness</text>" in markup and 'text-anchor="end">40%</text>' in markup


def test_stacked_bars_follow_on_and_have_a_legend() -> None:
    markup = charts.stacked_bar(
        "s", "Waits", ["First contact"], [charts.Series("Median", [6]), charts.Series("To 90th", [2])]
    )
    assert re.findall(r'<rect x="([\d.]+)%" y="\d+" width="([\d.]+)%"', markup) == [
        ("0.00", "75.00"),
        ("75.00", "25.00"),
    ]
    assert 'class="linkwell-chart-legend" aria-hidden="true"' in markup
    assert "> Median</li>" in markup and "> To 90th</li>" in markup
    assert "linkwell-chart-legend" not in charts.bar("b", "One series", ["A"], [1])


def test_hidden_values_and_long_labels_are_marked() -> None:
    label = "Employment, training or volunteering in the community garden"
    markup = charts.stacked_bar("h", "Hidden", [label], [charts.Series("A", [3]), charts.Series("B", [None])])
    assert "3 (some hidden)" in markup
    assert f">{label}<" not in markup and ">Employment, training or volunteering in…<" in markup


def test_a_long_line_chart_shows_at_most_four_month_labels_and_keeps_its_strokes() -> None:
    months = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 8)]
    markup = charts.line("l", "Months", months, [charts.Series("A", list(range(19))), charts.Series("B", [1] * 19)])
    shown = re.findall(r">(20\d\d-\d\d)</text>", markup)
    assert shown[0] == "2026-01" and len(shown) <= 4
    assert markup.count("<polyline") == 2 and 'vector-effect="non-scaling-stroke"' in markup
    assert 'preserveAspectRatio="none"' in markup


def test_an_empty_chart_says_so() -> None:
    assert "No data" in charts.bar("e", "Empty", ["A"], [0])
    assert "No data" in charts.line("e", "Empty", [], [])
