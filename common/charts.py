"""Server-rendered bar charts: geometry for an inline SVG, nothing fetched, no JavaScript. Each chart
has a visible title, a y axis with its scale (0 and the largest value), axis titles and a legend."""

from dataclasses import dataclass

LEFT = 44  # room for the y axis's scale and title
BOTTOM = 40  # room for the bar labels and the x axis's title


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
    x_label: str = ""
    y_label: str = ""
    legend: str = ""
    left: int = LEFT
    top: int = 18

    @property
    def y_label_y(self) -> float:
        return self.top + (self.plot_height - self.top) / 2

    @property
    def x_label_x(self) -> float:
        return self.left + (self.width - self.left) / 2


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 560, plot_height: int = 140,
              x_label: str = "", y_label: str = "", legend: str = "") -> BarChart:
    """Vertical bars scaled to the largest value; room left for the y axis and below for the labels.
    `legend` names what a bar counts (default: the y axis's title)."""
    maximum = max((v for _, v in items), default=0)
    slot = (width - LEFT) / max(len(items), 1)
    bar_w = slot * 0.7
    top = 18  # room for the value above the tallest bar
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot_height * value / maximum if maximum else 0
        x = LEFT + i * slot + (slot - bar_w) / 2
        bars.append(Bar(label, value, round(x, 1), round(top + plot_height - h, 1), round(bar_w, 1),
                        round(h, 1), round(LEFT + i * slot + slot / 2, 1)))
    return BarChart(title, bars, width, top + plot_height + BOTTOM, top + plot_height, maximum,
                    x_label=x_label, y_label=y_label, legend=legend or y_label)
