"""Publishing (freezing) a year's results, reading them back, and what a rescore would change.

Once a year is published, every view reads the frozen result for that year, even after its
data are corrected; a recomputation is shown beside it as a difference, and replacing the
published result is a new revision with a stated reason (nothing is overwritten).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization.access import Actor, require
from revitalization.audit import audit
from revitalization.config import IndicatorSystem
from revitalization.consistency import Finding, check, needs_acknowledgement, summary
from revitalization.engine import KEY, Assessment, changes, decide
from revitalization.store import Publication, PublishedCityValue, PublishedResult
from revitalization.wording import grade_label, shown_time

WIDE = ("values", "imputed", "normalised", "contributions")


class PublishError(ValueError):
    """A publication that is refused, with the reason in Chinese."""


@dataclass(frozen=True)
class Frozen:
    """A published year: its publication record and the frozen frames."""

    year: int
    revision: int
    fingerprint: str
    published_at: str
    published_by: str
    reason: str
    scores: pd.DataFrame  # rows as in Assessment.scores
    wide: dict[str, pd.DataFrame]  # values, imputed, normalised, contributions
    city_values: pd.DataFrame | None = None  # the year's city-level values as published

    def label(self) -> str:
        day = shown_time(self.published_at)[:10]  # the date in Beijing
        text = f"{self.year} 年结果已于 {day} 发布（第 {self.revision} 版，{self.published_by}）"
        return text + (f"，修订原因：{self.reason}" if self.reason else "")


def _clean(value: object) -> object:
    """A JSON-safe Python value (NaN → None, numpy scalars → Python)."""
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    return value


def snapshot(assessment: Assessment, year: int) -> dict[str, str]:
    """Each unit's result for ``year`` as a JSON payload, keyed by adcode."""
    rows = assessment.scores[assessment.scores["year"] == year]
    if rows.empty:
        raise PublishError(f"{year} 年没有考核结果，无法发布")
    out = {}
    for row in rows.to_dict("records"):
        key = (row["adcode"], year)
        payload = {"score": {k: _clean(v) for k, v in row.items()}}
        for name in WIDE:
            frame = getattr(assessment, name)
            payload[name] = {k: _clean(v) for k, v in frame.loc[key].items()}
        out[row["adcode"]] = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return out


def _frames(payloads: dict[str, str], year: int, template: Assessment) -> tuple[
        pd.DataFrame, dict[str, pd.DataFrame]]:
    loaded = {a: json.loads(p) for a, p in payloads.items()}
    scores = pd.DataFrame([p["score"] for p in loaded.values()])
    scores = scores.reindex(columns=template.scores.columns)
    for col, dtype in template.scores.dtypes.items():
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            continue
        if pd.api.types.is_bool_dtype(dtype):  # a column added after publishing: False, not NaN→True
            scores[col] = scores[col].fillna(False)
        elif pd.api.types.is_integer_dtype(dtype):
            scores[col] = scores[col].fillna(0)
        scores[col] = scores[col].astype(dtype)
    for col in ("gate_failures", "flag_reasons"):
        scores[col] = scores[col].map(lambda v: list(v or []))
    scores["grade"] = pd.Series([g if isinstance(g, str) else pd.NA for g in scores["grade"]],
                                index=scores.index, dtype=object)
    index = pd.MultiIndex.from_tuples([(a, year) for a in loaded], names=KEY)
    wide = {}
    for name in WIDE:
        columns = getattr(template, name).columns
        frame = pd.DataFrame([p[name] for p in loaded.values()], index=index)
        frame = frame.reindex(columns=columns)
        wide[name] = frame.fillna("") if name == "imputed" else frame.astype(float)
    return scores, wide


