"""The one declared list of pages. ``app.py`` builds the navigation from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str  # URL path, e.g. /county
    title: str
    icon: str  # Material icon name (emoji render as boxes without an emoji font)
    path: str
    section: str
    description: str
    default: bool = False
    maps: bool = False  # draws maps: app.py starts loading the map bundle first thing


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "总览", "map", "pages/overview.py", "考核结果",
             "全省 103 个县（市、区）综合得分与五大振兴地图、等次与约谈预警概况", default=True,
             maps=True),
    PageSpec("ranking", "排名", "leaderboard", "pages/ranking.py", "考核结果",
             "纳入考核单位的全省及类内排名、五大振兴得分、等次与名次变化"),
    PageSpec("laggards", "约谈预警", "warning", "pages/laggards.py", "考核结果",
             "列入约谈预警的单位及触发的每条规则"),
    PageSpec("county", "县域画像", "location_city", "pages/county.py", "分析",
             "单个县（市、区）的得分、排名、指标明细与趋势", maps=True),
    PageSpec("compare", "年度对比", "compare_arrows", "pages/compare.py", "分析",
             "两个考核年度并列比较：进步与退步最大的单位", maps=True),
    PageSpec("export", "简报导出", "download", "pages/export.py", "工具",
             "简报要点文字与考核结果表下载"),
    PageSpec("data", "数据管理", "database", "pages/data.py", "工具",
             "数据集概况、指标体系配置与区划名录"),
    PageSpec("audit", "审计日志", "history", "pages/audit.py", "工具",
             "所有写入操作的记录：谁、何时、改了什么，只读"),
)


def page_path(key: str) -> str:
    """The script path of a page, for ``st.switch_page``."""
    return next(p.path for p in PAGES if p.key == key)
