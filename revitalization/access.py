"""Who may see and change what: roles, permissions, visible pages and counties, all here.

Checked in the core on every write (``require`` / ``require_for``) — hiding a button is not
enough — and asked by the pages before they draw a button (``allowed``), so nobody is
offered a write they would be refused.

| 角色 | 可查看 | 可修改 |
|---|---|---|
| 省级管理员 | 全部 | 全部 |
| 省级查看 | 全部 | 无 |
| 市州用户 | 本市州各县详情、全省概况 | 本市州各县的约谈、备注、督查发现、帮扶协作、报告跟进；\
审核本市州各县的年度填报；报送本市州和各县的年度报告 |
| 县级填报员 | 本县详情 | 填报本县的年度数据（填报开放期间，经市州审核、省级确认才写入）；报送本县的年度报告 |

An assessed county never writes its own assessment data directly: its values enter only
through the 年度填报 round. Reading is scoped like writing (``readable_codes``): every core
function that returns records of units takes the actor and returns only its scope; the audit
trail and the import history are the province's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from revitalization.store import City, Region

ROLES = {"province_admin": "省级管理员", "province_viewer": "省级查看",
         "city": "市州用户", "county": "县级填报员"}
PROVINCE_ROLES = ("province_admin", "province_viewer")
ACTIONS = {
    "data": "修改指标数据",
    "interview": "修改约谈记录",
    "note": "修改工作备注",
    "publish": "发布考核结果",
    "method": "修改指标体系",
    "rollback": "撤销导入批次",
    "account": "管理账号",
    "round": "组织年度填报（发起、截止、确认）",
    "fill": "填报本县数据",
    "review": "审核本市州各县的填报",
    "briefing": "设置简报版头和版记",
    "department": "记录部门责任落实情况",
    "support": "记录定点帮扶和区域协作",
    "inspection": "记录督查和督查发现的整改",
    "report": "报送年度报告",
    "followup": "跟进年度报告反映的问题",
}


class PermissionDenied(PermissionError, ValueError):
    """A write the actor may not make; the message says who, what and why, in Chinese.
    (Also a ValueError, so every page that shows refused input shows this too.)"""


@dataclass(frozen=True)
class Actor:
    """The person acting: what the audit trail records and what permissions are checked on."""

    username: str
    display: str
    role: str
    scope: str = ""  # the city adcode of a 市州用户, the county adcode of a 县级填报员

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"未知的角色 {self.role!r}")
        if self.role in ("city", "county") and len(self.scope) != 6:
            raise ValueError(f"{ROLES[self.role]}必须指定所属的 6 位区划代码")

    def __str__(self) -> str:
        return f"{self.display}（{ROLES[self.role]}）"

    @property
    def signature(self) -> str:
        """Who, for the audit trail: the name people know and the user name that identifies
        the account (display names can repeat and change)."""
        return f"{self.display}（{ROLES[self.role]}，用户名 {self.username}）"

    @property
    def province(self) -> bool:
        """A province account: reads everything (the administrator also writes)."""
        return self.role in PROVINCE_ROLES

    def covers(self, adcode: str, city: str) -> bool:
        """Whether a county (with its city) is within this actor's scope."""
        if self.province:
            return True
        return self.scope == (city if self.role == "city" else adcode)


DEMO_ACTOR = Actor("demo", "本地用户，未启用登录", "province_admin")


def allowed(actor: Actor, action: str, adcode: str | None = None, city: str | None = None) -> bool:
    if actor.role == "province_admin":
        return True
    if actor.role == "province_viewer":
        return False
    in_scope = adcode is not None and actor.covers(adcode, city or "")
    if actor.role == "city":
        if action == "followup" and adcode == actor.scope:  # its own report: the province's
            return False
        return action in ("interview", "note", "review", "support", "inspection", "report",
                          "followup") and in_scope
    return action in ("fill", "report") and in_scope  # county clerk: never "data" (its own results)