def publish(engine: Engine, assessment: Assessment, year: int, *, actor: Actor,
            config: IndicatorSystem, reason: str = "", acknowledged: bool = False,
            city_values: pd.DataFrame | None = None) -> int:
    """Freeze ``year``'s results, and the city-level values of that year (``city_values``:
    the store's city observations) the 市州 tier is computed from; returns the revision.

    The consistency check runs first: a year with findings to confirm is published only
    when ``acknowledged``, and the findings go into the audit row. Publishing a year
    again is a correction: it needs a reason and is refused when nothing would change.
    """
    require(actor, "publish")
    payloads = snapshot(assessment, year)
    cities = _city_rows(city_values, year)
    findings = findings_for(assessment, config, year)
    confirm = needs_acknowledgement(findings)
    if confirm and not acknowledged:
        raise PublishError(f"{year} 年一致性检查有 {len(confirm)} 类发现需要确认："
                           + "、".join(f.title for f in confirm) + "。请阅读后勾选确认再发布")
    with Session(engine) as session:
        last = session.exec(select(Publication).where(Publication.year == year)
                            .order_by(Publication.revision.desc())).first()
        if last is not None:
            if not reason.strip():
                raise PublishError(f"{year} 年结果已发布（第 {last.revision} 版）；"
                                   "重新发布属于更正，请填写更正原因")
            frozen = session.exec(select(PublishedResult)
                                  .where(PublishedResult.publication_id == last.id)).all()
            frozen_cities = {(c.adcode, c.indicator): c.value for c in session.exec(
                select(PublishedCityValue).where(PublishedCityValue.publication_id == last.id))}
            if {r.adcode: r.payload for r in frozen} == payloads and frozen_cities == cities:
                raise PublishError(f"{year} 年重新计算的结果与已发布结果完全相同，无需重新发布")
        pub = Publication(year=year, revision=(last.revision + 1) if last else 1,
                          fingerprint=assessment.fingerprint, published_by=str(actor),
                          published_at=datetime.now(UTC).isoformat(timespec="seconds"),
                          reason=reason.strip())
        try:  # two people publishing at once: the second meets the unique (year, revision)
            session.add(pub)
            session.flush()
            session.add_all(PublishedResult(publication_id=pub.id, adcode=a, payload=p)
                            for a, p in payloads.items())
            session.add_all(PublishedCityValue(publication_id=pub.id, adcode=a, indicator=i, value=v)
                            for (a, i), v in cities.items())
            record = {**pub.model_dump(), "consistency": summary(findings)}
            audit(session, actor.signature, "publication", pub.id, "publish", None, record)
            session.commit()
        except IntegrityError:
            session.rollback()
            raise PublishError(f"{year} 年结果刚刚由他人发布，请刷新页面后查看") from None
        return pub.revision


def _city_rows(city_values: pd.DataFrame | None, year: int) -> dict[tuple[str, str], float]:
    if city_values is None or city_values.empty:
        return {}
    rows = city_values[city_values["year"] == year]
    return {(a, i): float(v) for a, i, v in zip(rows["adcode"], rows["indicator"], rows["value"],
                                               strict=True)}


def frozen_city_values(live: pd.DataFrame, frozen: dict[int, Frozen]) -> pd.DataFrame:
    """The city-level values in force: each published year's as published (publications made
    before city values were frozen keep the live ones), the other years' as stored."""
    years = [y for y, f in frozen.items() if f.city_values is not None]
    if not years:
        return live
    kept = live[~live["year"].isin(years)][["adcode", "year", "indicator", "value"]]
    return pd.concat([kept, *(frozen[y].city_values for y in years)], ignore_index=True)


def findings_for(assessment: Assessment, config: IndicatorSystem, year: int) -> list[Finding]:
    """The consistency check of ``year`` (with its robustness draws)."""
    from revitalization.robust import robust_ranks

    robust = robust_ranks(assessment, config, year).table
    return check(assessment.scores, config, year, robust)


def publications(engine: Engine) -> pd.DataFrame:
    """Every publication, newest first (the history of revisions)."""
    with Session(engine) as session:
        rows = [p.model_dump() for p in session.exec(
            select(Publication).order_by(Publication.year.desc(), Publication.revision.desc()))]
    return pd.DataFrame(rows, columns=list(Publication.model_fields))


def read_published(engine: Engine, template: Assessment) -> dict[int, Frozen]:
    """The latest revision of every published year, shaped like ``template``'s frames."""
    out = {}
    with Session(engine) as session:
        pubs = session.exec(select(Publication).order_by(Publication.revision)).all()
        latest = {p.year: p for p in pubs}
        for year, pub in latest.items():
            rows = session.exec(select(PublishedResult)
                                .where(PublishedResult.publication_id == pub.id)).all()
            scores, wide = _frames({r.adcode: r.payload for r in rows}, year, template)
            cities = session.exec(select(PublishedCityValue).where(
                PublishedCityValue.publication_id == pub.id)).all()
            city_values = pd.DataFrame(
                [{"adcode": c.adcode, "year": year, "indicator": c.indicator, "value": c.value}
                 for c in cities], columns=["adcode", "year", "indicator", "value"])
            out[year] = Frozen(year=year, revision=pub.revision, fingerprint=pub.fingerprint,
                               published_at=pub.published_at, published_by=pub.published_by,
                               reason=pub.reason, scores=scores, wide=wide,
                               city_values=city_values if len(cities) else None)
    return out


