"""Server-side SVG charts: plain data in, an SVG string out. No script, prints as it shows.

Every chart sits next to a table with the same numbers, so the SVG carries only a title for
screen readers; the table is the accessible form.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

BAR_COLOUR = "#1a5e96"
INK = "#1b1f24"
GRID = "#c9d0d8"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as the page shows it (localised), e.g. "8,4" or "12"


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    chart_id: str,
    max_value: float | None = None,
    width: int = 640,
    height: int = 220,
) -> str:
    """A vertical bar chart; bars without a value (withheld) are left empty and marked "–"."""
    top, bottom, left, right = 24, 36, 8, 8
    plot_height = height - top - bottom
    values = [bar.value for bar in bars if bar.value is not None]
    scale_max = max_value if max_value is not None else max(values, default=0) or 1
    slot = (width - left - right) / max(len(bars), 1)
    bar_width = max(slot * 0.7, 2)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
        f'y2="{top + plot_height}" stroke="{GRID}" stroke-width="1"/>',
    ]
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - bar_width) / 2
        centre = left + index * slot + slot / 2
        if bar.value is not None:
            bar_height = plot_height * min(bar.value / scale_max, 1) if scale_max else 0
            y = top + plot_height - bar_height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" '
                f'height="{bar_height:.1f}" fill="{BAR_COLOUR}"/>'
            )
            label_y = y - 4
        else:
            label_y = top + plot_height - 4
        parts.append(
            f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="12" '
            f'fill="{INK}">{escape(bar.text if bar.value is not None else "–")}</text>'
        )
        # A two-word label ("mrt 2026") goes on two lines so a year of months fits.
        lines = bar.label.split(" ", 1)
        spans = "".join(
            f'<tspan x="{centre:.1f}" dy="{0 if n == 0 else 13}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{spans}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