def require(actor: Actor, action: str, adcode: str | None = None, city: str | None = None,
            name: str = "") -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (for the county ``adcode``)."""
    if not allowed(actor, action, adcode, city):
        target = f"（{name or adcode}）" if adcode else ""
        raise PermissionDenied(f"{actor}无权{ACTIONS[action]}{target}")


def readable_codes(session: Session, actor: Actor) -> set[str] | None:
    """The unit codes whose records ``actor`` may read: None for the province (everything);
    a 市州用户 its own 市州 and its counties; a 县级填报员 its county."""
    if actor.province:
        return None
    if actor.role == "county":
        return {actor.scope}
    counties = session.exec(select(Region.adcode).where(Region.city_adcode == actor.scope)).all()
    return {actor.scope, *counties}


def scoped(query, column, session: Session, actor: Actor):
    """``query`` limited to the rows whose unit ``column`` ``actor`` may read."""
    codes = readable_codes(session, actor)
    return query if codes is None else query.where(column.in_(sorted(codes)))


def require_read(session: Session, actor: Actor, adcode: str) -> None:
    """Raise PermissionDenied unless ``actor`` may read the records of unit ``adcode``."""
    codes = readable_codes(session, actor)
    if codes is not None and adcode not in codes:
        region = session.get(Region, adcode)
        name = region.name if region is not None else adcode
        raise PermissionDenied(f"{actor}无权查看{name}的记录（不在本账号的范围内）")


def require_province(actor: Actor, what: str) -> None:
    """Raise PermissionDenied unless ``actor`` is a province account (what only the province
    reads: the audit trail, the import history, the accounts)."""
    if not actor.province:
        raise PermissionDenied(f"{actor}无权查看{what}（仅限省级账号）")


def require_for(session: Session, actor: Actor, action: str, adcode: str) -> None:
    """``require`` for one county (its city looked up in the store, inside a write) or one
    市州 (named from the store's city list)."""
    region = session.get(Region, adcode)
    if region is not None:
        require(actor, action, adcode, region.city_adcode, region.name)
        return
    city = session.get(City, adcode)
    require(actor, action, adcode, "", city.name if city is not None else adcode)


def refusal(actor: Actor, action: str, adcode: str | None = None, city: str | None = None,
            name: str = "") -> str:
    """Why ``actor`` may not do ``action`` (Chinese), or "" when they may: shown beside a
    disabled button, the same words the core would refuse with."""
    try:
        require(actor, action, adcode, city, name)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def refusal_in_scope(actor: Actor, action: str) -> str:
    """Why ``actor`` may not do ``action`` on any county of its scope ("" when it may on some):
    for buttons whose county comes from the input (an uploaded file, a county picked in a
    form); the core still checks each county on the write."""
    if actor.role == "county":
        return refusal(actor, action, actor.scope, "")
    if actor.role == "city":
        return refusal(actor, action, "", actor.scope)
    return refusal(actor, action)


# Pages each role may open. A 县级填报员 works on its own county only (its profile, data
# entry); everyone else sees the province (市州用户 in summary, its own counties in detail).
# Account management exists only with log-in on, for 省级管理员.
CLERK_PAGES = ("county", "data", "round", "reports")
ADMIN_PAGES = ("accounts",)
PROVINCE_PAGES = ("audit",)  # every unit's records and failed log-ins: the province's


def page_allowed(actor: Actor, page: str, *, login_on: bool = False) -> bool:
    if page in ADMIN_PAGES:
        return login_on and actor.role == "province_admin"
    if page in PROVINCE_PAGES:
        return actor.province
    return actor.role != "county" or page in CLERK_PAGES


def home_page(actor: Actor) -> str:
    """The page a user lands on: a 县级填报员 its county's profile, everyone else the overview."""
    return "county" if actor.role == "county" else "overview"


def detail_allowed(actor: Actor, adcode: str, city: str) -> bool:
    """Whether the actor may open a county's profile (detail): its own scope, or all."""
    return actor.covers(adcode, city)


def visible_counties(actor: Actor, regions: pd.DataFrame) -> list[str]:
    """The adcodes whose detail (profile, interview records) ``actor`` may open, in registry
    order: every county for the province, its own for a 市州用户 or 县级填报员."""
    return [a for a, c in zip(regions["adcode"], regions["city_adcode"], strict=True)
            if detail_allowed(actor, a, c)]
