"""社会动员: who supports which county — 省直定点帮扶 units and 省内区域协作 partners — over which
years, with what projects and funds; and which counties have no support recorded.

Records are kept by the province office and, for their own counties, by the 市州 (the same
scope as interviews and notes). Every change is audited in its transaction, a save names the
version it read, and deletion is soft (restorable).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization.access import Actor, require_for, scoped
from revitalization.audit import audit, now
from revitalization.store import Region, SupportRelation

KINDS = ("定点帮扶", "区域协作")
MAX_TEXT = 1000
NONE = "无记录"


DUPLICATE = "帮扶单位：该县已有同一类型、同一帮扶单位、同一开始年度的记录（未删除），不重复记录"


class SupportError(ValueError):
    """Refused input; the message names the field, in Chinese."""


class ConcurrentSupportEdit(SupportError):
    """Someone else saved the record after it was read."""


def checked(kind: str, supporter: str, start_year: int, end_year: int | None, projects: str,
             funds: float | str | None) -> dict:
    supporter, projects = (supporter or "").strip(), (projects or "").strip()
    if kind not in KINDS:
        raise SupportError(f"类型：应为 {'、'.join(KINDS)} 之一")
    if not supporter:
        raise SupportError("帮扶单位：不能为空（定点帮扶写单位名称，区域协作写协作方，如“武汉市江岸区”）")
    if len(supporter) > 100:
        raise SupportError("帮扶单位：不能超过 100 字")
    if len(projects) > MAX_TEXT:
        raise SupportError(f"项目：不能超过 {MAX_TEXT} 字（当前 {len(projects)} 字）")
    try:
        start = int(start_year)
        end = None if end_year in (None, "") else int(end_year)
    except (TypeError, ValueError):
        raise SupportError("起止年度：应为年份，如 2021") from None
    if not 2000 <= start <= 2100 or (end is not None and not 2000 <= end <= 2100):
        raise SupportError("起止年度：应在 2000–2100 年之间")
    if end is not None and end < start:
        raise SupportError(f"起止年度：结束年度 {end} 早于开始年度 {start}")
    if funds in (None, ""):
        money = None
    else:
        try:
            money = float(str(funds).replace(",", "").replace("万元", "").strip())
        except ValueError:
            raise SupportError(f"资金：“{funds}”不是数字（单位万元）") from None
        if money < 0:
            raise SupportError("资金：不能为负数")
    return {"kind": kind, "supporter": supporter, "start_year": start, "end_year": end,
            "projects": projects, "funds": money}


def add_relation(engine: Engine, *, adcode: str, kind: str, supporter: str, start_year: int,
                 end_year: int | None = None, projects: str = "", funds: float | None = None,
                 actor: Actor) -> int:
    fields = checked(kind, supporter, start_year, end_year, projects, funds)
    with Session(engine) as session:
        if session.get(Region, adcode) is None:
            raise SupportError(f"区划代码：未知的区划代码 {adcode}")
        require_for(session, actor, "support", adcode)
        record = SupportRelation(adcode=adcode, **fields, updated_by=actor.display,
                                 updated_at=now())
        session.add(record)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise SupportError(DUPLICATE) from None
        audit(session, actor.signature, "support_relation", record.id, "create", None,
              record.model_dump())
        session.commit()
        return record.id


def save_relation(engine: Engine, relation_id: int, *, version: int, actor: Actor,
                  deleted: bool | None = None, **changes) -> int:
    """Change fields (or soft delete / restore with ``deleted``); returns the new version."""
    with Session(engine) as session:
        record = session.get(SupportRelation, relation_id)
        if record is None:
            raise SupportError(f"帮扶记录：找不到编号 {relation_id}")
        require_for(session, actor, "support", record.adcode)
        stale = ConcurrentSupportEdit("该帮扶记录已被他人修改，您的修改未保存。请刷新页面后重试。")
        if record.version != version:
            raise stale
        before = record.model_dump()
        current = {k: before[k] for k in ("kind", "supporter", "start_year", "end_year",
                                          "projects", "funds")}
        values = {**checked(**{**current, **changes}), "updated_by": actor.display,
                  "updated_at": now()}
        if deleted is not None:
            values["deleted"] = deleted
        try:
            result = session.execute(update(SupportRelation).where(
                SupportRelation.id == relation_id, SupportRelation.version == version
            ).values(**values, version=version + 1))
        except IntegrityError:  # the change (or a restore) would make a second live record
            session.rollback()
            raise SupportError(DUPLICATE) from None
        if result.rowcount != 1:  # compare-and-set: a concurrent save in between wins
            session.rollback()
            raise stale
        action = ("delete" if deleted else "restore") if deleted is not None else "update"
        audit(session, actor.signature, "support_relation", relation_id, action, before,
              {**before, **values, "version": version + 1})
        session.commit()
        return version + 1


def relations(engine: Engine, adcode: str | None = None, *, actor: Actor,
              include_deleted: bool = False) -> pd.DataFrame:
    """Support records (of one county) within ``actor``'s scope, newest first."""
    with Session(engine) as session:
        query = scoped(select(SupportRelation), SupportRelation.adcode, session, actor)
        if adcode is not None:
            query = query.where(SupportRelation.adcode == adcode)
        if not include_deleted:
            query = query.where(SupportRelation.deleted == False)  # noqa: E712
        rows = [r.model_dump() for r in session.exec(
            query.order_by(SupportRelation.start_year.desc(), SupportRelation.id.desc()))]
    return pd.DataFrame(rows, columns=list(SupportRelation.model_fields))


def active(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """The records covering ``year`` (started by then, not ended before it; not deleted)."""
    if records.empty:
        return records
    ends = records["end_year"].astype("Float64").fillna(9999)
    return records[(~records["deleted"].astype(bool)) & (records["start_year"] <= year)
                   & (ends >= year)]


def coverage(records: pd.DataFrame, regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every assessed county in ``year``: how many supporters of each kind, who, and funds;
    those with none named as such (indexed by adcode)."""
    now_active = active(records, year)
    counties = regions[regions["assessed"]].set_index("adcode")
    out = pd.DataFrame(index=counties.index)
    out["县（市、区）"] = counties["name"]
    out["市州"] = counties["city_name"]
    for kind in KINDS:
        part = now_active[now_active["kind"] == kind]
        out[kind] = part.groupby("adcode").size().reindex(out.index).fillna(0).astype(int)
        out[f"{kind}单位"] = part.groupby("adcode")["supporter"].agg("、".join).reindex(
            out.index).fillna("")
    funds = now_active["funds"].astype(float).groupby(now_active["adcode"]).sum(min_count=1)
    out["资金（万元）"] = funds.reindex(out.index).astype(float)
    total = out[list(KINDS)].sum(axis=1)
    out["状态"] = [NONE if n == 0 else f"{n} 项" for n in total]
    return out


def pairs(records: pd.DataFrame, regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """区域协作 records of ``year`` whose partner is itself a county of the registry (matched
    by full name, e.g. 武汉市江岸区 or 江岸区): the lines of the who-supports-whom map."""
    now_active = active(records, year)
    part = now_active[now_active["kind"] == "区域协作"]
    by_name = {}
    for r in regions.itertuples():
        by_name[r.name] = r.adcode
        by_name[f"{r.city_name}{r.name}"] = r.adcode
    partner = part["supporter"].map(by_name)
    found = part.assign(partner=partner)[partner.notna()]
    return found[["adcode", "partner", "supporter"]].reset_index(drop=True)
