"""The one declared list of pages. ``app.py`` builds the navigation from it.

The page scripts live in ``app_pages/``, not ``pages/``: Streamlit treats a ``pages/``
folder beside the main script as its legacy page list, which on a fresh server runs a page
URL without the router (``st.navigation``); the other name leaves routing to
``st.navigation`` alone.
"""

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
    maps: bool = False  # draws maps: app.py starts loading the map bundle first thing
    needs_results: bool = True  # shows assessment results: before the first year is in, says what to do


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "总览", "map", "app_pages/overview.py", "考核结果",
             "全省 103 个县（市、区）综合得分与五大振兴地图、等次与约谈预警概况", maps=True),
    PageSpec("ranking", "排名", "leaderboard", "app_pages/ranking.py", "考核结果",
             "纳入考核单位的全省及类内排名、五大振兴得分、等次与名次变化"),
    PageSpec("laggards", "约谈预警", "warning", "app_pages/laggards.py", "考核结果",
             "列入约谈预警的单位及触发的每条规则"),
    PageSpec("county", "县域画像", "location_city", "app_pages/county.py", "分析",
             "单个县（市、区）的得分、排名、指标明细与趋势", maps=True),
    PageSpec("city", "市州画像", "apartment", "app_pages/city.py", "分析",
             "单个市州的考核结果、辖区各县、县间差距、责任清单与历年表扬约谈", maps=True),
    PageSpec("duties", "责任清单", "checklist", "app_pages/duties.py", "分析",
             "《实施细则》15 个方面责任：全省落后的责任、各县和市州的责任得分"),
    PageSpec("support", "社会动员", "handshake", "app_pages/support.py", "分析",
             "省直定点帮扶与省内区域协作：谁帮扶哪个县、项目和资金，没有帮扶记录的县", maps=True),
    PageSpec("compare", "年度对比", "compare_arrows", "app_pages/compare.py", "分析",
             "两个考核年度并列比较：进步与退步最大的单位", maps=True),
    PageSpec("inspection", "督查", "fact_check", "app_pages/inspection.py", "工具",
             "年度督查：督查组和对象、督查发现与整改销号，发现可升级为约谈"),
    PageSpec("reports", "年度报告", "summarize", "app_pages/reports.py", "工具",
             "报告制度：应报送单位和截止日期、报送看板、按数据生成的报告草稿、退回补充与跟进事项"),
    PageSpec("export", "简报导出", "download", "app_pages/export.py", "工具",
             "简报要点文字与考核结果表下载"),
    PageSpec("round", "年度填报", "assignment", "app_pages/round.py", "工具",
             "年度数据填报：县级填报、市州审核、省级确认，进度看板", maps=True, needs_results=False),
    PageSpec("data", "数据管理", "database", "app_pages/data.py", "工具",
             "数据集概况、导入与手工修改、区划名录", needs_results=False),
    PageSpec("publish", "结果发布", "lock", "app_pages/publish.py", "工具",
             "发布（冻结）年度考核结果，更正后重新发布"),
    PageSpec("method", "指标体系", "tune", "app_pages/method.py", "工具",
             "权重、阈值和门槛值：修改、预览对排名的影响、保存为新版本"),
    PageSpec("accounts", "账号管理", "manage_accounts", "app_pages/accounts.py", "工具",
             "创建账号并指定角色和范围（启用登录时，仅省级管理员）", needs_results=False),
    PageSpec("audit", "审计日志", "history", "app_pages/audit.py", "工具",
             "所有写入操作的记录：谁、何时、改了什么，只读", needs_results=False),
)


def page_path(key: str) -> str:
    """The script path of a page, for ``st.switch_page``."""
    return next(p.path for p in PAGES if p.key == key)
