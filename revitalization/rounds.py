"""The annual data round (年度填报): the province opens a round for a year with a deadline;
each county's 县级填报员 fills in its own county and submits; its 市州用户 returns it with
comments on named indicators or forwards it; the 省级管理员 accepts, and only then do the
values reach the assessment (written as one import batch, so they can be rolled back).

    未填报 → 草稿 → 已提交 → 市州已审 → 省级已确认        (退回修改: 已提交 / 市州已审 → 草稿)

Every transition and every value change is audited in the same transaction; each action
names the version it read and is refused if someone saved in between; a clerk may change
only its own county and only while the round is open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization import wording
from revitalization.access import Actor, require, require_for, require_read, scoped
from revitalization.audit import audit, now
from revitalization.cases import future_deadline
from revitalization.config import IndicatorSystem
from revitalization.importer import JUMP_RATIO, Report, jump_words, write_batch
from revitalization.intake import values as cells
from revitalization.store import DataRound, Region, Submission

STATES = ("未填报", "草稿", "已提交", "市州已审", "省级已确认")
FILLABLE = ("未填报", "草稿")
RETURNABLE = ("已提交", "市州已审")


class RoundError(ValueError):
    """A refused action or input, in Chinese, naming the indicator or the state."""


class StaleError(RoundError):
    """Someone else saved the submission after it was read."""


@dataclass(frozen=True)
class Entry:
    """A submission as read: state, values, comments and the version to name on a save."""

    id: int
    adcode: str
    state: str
    values: dict[str, float]
    explanations: dict[str, str]
    comments: list[dict]
    version: int
    updated_at: str
    updated_by: str


def open_round(engine: Engine, year: int, deadline: str | date, *, actor: Actor,
               today: date | None = None) -> int:
    """Open the round of ``year``: every assessed county gets a 未填报 submission."""
    require(actor, "round")
    due = future_deadline(deadline, RoundError, today=today)
    with Session(engine) as session:
        if session.exec(select(DataRound).where(DataRound.year == year)).first() is not None:
            raise RoundError(f"{year} 年度填报已经发起")
        record = DataRound(year=year, deadline=due.isoformat(), opened_by=str(actor), opened_at=now())
        session.add(record)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise RoundError(f"{year} 年度填报刚刚由他人发起") from None
        counties = session.exec(select(Region).where(Region.assessed == True)).all()  # noqa: E712
        for region in counties:
            session.add(Submission(round_id=record.id, adcode=region.adcode, updated_at=now()))
        audit(session, actor.signature, "data_round", record.id, "open", None, record.model_dump())
        session.commit()
        return record.id


def set_round_open(engine: Engine, round_id: int, is_open: bool, *, actor: Actor) -> None:
    """Close a round (clerks can no longer change anything) or open it again."""
    require(actor, "round")
    with Session(engine) as session:
        record = session.get(DataRound, round_id)
        if record is None:
            raise LookupError(f"找不到填报轮次 {round_id}")
        before = record.model_dump()
        record.status = "open" if is_open else "closed"
        record.closed_at = "" if is_open else now()
        session.add(record)
        audit(session, actor.signature, "data_round", round_id, "reopen_round" if is_open else "close",
              before, record.model_dump())
        session.commit()


def open_years(engine: Engine) -> set[int]:
    """Years whose round is still open: their data are incomplete, so they are not assessed
    (no ranks, grades or flags) until the province closes the round."""
    with Session(engine) as session:
        return set(session.exec(select(DataRound.year).where(DataRound.status == "open")).all())


def rounds(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = [r.model_dump() for r in session.exec(select(DataRound).order_by(DataRound.year.desc()))]
    return pd.DataFrame(rows, columns=list(DataRound.model_fields))


def round_of(engine: Engine, year: int) -> DataRound | None:
    with Session(engine) as session:
        return session.exec(select(DataRound).where(DataRound.year == year)).first()


def submissions(engine: Engine, round_id: int, *, actor: Actor) -> pd.DataFrame:
    """Every submission of a round that ``actor`` may read (values and comments decoded)."""
    with Session(engine) as session:
        query = scoped(select(Submission).where(Submission.round_id == round_id),
                       Submission.adcode, session, actor)
        rows = [s.model_dump() for s in session.exec(query.order_by(Submission.adcode))]
    frame = pd.DataFrame(rows, columns=list(Submission.model_fields))
    for col, empty in (("values", "{}"), ("explanations", "{}"), ("comments", "[]")):
        frame[col] = frame[col].fillna(empty).map(json.loads)
    return frame


def _load(session: Session, round_id: int, adcode: str) -> tuple[Submission, DataRound]:
    """A county's submission in a round, and the round; LookupError when there is none."""
    record = session.exec(select(Submission).where(Submission.round_id == round_id,
                                                   Submission.adcode == adcode)).first()
    the_round = session.get(DataRound, round_id)
    if record is None or the_round is None:
        raise LookupError(f"{adcode} 不在该填报轮次中（未纳入考核的单位不填报）")
    return record, the_round