DECISIONS = ("score_change", "rank_change", "flag_reasons", "flagged", "grade", "grade_reason",
             "progress", "progress_reason", "escalated")


def relink(scores: pd.DataFrame, config: IndicatorSystem, *, frozen_years: set[int]) -> None:
    """Decide the years that are not frozen again against what is displayed for the frozen
    ones: "较上年", the declines rule (which reads several years' changes), the grade cap,
    进步明显 and 升级处理. Frozen years keep everything as published."""
    frozen = scores["year"].isin(frozen_years)
    if frozen.all() or not frozen.any():
        return
    linked = scores.copy()
    changes(linked)
    for col in ("score_change", "rank_change"):
        linked.loc[frozen, col] = scores.loc[frozen, col]
    decide(linked, config)
    live = ~frozen
    for col in DECISIONS:
        scores.loc[live, col] = linked.loc[live, col]
    prev = scores.groupby("adcode")[["flagged", "year"]].shift(1)
    was = (prev["flagged"] == True) & (prev["year"] == scores["year"] - 1)  # noqa: E712
    scores.loc[live, "escalated"] = (scores["flagged"] & was)[live].astype(bool)


def with_published(assessment: Assessment, frozen: dict[int, Frozen],
                   config: IndicatorSystem | None = None) -> Assessment:
    """The assessment with every published year replaced by its frozen result (and, given
    the configuration, the other years decided again against the frozen result)."""
    years = [y for y in frozen if y in assessment.years]
    if not years:
        return assessment
    keep = ~assessment.scores["year"].isin(years)
    scores = pd.concat([assessment.scores[keep]] + [frozen[y].scores for y in years])
    scores = scores.sort_values(KEY).reset_index(drop=True)
    if config is not None:
        relink(scores, config, frozen_years=set(years))
    replaced = {"scores": scores, "published": {y: frozen[y].label() for y in years}}
    for name in WIDE:
        frame = getattr(assessment, name)
        kept = frame[~frame.index.get_level_values("year").isin(years)]
        replaced[name] = pd.concat([kept] + [frozen[y].wide[name] for y in years]).sort_index()
    return dataclasses.replace(assessment, **replaced)


DIFF_LABELS = {"adcode": "区划代码", "name": "名称", "composite_published": "已发布综合得分",
               "composite_recomputed": "重新计算综合得分", "changes": "变化"}


def recompute_diff(frozen: Frozen, fresh: Assessment) -> pd.DataFrame:
    """What a recomputation would change in a published year, one row per changed unit."""
    before = frozen.scores.set_index("adcode")
    after = fresh.year(frozen.year).reindex(before.index)
    rows = []
    for adcode in before.index:
        b, a = before.loc[adcode], after.loc[adcode]
        changes = []
        if pd.notna(a["composite"]) and pd.notna(b["composite"]) and \
                abs(a["composite"] - b["composite"]) >= 0.05:
            changes.append(f"综合得分 {b['composite']:.1f} → {a['composite']:.1f}")
        if bool(b["assessed"]) and not bool(a["assessed"] if pd.notna(a["assessed"]) else False):
            changes.append("不再纳入考核")
        elif not bool(b["assessed"]) and bool(a["assessed"]):
            changes.append("新纳入考核")
        elif b["assessed"] and b["rank_class"] != a["rank_class"]:
            changes.append(f"类内排名 {int(b['rank_class'])} → {int(a['rank_class'])}")
        gb = grade_label(b["grade"])
        ga = grade_label(a["grade"])
        if gb != ga:
            changes.append(f"等次 {gb} → {ga}")
        if bool(b["flagged"]) != bool(a["flagged"]):
            changes.append("新增约谈预警" if a["flagged"] else "不再约谈预警")
        if changes:
            rows.append({"adcode": adcode, "name": b["name"], "composite_published": b["composite"],
                         "composite_recomputed": a["composite"], "changes": "；".join(changes)})
    return pd.DataFrame(rows, columns=["adcode", "name", "composite_published",
                                       "composite_recomputed", "changes"])
