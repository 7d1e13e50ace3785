"""Server-rendered bar charts: geometry for an inline SVG, nothing fetched, no JavaScript."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    plot_height: int
    maximum: int


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 560, plot_height: int = 140) -> BarChart:
    """Vertical bars scaled to the largest value; room below the plot for the labels."""
    maximum = max((v for _, v in items), default=0)
    slot = width / max(len(items), 1)
    bar_w = slot * 0.7
    top = 18  # room for the value above the tallest bar
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot_height * value / maximum if maximum else 0
        x = i * slot + (slot - bar_w) / 2
        bars.append(Bar(label, value, round(x, 1), round(top + plot_height - h, 1), round(bar_w, 1),
                        round(h, 1), round(i * slot + slot / 2, 1)))
    return BarChart(title, bars, width, top + plot_height + 24, top + plot_height, maximum)