def entry(engine: Engine, round_id: int, adcode: str, *, actor: Actor) -> Entry:
    with Session(engine) as session:
        require_read(session, actor, adcode)
        record, _ = _load(session, round_id, adcode)
        return Entry(record.id, adcode, record.state, json.loads(record.values),
                     json.loads(record.explanations), json.loads(record.comments),
                     record.version, record.updated_at, record.updated_by)


def parse_values(texts: dict[str, object], config: IndicatorSystem) -> dict[str, float]:
    """What a clerk typed, per indicator → numbers in the indicator's unit; refused with the
    indicator named (the same rules as an imported file)."""
    out, problems = {}, []
    for code, text in texts.items():
        ind = config.indicator(code)
        parsed = cells.parse(text, ind.unit)
        if parsed.error:
            problems.append(f"{ind.name}：{parsed.error}")
        elif parsed.value is not None:
            if not ind.valid_min <= parsed.value <= ind.valid_max:
                problems.append(f"{ind.name}：{parsed.value:g} 超出合理范围 "
                                f"{ind.valid_min:g}–{ind.valid_max:g} {ind.unit}")
            else:
                out[code] = parsed.value
    if problems:
        raise RoundError("；".join(problems[:5]) + (f"（共 {len(problems)} 处）" if len(problems) > 5 else ""))
    return out


def _change(engine: Engine, round_id: int, adcode: str, *, version: int, actor: Actor,
            action: str, permission: str, allowed_from: tuple[str, ...], target: str,
            edit=None, write=None) -> int:
    """One compare-and-set change of a submission: checks permission, round, state and
    version; ``edit(record)`` changes fields; ``write(session, record)`` writes more in the
    same transaction. Returns the new version."""
    with Session(engine) as session:
        record, the_round = _load(session, round_id, adcode)
        require_for(session, actor, permission, adcode)
        region = session.get(Region, adcode)
        name = region.name if region else adcode
        if permission == "fill" and the_round.status != "open" and actor.role != "province_admin":
            raise RoundError(f"{the_round.year} 年度填报已截止，不能再修改或提交；"
                             "已确认写入的数据如需更正，在“数据管理 → 更正申请”中提出")
        if record.version != version:
            raise StaleError(f"{name}的填报已被他人修改（您读取的是第 {version} 版，当前为第 "
                             f"{record.version} 版），您的操作未保存。请刷新后再操作。")
        if record.state not in allowed_from:
            raise RoundError(f"{name}当前状态为“{record.state}”，不能{_verb(action)}"
                             f"（须为“{'”或“'.join(allowed_from)}”）")
        session.expunge(record)
        before = record.model_dump()
        if edit is not None:
            edit(record)
        record.state = target
        record.updated_at, record.updated_by = now(), str(actor)
        if write is not None:
            write(session, record, the_round, name)
        fields = {k: v for k, v in record.model_dump().items() if k not in ("id", "version")}
        result = session.execute(update(Submission).where(
            Submission.id == record.id, Submission.version == version).values(**fields, version=version + 1))
        if result.rowcount != 1:
            session.rollback()
            raise StaleError(f"{name}的填报已被他人修改，您的操作未保存。请刷新后再操作。")
        audit(session, actor.signature, "submission", record.id, action, before,
              {**fields, "id": record.id, "version": version + 1})
        session.commit()
        return version + 1


def _verb(action: str) -> str:
    return {"save": "修改", "submit": "提交", "return": "退回", "forward": "审核通过",
            "accept": "确认"}[action]


