"""Bar charts (common/charts.py, templates/charts/_bar_chart.html): a title, axes and a legend."""

from django.template.loader import render_to_string

from common.charts import bar_chart


def test_a_chart_has_a_visible_title_axis_titles_a_scale_and_a_legend():
    chart = bar_chart("Cases opened, by week", [("01 Dec", 3), ("08 Dec", 7)], x_label="Week starting",
                      y_label="Cases", legend="Cases opened")
    html = render_to_string("charts/_bar_chart.html", {"chart": chart})
    assert '<figcaption class="chart-title">Cases opened, by week</figcaption>' in html
    assert ">Week starting</text>" in html and ">Cases</text>" in html
    assert 'class="tick">7</text>' in html and 'class="tick">0</text>' in html
    assert 'class="legend"' in html and "Cases opened</p>" in html
    assert 'aria-label="Cases opened, by week: Cases by week starting"' in html


def test_bars_start_right_of_the_y_axis_and_scale_to_the_largest():
    chart = bar_chart("t", [("a", 5), ("b", 10)], width=244, plot_height=100)
    assert all(b.x >= chart.left for b in chart.bars)
    assert [b.height for b in chart.bars] == [50.0, 100.0]
