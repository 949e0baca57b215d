"""Editing the indicator system from the app: validated, previewed, versioned.

Edits (group weights; each indicator's weight, goalposts and gate threshold) are stored as
versions in the database and applied on top of ``data/indicators.yaml``; every version is
kept, so any earlier method can be inspected. The file itself (with its comments) is never
rewritten by the app.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require
from revitalization.audit import audit, now
from revitalization.config import EDITABLE, IndicatorSystem, apply_overrides
from revitalization.engine import Assessment
from revitalization.store import MethodVersion
from revitalization.wording import grade_labels


def source_name(file_name: str, version: int | None) -> str:
    return f"{file_name}（方法版本 {version}）" if version else file_name


def latest(engine: Engine) -> MethodVersion | None:
    with Session(engine) as session:
        return session.exec(select(MethodVersion).order_by(MethodVersion.id.desc())).first()


def versions(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = [v.model_dump() for v in session.exec(select(MethodVersion).order_by(
            MethodVersion.id.desc()))]
    return pd.DataFrame(rows, columns=list(MethodVersion.model_fields))


def current(raw: Any, file_name: str, engine: Engine) -> IndicatorSystem:
    """The configuration in force: the file plus the latest saved version, if any."""
    version = latest(engine)
    overrides = json.loads(version.overrides) if version else {}
    return apply_overrides(raw, overrides, source_name(file_name, version.id if version else None))


def overrides_from(config: IndicatorSystem, groups: pd.DataFrame, indicators: pd.DataFrame
                   ) -> dict:
    """Edited tables (as shown in the editor) → the overrides that differ from ``config``."""
    out: dict = {"groups": {}, "indicators": {}}
    for code, weight in groups["weight"].items():
        if float(weight) != config.group(code).weight:
            out["groups"][code] = float(weight)
    for code, row in indicators.iterrows():
        ind = config.indicator(code)
        changed = {}
        for field in EDITABLE:
            value = row[field]
            old = getattr(ind, field)
            if field == "gate_threshold" and not ind.gate:
                continue
            if value is None or pd.isna(value):
                continue
            if old is None or float(value) != float(old):
                changed[field] = float(value)
        if changed:
            out["indicators"][code] = changed
    return out


def merge(base: dict, extra: dict) -> dict:
    """Overrides of the version in force, updated with new edits."""
    merged = {"groups": dict(base.get("groups", {})), "indicators": {
        k: dict(v) for k, v in base.get("indicators", {}).items()}}
    merged["groups"].update(extra.get("groups", {}))
    for code, fields in extra.get("indicators", {}).items():
        merged["indicators"].setdefault(code, {}).update(fields)
    return merged


def preview(before: Assessment, after: Assessment, year: int) -> pd.DataFrame:
    """How each assessed unit's result in ``year`` would change under the edited method:
    ``before`` is the assessment with the method in force, ``after`` with the edited one."""
    old, new = before.year(year), after.year(year)
    a = old[old["assessed"]]
    b = new.loc[a.index]
    table = pd.DataFrame({
        "县（市、区）": a["name"], "考核类别": a["assessment_class"],
        "现综合得分": a["composite"].round(1), "新综合得分": b["composite"].round(1),
        "现类内名次": a["rank_class"].astype(int), "新类内名次": b["rank_class"].astype(int),
        "现等次": grade_labels(a["grade"]), "新等次": grade_labels(b["grade"]),
        "现预警": a["flagged"].map({True: "是", False: ""}),
        "新预警": b["flagged"].map({True: "是", False: ""}),
    })
    changed = ((table["现类内名次"] != table["新类内名次"]) | (table["现等次"] != table["新等次"])
               | (table["现预警"] != table["新预警"])
               | ((table["现综合得分"] - table["新综合得分"]).abs() >= 0.05))
    return table[changed].sort_values("新类内名次")


def save(engine: Engine, raw: Any, file_name: str, overrides: dict, *, actor: Actor,
         note: str) -> int:
    """Validate and keep a new version; returns its number."""
    require(actor, "method")
    if not note.strip():
        raise ValueError("修改说明：不能为空（请写明调整的依据，如文件号）")
    config = apply_overrides(raw, overrides, source_name(file_name, None))  # raises ConfigError
    with Session(engine) as session:
        version = MethodVersion(at=now(), user=str(actor), note=note.strip(),
                                overrides=json.dumps(overrides, ensure_ascii=False, sort_keys=True),
                                fingerprint=config.fingerprint())
        session.add(version)
        session.flush()
        audit(session, actor.signature, "method_version", version.id, "create", None, version.model_dump())
        session.commit()
        return version.id