def save_draft(engine: Engine, round_id: int, adcode: str, texts: dict[str, object], *,
               config: IndicatorSystem, version: int, actor: Actor,
               explanations: dict[str, str] | None = None) -> int:
    """Save what the county typed (blanks allowed in a draft); 未填报 / 草稿 → 草稿."""
    numbers = parse_values(texts, config)

    def edit(record: Submission) -> None:
        record.values = json.dumps(numbers, ensure_ascii=False, sort_keys=True)
        if explanations is not None:
            record.explanations = json.dumps({k: v.strip() for k, v in explanations.items()
                                              if v and v.strip()}, ensure_ascii=False, sort_keys=True)

    return _change(engine, round_id, adcode, version=version, actor=actor, action="save",
                   permission="fill", allowed_from=FILLABLE, target="草稿", edit=edit)


def values_from_file(report: Report, adcode: str, year: int, config: IndicatorSystem) -> dict[str, str]:
    """The values of an uploaded file (``importer.validate``'d) for one county's draft: the
    file must hold that county's values of that year only, and check without errors."""
    if report.errors:
        raise RoundError("文件有错误，未填入草稿：" + "；".join(p.text() for p in report.errors[:3]))
    others = report.values[(report.values["adcode"] != adcode) | (report.values["year"] != year)]
    if len(others):
        row = others.iloc[0]
        raise RoundError(f"第 {row['row']} 行是其他县或其他年度的数据（{row['adcode']}，{row['year']} 年）；"
                         f"本县填报只能上传本县 {year} 年度的数据")
    if report.values.empty:
        raise RoundError("文件中没有本县的数值")
    return {r.indicator: f"{r.value:g}" for r in report.values.itertuples()}


def submit(engine: Engine, round_id: int, adcode: str, *, config: IndicatorSystem,
           version: int, actor: Actor) -> int:
    """草稿 → 已提交, once every indicator has a value."""
    current = entry(engine, round_id, adcode, actor=actor)
    if current.state != "草稿":
        raise RoundError(f"当前状态为“{current.state}”，不能提交（须为“草稿”）")
    missing = [config.indicator(c).name for c in (i.code for i in config.indicators)
               if c not in current.values]
    if missing:
        raise RoundError(f"还有 {len(missing)} 项指标未填写，不能提交：{'、'.join(missing[:5])}"
                         + ("等" if len(missing) > 5 else ""))
    return _change(engine, round_id, adcode, version=version, actor=actor, action="submit",
                   permission="fill", allowed_from=("草稿",), target="已提交")


def return_for_changes(engine: Engine, round_id: int, adcode: str, comments: dict[str | None, str],
                       *, config: IndicatorSystem, version: int, actor: Actor) -> int:
    """已提交 / 市州已审 → 草稿 with comments, each on a named indicator (None: the whole
    submission); at least one comment."""
    comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments:
        raise RoundError("退回意见：至少写一条，说明要修改什么")
    for code in comments:
        if code is not None:
            config.indicator(code)  # KeyError → an unknown indicator is a programming error

    def edit(record: Submission) -> None:
        past = json.loads(record.comments)
        for code, text in comments.items():
            past.append({"at": now(), "by": str(actor), "indicator": code, "text": text,
                         "kind": "退回", "resolved": False})
        record.comments = json.dumps(past, ensure_ascii=False)

    allowed_from = RETURNABLE if actor.role == "province_admin" else ("已提交",)
    return _change(engine, round_id, adcode, version=version, actor=actor, action="return",
                   permission="review", allowed_from=allowed_from, target="草稿", edit=edit)


def forward(engine: Engine, round_id: int, adcode: str, *, version: int, actor: Actor) -> int:
    """已提交 → 市州已审 (the 市州 passes it on to the province)."""
    def edit(record: Submission) -> None:
        past = json.loads(record.comments)
        for comment in past:
            comment["resolved"] = True  # what was asked has been answered by the resubmission
        record.comments = json.dumps(past, ensure_ascii=False)

    return _change(engine, round_id, adcode, version=version, actor=actor, action="forward",
                   permission="review", allowed_from=("已提交",), target="市州已审", edit=edit)


