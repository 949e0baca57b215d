"""The city-level indicator values of the 市州 tier (``city_tier.indicators``): read as a
city × indicator table for a year, checked, and saved cell by cell with an audit row each.

Entered by the province office (the same permission as county data). A blank cell removes the
value (the assessment then imputes it, and says so); nothing is written when any cell is bad.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require
from revitalization.audit import audit
from revitalization.config import IndicatorSystem
from revitalization.store import City, CityObservation


class CityDataError(ValueError):
    """Bad city-level values; the message names the city and the indicator."""


@dataclass(frozen=True)
class Change:
    adcode: str
    indicator: str
    before: float | None
    after: float | None


def table(observations: pd.DataFrame, config: IndicatorSystem, cities: pd.DataFrame, year: int
          ) -> pd.DataFrame:
    """A year's city-level values: one row per 市州 (index adcode), one column per indicator."""
    codes = [i.code for i in config.city.indicators]
    rows = observations[observations["year"] == int(year)]
    wide = rows.pivot_table(index="adcode", columns="indicator", values="value", aggfunc="first")
    return wide.reindex(index=cities["adcode"].tolist(), columns=codes).astype(float)


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip().replace("%", "")
        if text in ("", "—", "-"):
            return None
        value = text
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"“{value}”不是数字") from None
    if not math.isfinite(number):
        raise ValueError(f"“{value}”不是有限的数")
    return number


def changes(current: pd.DataFrame, edited: pd.DataFrame, config: IndicatorSystem,
            names: dict[str, str]) -> list[Change]:
    """The cells that differ, every cell checked first (CityDataError names each bad one)."""
    problems, out = [], []
    for adcode in edited.index:
        for ind in config.city.indicators:
            where = f"{names.get(adcode, adcode)}「{ind.name}」"
            if adcode not in current.index:
                problems.append(f"{where}：未知的市州代码 {adcode}")
                continue
            try:
                after = _number(edited.at[adcode, ind.code])
            except ValueError as exc:
                problems.append(f"{where}：{exc}")
                continue
            if after is not None and not ind.valid_min <= after <= ind.valid_max:
                problems.append(f"{where}：{ind.format_value(after)} 超出合理范围 "
                                f"{ind.valid_min:g}–{ind.valid_max:g}{ind.unit}")
                continue
            before = current.at[adcode, ind.code]
            before = None if before != before else float(before)
            if after is not None:
                after = round(after, ind.decimals)
            if before != after:
                out.append(Change(adcode, ind.code, before, after))
    if problems:
        raise CityDataError("未保存，请修改以下数值：" + "；".join(problems))
    return out


def save(engine: Engine, config: IndicatorSystem, year: int, edits: list[Change], *,
         actor: Actor, reason: str) -> int:
    """Write the checked changes of one year in one transaction, each with its audit row;
    returns how many values changed."""
    require(actor, "data")
    reason = (reason or "").strip()
    if not reason:
        raise CityDataError("修改原因：不能为空")
    if not 1990 <= int(year) <= 2100:
        raise CityDataError(f"考核年度：{year} 不是有效年份")
    with Session(engine) as session:
        for change in edits:
            if session.get(City, change.adcode) is None:
                raise CityDataError(f"市州代码：未知的市州 {change.adcode}")
            record = session.exec(select(CityObservation).where(
                CityObservation.adcode == change.adcode, CityObservation.year == int(year),
                CityObservation.indicator == change.indicator)).first()
            before = record.model_dump() if record else None
            if record is not None and record.value != change.before:
                raise CityDataError("数据已被他人修改，未保存。请刷新页面后重新填写。")
            if record is None and change.before is not None:
                raise CityDataError("数据已被他人修改，未保存。请刷新页面后重新填写。")
            if change.after is None:
                if record is not None:
                    session.delete(record)
                    audit(session, actor.signature, "city_observation", record.id, "delete",
                          before, {"reason": reason})
                continue
            if record is None:
                record = CityObservation(adcode=change.adcode, year=int(year),
                                         indicator=change.indicator, value=change.after,
                                         source=f"手工录入：{reason}")
            else:
                record.value, record.source = change.after, f"手工录入：{reason}"
            session.add(record)
            session.flush()
            audit(session, actor.signature, "city_observation", record.id,
                  "update" if before else "create", before, {**record.model_dump(), "reason": reason})
        session.commit()
    return len(edits)
