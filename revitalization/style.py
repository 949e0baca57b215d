"""The look: fonts, palettes and the base figure layout, one for the screen and the export.

Every colour the dashboard draws with is named here. Scores use ColorBrewer sequential
schemes (colour-blind safe); changes use a diverging scheme centred on 0; red and orange
are reserved for flags and warnings.
"""

from __future__ import annotations

import plotly.graph_objects as go

from revitalization import wording

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

# Text and lines.
TEXT = "#1f2937"
LABEL = "#111827"  # county names on maps, outlines on hover
MUTED = "#4b5563"  # footers, hollow markers
SUBTLE = "#6b7280"
CONNECTOR = "#9ca3af"
GRID = "#e5e7eb"
BORDER = "#5f6b7a"  # county boundaries
CITY_BORDER = "#1f2937"  # city boundaries
OUTLINE = "#000000"  # the county outlined on the zoom map
LEGEND_BG = "rgba(255,255,255,0.85)"

# ColorBrewer YlGnBu (sequential, colour-blind safe), light → dark.
YLGNBU = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
# ColorBrewer PuOr (diverging, colour-blind safe): orange-brown = decline, purple = gain.
PUOR = ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"]
GAIN, LOSS = PUOR[-1], PUOR[0]  # strong ends: markers of gains and declines
GAIN_BAR, LOSS_BAR = PUOR[-2], PUOR[1]  # bars of gains and declines; obstacle bars

# A unit and its references (radar, trend): the unit solid dark blue, its class dashed.
UNIT = "#225ea8"
UNIT_FILL = "rgba(34,94,168,0.12)"
REFERENCE = "#41b6c4"
PROVINCE = SUBTLE

# The county locator: the county dark blue, its city light blue, the rest grey.
LOCATOR = ("#f3f4f6", "#c6dbef", "#08306b")

# Categorical map measures. Grade colours follow YlGnBu (best darkest).
GRADE_COLORS = {"优秀": "#253494", "良好": "#2c7fb8", "一般": "#a1dab4", "较差": "#ffffcc",
                wording.UNGRADED: "#bdbdbd"}
# The data round: blues deepen as a county's submission moves on; overdue is a warning.
ROUND_COLORS = {"未填报": "#f7fbff", "草稿": "#c6dbef", "已提交": "#6baed6", "市州已审": "#2171b5",
                "省级已确认": "#08306b", "逾期未交": "#fc8d59"}
FLAG_COLORS = {wording.ESCALATED: "#b30000", wording.FLAGGED: "#fc8d59", wording.NOT_FLAGGED: "#c6dbef"}
NOT_ASSESSED_COLOR = "#d9d9d9"
MISSING_COLOR = "#ffffff"

# Warnings in text: an orange label in tooltips, red for overdue tasks and failed draws.
WARNING = "#c2410c"
ALERT = "#b30000"
ERROR_TEXT = "#b45309"


def base_layout(fig: go.Figure, title: str, subtitle: str = "", height: int = 560) -> go.Figure:
    """Common title, font and margins for every figure."""
    text = f"<b>{title}</b>" + (f"<br><span style='font-size:13px;color:#555'>{subtitle}</span>"
                                if subtitle else "")
    fig.update_layout(
        title={"text": text, "x": 0.01, "xanchor": "left", "y": 0.97},
        font={"family": FONT, "size": 13, "color": TEXT},
        margin={"l": 10, "r": 10, "t": 70 if subtitle else 50, "b": 10},
        height=height, paper_bgcolor="white", plot_bgcolor="white",
    )
    return fig