def accept(engine: Engine, round_id: int, adcode: str, *, version: int, actor: Actor,
           existing: pd.DataFrame, published_years: set[int] = frozenset(), reason: str = "") -> int:
    """市州已审 → 省级已确认: the values are written to the data as one import batch (can be
    rolled back like any import), in the same transaction as the state change."""
    require(actor, "round")

    def write(session: Session, record: Submission, the_round: DataRound, name: str) -> None:
        numbers = json.loads(record.values)
        frame = pd.DataFrame([{"adcode": adcode, "year": the_round.year, "indicator": k, "value": v,
                               "row": 0, "column": k} for k, v in sorted(numbers.items())],
                             columns=["adcode", "year", "indicator", "value", "row", "column"])
        report = Report(frame, file_hash=f"submission:{record.id}:v{record.version}")
        record.batch_id = write_batch(session, report, existing,
                                      file_name=f"{the_round.year} 年度填报（{name}）", actor=actor,
                                      published_years=published_years, reason=reason, action="round")

    return _change(engine, round_id, adcode, version=version, actor=actor, action="accept",
                   permission="round", allowed_from=("市州已审",), target="省级已确认", write=write)


# The progress board ------------------------------------------------------------------------

def board(engine: Engine, year: int, regions: pd.DataFrame, config: IndicatorSystem,
          observations: pd.DataFrame, *, actor: Actor, today: date | None = None) -> pd.DataFrame:
    """One row per county in the round that ``actor`` may read: state, last change,
    completeness, overdue, values to follow up (jumps against last year, or outside last
    year's range across counties)."""
    today = today or wording.today()
    the_round = round_of(engine, year)
    if the_round is None:
        return pd.DataFrame()
    subs = submissions(engine, the_round.id, actor=actor)
    total = len(config.indicators)
    names = regions.set_index("adcode")
    follow = follow_ups(subs, year, config, observations)
    overdue_now = today > date.fromisoformat(the_round.deadline)
    rows = []
    for r in subs.itertuples():
        rows.append({
            "adcode": r.adcode, "县（市、区）": names.at[r.adcode, "name"],
            "市州": names.at[r.adcode, "city_name"], "状态": r.state,
            "已填指标": f"{len(r.values)}/{total}", "完成度": len(r.values) / total,
            "逾期": overdue_now and r.state in FILLABLE,
            "待核实数值": int((follow["adcode"] == r.adcode).sum()) if len(follow) else 0,
            "未处理的退回意见": sum(1 for c in r.comments if not c.get("resolved")),
            "最后修改": wording.shown_time(r.updated_at), "修改人": r.updated_by,
            "version": r.version})
    columns = ["adcode", "县（市、区）", "市州", "状态", "已填指标", "完成度", "逾期", "待核实数值",
               "未处理的退回意见", "最后修改", "修改人", "version"]
    return pd.DataFrame(rows, columns=columns).set_index("adcode")


def completeness(subs: pd.DataFrame, config: IndicatorSystem) -> pd.DataFrame:
    """Per indicator: how many of the counties that started have filled it in."""
    started = subs[subs["state"] != "未填报"]
    rows = [{"指标": i.name, "单位": i.unit,
             "已填县数": int(sum(i.code in v for v in started["values"])),
             "已开始填报县数": len(started)} for i in config.indicators]
    out = pd.DataFrame(rows)
    out["完成率"] = np.where(out["已开始填报县数"] > 0, out["已填县数"] / out["已开始填报县数"].clip(lower=1), 0.0)
    return out.sort_values("完成率")


def follow_ups(subs: pd.DataFrame, year: int, config: IndicatorSystem,
               observations: pd.DataFrame) -> pd.DataFrame:
    """Values to check: more than ``JUMP_RATIO``× (or under 1/``JUMP_RATIO``) last year's, or
    outside the range of last year's values across the counties."""
    last = observations[observations["year"] == year - 1]
    prev = last.set_index(["adcode", "indicator"])["value"]
    span = last.groupby("indicator")["value"].agg(["min", "max"])
    rows = []
    for r in subs.itertuples():
        for code, value in r.values.items():
            ind = config.indicator(code)
            before = prev.get((r.adcode, code))
            why = ""
            if before is not None and before != 0 and value != 0 and (
                    value / before > JUMP_RATIO or value / before < 1 / JUMP_RATIO):
                why = f"{jump_words(value, before)}（上年 {ind.format_value(before)}）"
            elif code in span.index and not span.at[code, "min"] <= value <= span.at[code, "max"]:
                why = (f"超出上年各县取值范围 {ind.format_value(span.at[code, 'min'])}–"
                       f"{ind.format_value(span.at[code, 'max'])}")
            if why:
                rows.append({"adcode": r.adcode, "indicator": code, "指标": ind.name,
                             "本年数值": ind.format_value(value), "原因": why})
    return pd.DataFrame(rows, columns=["adcode", "indicator", "指标", "本年数值", "原因"])
